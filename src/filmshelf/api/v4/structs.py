"""Wire shapes of the v4 API, named after TMDB's payloads (encoding, decoding and OpenAPI in one)."""

from __future__ import annotations

from typing import Any

import msgspec

from filmshelf.api.shapes import MovieResult, TvResult


class RequestTokenBody(msgspec.Struct, kw_only=True):
    """Body of POST /4/auth/request_token (optional)."""

    redirect_to: str | None = None


class RequestTokenResponse(msgspec.Struct, kw_only=True):
    """Answer of POST /4/auth/request_token."""

    status_message: str
    request_token: str
    success: bool
    status_code: int


class AccessTokenBody(msgspec.Struct, kw_only=True):
    """Body of POST /4/auth/access_token."""

    request_token: str


class AccessTokenResponse(msgspec.Struct, kw_only=True):
    """Answer of POST /4/auth/access_token."""

    account_id: str
    access_token: str
    success: bool
    status_message: str
    status_code: int


class LogoutBody(msgspec.Struct, kw_only=True):
    """Body of DELETE /4/auth/access_token."""

    access_token: str


# --- LISTS -------------------------------------------------------------------------------------
class ListCreateBody(msgspec.Struct, kw_only=True):
    """Body of POST /4/list (name is checked by the lists rules, so a missing one is 422 / 5)."""

    name: str | None = None
    description: str | None = None
    public: bool | None = None
    iso_639_1: str | None = None
    iso_3166_1: str | None = None


class ListCreateResponse(msgspec.Struct, kw_only=True):
    """Answer of POST /4/list."""

    id: int
    success: bool
    status_code: int
    status_message: str


class ListUpdateBody(msgspec.Struct, kw_only=True):
    """Body of PUT /4/list/{list_id}: every field optional."""

    name: str | None = None
    description: str | None = None
    public: bool | None = None
    sort_by: str | None = None
    iso_639_1: str | None = None
    iso_3166_1: str | None = None


class ListItemIn(msgspec.Struct, kw_only=True):
    """One entry of an items batch (comment ignored on DELETE; absent on PUT means null)."""

    media_type: str
    media_id: int
    comment: str | None = None


class ListItemsBody(msgspec.Struct, kw_only=True):
    """Body of POST/PUT/DELETE /4/list/{list_id}/items."""

    items: list[ListItemIn] | None = None


class ListItemResult(msgspec.Struct, kw_only=True):
    """Per-item result of an items batch."""

    media_type: str
    media_id: int
    success: bool


class ListItemsResponse(msgspec.Struct, kw_only=True):
    """Answer of POST/PUT/DELETE /4/list/{list_id}/items."""

    success: bool
    status_code: int
    status_message: str
    results: list[ListItemResult]


class ListClearResponse(msgspec.Struct, kw_only=True):
    """Answer of GET /4/list/{list_id}/clear."""

    id: int
    items_deleted: int
    success: bool
    status_code: int
    status_message: str


class ListItemStatusResponse(msgspec.Struct, kw_only=True):
    """Answer of GET /4/list/{list_id}/item_status when the item is on the list."""

    id: int
    media_id: int
    media_type: str
    success: bool
    status_code: int
    status_message: str


class ListCreatedBy(msgspec.Struct, kw_only=True):
    """`created_by` of a list."""

    avatar_path: str | None
    gravatar_hash: str
    id: str
    name: str
    username: str


class ListDetails(msgspec.Struct, kw_only=True):
    """Answer of GET /4/list/{list_id}: the list, its totals and one page of its items."""

    average_rating: float
    backdrop_path: str | None
    comments: dict[str, str | None]
    created_by: ListCreatedBy
    description: str
    id: int
    iso_3166_1: str
    iso_639_1: str
    item_count: int
    name: str
    object_ids: dict[str, str]
    page: int
    poster_path: str | None
    public: bool
    # MovieResult | TvResult from api/shapes.py; typed Any because msgspec cannot describe an
    # untagged union of two Structs (and TMDB's objects carry no tag of their own).
    results: list[Any]
    revenue: int
    runtime: int
    sort_by: str
    total_pages: int
    total_results: int


# --- ACCOUNT -------------------------------------------------------------------------------------
class AccountListSummary(msgspec.Struct, kw_only=True):
    """One list in GET /4/account/{account_object_id}/lists, with TMDB's type quirks there:
    `public`, `adult` and `featured` are 0/1 integers and `sort_by` an integer code."""

    account_object_id: str
    adult: int
    average_rating: float
    backdrop_path: str | None
    created_at: str
    description: str
    featured: int
    id: int
    iso_3166_1: str
    iso_639_1: str
    name: str
    number_of_items: int
    poster_path: str | None
    public: int
    revenue: int
    runtime: int
    sort_by: int
    updated_at: str


class AccountListsPage(msgspec.Struct, kw_only=True):
    """Answer of GET /4/account/{account_object_id}/lists."""

    page: int
    results: list[AccountListSummary]
    total_pages: int
    total_results: int


class AccountMoviesPage(msgspec.Struct, kw_only=True):
    """A page of an account's movies (favorites, rated, watchlist, recommendations)."""

    page: int
    results: list[MovieResult]
    total_pages: int
    total_results: int


class AccountTvPage(msgspec.Struct, kw_only=True):
    """A page of an account's TV shows (favorites, rated, watchlist, recommendations)."""

    page: int
    results: list[TvResult]
    total_pages: int
    total_results: int
