"""Wire shapes of the v3 API, named after TMDB's payloads (encoding, decoding and OpenAPI in one)."""

from __future__ import annotations

from typing import Any

import msgspec

from filmshelf.api.shapes import MovieResult, TvResult


# --- AUTHENTICATION (v3 sessions) ----------------------------------------------------------------
class ConvertSessionBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/authentication/session/convert/4."""

    access_token: str


class SessionCreated(msgspec.Struct, kw_only=True):
    """Answer of POST /3/authentication/session/convert/4 and /session/new."""

    success: bool
    session_id: str


class ConvertRefusedBody(msgspec.Struct, kw_only=True):
    """TMDB's refusal of convert/4 for a token without write permission (it adds `failure`)."""

    success: bool
    failure: bool
    status_code: int
    status_message: str


class V3RequestToken(msgspec.Struct, kw_only=True):
    """Answer of GET /3/authentication/token/new and POST /token/validate_with_login."""

    success: bool
    expires_at: str
    request_token: str


class ValidateWithLoginBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/authentication/token/validate_with_login (missing fields are code 26/33)."""

    username: str | None = None
    password: str | None = None
    request_token: str | None = None


class SessionNewBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/authentication/session/new."""

    request_token: str | None = None


class SessionDeleteBody(msgspec.Struct, kw_only=True):
    """Body of DELETE /3/authentication/session."""

    session_id: str | None = None


class SuccessBody(msgspec.Struct, kw_only=True):
    """`{"success": true}` (DELETE /3/authentication/session)."""

    success: bool


# --- ACCOUNT -------------------------------------------------------------------------------------
class Gravatar(msgspec.Struct, kw_only=True):
    """`avatar.gravatar` of account details."""

    hash: str


class TmdbAvatar(msgspec.Struct, kw_only=True):
    """`avatar.tmdb` of account details."""

    avatar_path: str | None


class Avatar(msgspec.Struct, kw_only=True):
    """`avatar` of account details."""

    gravatar: Gravatar
    tmdb: TmdbAvatar


class AccountDetails(msgspec.Struct, kw_only=True):
    """Answer of GET /3/account and GET /3/account/{account_id}."""

    avatar: Avatar
    id: int
    iso_639_1: str
    iso_3166_1: str
    name: str
    include_adult: bool
    username: str


# Body fields are loosely typed on purpose: the account rules check them and answer TMDB's
# 400 / code 18 with an error_message, instead of a framework error for a mistyped value.
class FavoriteBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/account/{account_id}/favorite."""

    media_type: Any = None
    media_id: Any = None
    favorite: Any = None


class WatchlistBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/account/{account_id}/watchlist."""

    media_type: Any = None
    media_id: Any = None
    watchlist: Any = None


class RatingBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/movie/{movie_id}/rating and /3/tv/{series_id}/rating."""

    value: Any = None


class RatedMovieV3(MovieResult, kw_only=True):
    """A movie in GET /3/account/{account_id}/rated/movies: the result plus the user's `rating`."""

    rating: float


class RatedTvV3(TvResult, kw_only=True):
    """A show in GET /3/account/{account_id}/rated/tv: the result plus the user's `rating`."""

    rating: float


class AccountMoviesV3(msgspec.Struct, kw_only=True):
    """A page of favorite / watchlist movies (v3)."""

    page: int
    results: list[MovieResult]
    total_pages: int
    total_results: int


class AccountTvV3(msgspec.Struct, kw_only=True):
    """A page of favorite / watchlist shows (v3)."""

    page: int
    results: list[TvResult]
    total_pages: int
    total_results: int


class RatedMoviesV3(msgspec.Struct, kw_only=True):
    """A page of rated movies (v3)."""

    page: int
    results: list[RatedMovieV3]
    total_pages: int
    total_results: int


class RatedTvPageV3(msgspec.Struct, kw_only=True):
    """A page of rated shows (v3)."""

    page: int
    results: list[RatedTvV3]
    total_pages: int
    total_results: int


class AccountListV3(msgspec.Struct, kw_only=True):
    """One of the account's lists in GET /3/account/{account_id}/lists."""

    description: str
    favorite_count: int
    id: int
    item_count: int
    iso_639_1: str
    list_type: str
    name: str
    poster_path: str | None


class AccountListsV3(msgspec.Struct, kw_only=True):
    """A page of the account's lists (v3)."""

    page: int
    results: list[AccountListV3]
    total_pages: int
    total_results: int
