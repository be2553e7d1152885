"""The small typed records storage hands up: decoded, one Python type per field.

Storage formats (the JSON text of `genre_ids` and `origin_country`) are decoded here and nowhere
else, so neither the domain packages nor `api/` ever see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Title:
    """A movie or TV show of the catalog (TV's `name`/`first_air_date` in `title`/`release_date`)."""

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
        """From any row that carries the `titles` columns."""
        return cls(
            media_type=row.media_type,
            id=int(row.id),
            title=row.title,
            original_title=row.original_title,
            original_language=row.original_language,
            release_date=row.release_date,
            genre_ids=decode_ints(row.genre_ids),
            origin_country=decode_strs(row.origin_country),
            overview=row.overview or "",
            popularity=float(row.popularity),
            vote_average=float(row.vote_average),
            vote_count=int(row.vote_count),
            adult=bool(row.adult),
            video=bool(row.video),
            poster_path=row.poster_path,
            backdrop_path=row.backdrop_path,
            runtime=None if row.runtime is None else int(row.runtime),
            revenue=None if row.revenue is None else int(row.revenue),
            title_key=row.title_key,
            last_air_date=getattr(row, "last_air_date", None),
        )


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """A favorite, watchlist entry or rating of an account, with its title."""

    title: Title
    created_at: float
    rating: float | None


@dataclass(frozen=True, slots=True)
class ListEntry:
    """An item on a page of a list, with its title."""

    title: Title
    comment: str | None
    object_id: str


@dataclass(frozen=True, slots=True)
class Signal:
    """What recommendations learn from one favorite, watchlist entry or rating."""

    media_id: int
    genre_ids: tuple[int, ...]
    overview: str
    rating: float | None
