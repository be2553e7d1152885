"""Wire shapes of the v4 API, named after TMDB's payloads (encoding, decoding and OpenAPI in one)."""

from __future__ import annotations

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
