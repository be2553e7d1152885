"""The small typed records storage hands up: decoded, one Python type per field.

Storage formats (the JSON text of `genre_ids` and `origin_country`) are decoded here and nowhere
else, so neither the domain packages nor `api/` ever see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

_int_list = msgspec.json.Decoder(list[int])
_str_list = msgspec.json.Decoder(list[str])


def decode_ints(raw: str | None) -> tuple[int, ...]:
    """A JSON array of integers as stored (empty on missing or malformed data)."""
    if not raw:
        return ()
    try:
        return tuple(_int_list.decode(raw))
    except msgspec.DecodeError:
        return ()


def decode_strs(raw: str | None) -> tuple[str, ...]:
    """A JSON array of strings as stored (empty on missing or malformed data)."""
    if not raw:
        return ()
    try:
        return tuple(_str_list.decode(raw))
    except msgspec.DecodeError:
        return ()


class Title(msgspec.Struct, frozen=True):
    """A movie or TV show of the catalog (TV's `name`/`first_air_date` in `title`/`release_date`).

    A frozen msgspec Struct rather than a frozen dataclass: a page builds twenty of these per
    call, and a frozen dataclass's `__init__` (one `object.__setattr__` per field) cost five times
    as much (2.1 µs against 0.4 µs each).
    """

    media_type: str
    id: int
    title: str
    original_title: str
    original_language: str
    release_date: str | None
    genre_ids: tuple[int, ...]
    origin_country: tuple[str, ...]
    overview: str
    popularity: float
    vote_average: float
    vote_count: int
    adult: bool
    video: bool
    poster_path: str | None
    backdrop_path: str | None
    runtime: int | None
    revenue: int | None
    title_key: str
    # TV: the last episode's air date a detail import brought.
    last_air_date: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> Title:
        """From any row that carries the `titles` columns (positional: twenty rows per page)."""
        return cls(
            row.media_type,
            int(row.id),
            row.title,
            row.original_title,
            row.original_language,
            row.release_date,
            decode_ints(row.genre_ids),
            decode_strs(row.origin_country),
            row.overview or "",
            float(row.popularity),
            float(row.vote_average),
            int(row.vote_count),
            bool(row.adult),
            bool(row.video),
            row.poster_path,
            row.backdrop_path,
            None if row.runtime is None else int(row.runtime),
            None if row.revenue is None else int(row.revenue),
            row.title_key,
            getattr(row, "last_air_date", None),
        )


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """A favorite, watchlist entry or rating of an account, with its title."""

    title: Title
    created_at: float
    rating: float | None


class ListEntry(msgspec.Struct, frozen=True):
    """An item on a page of a list, with its title (a Struct, as `Title`: twenty per page)."""

    title: Title
    comment: str | None
    object_id: str

    @property
    def media_type(self) -> str:
        """The item's media type (its title's)."""
        return self.title.media_type

    @property
    def media_id(self) -> int:
        """The item's TMDB id (its title's)."""
        return self.title.id


@dataclass(frozen=True, slots=True)
class Signal:
    """What recommendations learn from one favorite, watchlist entry or rating."""

    media_id: int
    genre_ids: tuple[int, ...]
    overview: str
    rating: float | None


# --- rows of the look-ups that every request makes (typed: mypy checks their fields) ----------------
class AccountRow(NamedTuple):
    """An `accounts` row, as the account look-ups return it (the table's columns, in order)."""

    id: int
    object_id: str
    username: str
    username_key: str
    name: str
    password_hash: str
    iso_639_1: str
    iso_3166_1: str
    include_adult: bool
    created_at: float
    is_admin: bool
    disabled: bool
    session_generation: int


class AppRow(NamedTuple):
    """A live app with its owner, as `storage.auth.app_by_api_key` returns it."""

    id: int
    api_key: str
    name: str
    owner_id: int
    created_at: float
    owner_object_id: str
    owner_username: str


class LiveAccessTokenRow(NamedTuple):
    """A live user access token with its account and its app (and whether the app's owner is disabled)."""

    jti: str
    account_id: int
    app_id: int
    account_object_id: str
    api_key: str
    app_name: str
    app_owner_id: int
    app_created_at: float
    app_owner_object_id: str
    app_owner_disabled: bool


class OwnedAppRow(NamedTuple):
    """An app, live or revoked, with its owner, as the access and app pages list them."""

    id: int
    api_key: str
    name: str
    owner_id: int
    created_at: float
    revoked_at: float | None
    owner_object_id: str
    owner_username: str
