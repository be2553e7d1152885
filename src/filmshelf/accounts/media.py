"""An account's media state: favorites, watchlist and ratings, one state for v3 and v4.

Rules: `media_type` is "movie" or "tv"; a title can be marked or rated only if the catalog
holds it (removals work either way, so a title that left the catalog can still be cleaned up);
ratings are 0.5 to 10.0 in steps of 0.5. Outcomes follow TMDB's codes: 1 created, 12 updated
(already there / rating replaced), 13 deleted. Reads are paged 20 at a time and sorted by a
whitelisted `sort_by`; an unknown value is refused with code 5 rather than silently ignored.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any, Literal

from filmshelf.catalog import popularity
from filmshelf.errors import FilmshelfError, InvalidParameters, NotFound, ValidationFailed
from filmshelf.lists.service import ListInfo, ListSummary
from filmshelf.storage import account_media as rows
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Conn
from filmshelf.wire import PAGE_SIZE, Page, offset_of

MEDIA_TYPES = ("movie", "tv")
MarkKind = Literal["favorite", "watchlist"]
EntryKind = Literal["favorite", "watchlist", "rated"]


class Outcome(enum.IntEnum):
    """What a write did, as TMDB's status code."""

    CREATED = 1
    UPDATED = 12
    DELETED = 13


# --- input rules -----------------------------------------------------------------------------------
def parse_media_type(raw: object) -> str:
    """A body's `media_type`: "movie" or "tv"; ValidationFailed (400/18) otherwise."""
    if isinstance(raw, str) and raw in MEDIA_TYPES:
        return raw
    raise ValidationFailed(detail="media_type must be 'movie' or 'tv'.")


def parse_media_id(raw: object) -> int:
    """A body's `media_id`: a positive integer (or integral number); ValidationFailed otherwise."""
    if isinstance(raw, bool):
        raise ValidationFailed(detail="media_id must be an integer.")
    integral_float = isinstance(raw, float) and raw.is_integer()
    digits = isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10
    if isinstance(raw, int | float | str) and (isinstance(raw, int) or integral_float or digits):
        value = int(raw)
    else:
        raise ValidationFailed(detail="media_id must be an integer.")
    if not 0 < value < 2**31:
        raise ValidationFailed(detail="media_id must be a positive integer.")
    return value


_FLAG_TEXT = {"true": True, "false": False}


def parse_flag(raw: object, name: str) -> bool:
    """A body's `favorite` / `watchlist` flag: a JSON boolean, or the text "true" / "false" (form
    bodies, and clients that send strings); ValidationFailed otherwise."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in _FLAG_TEXT:
        return _FLAG_TEXT[raw.lower()]
    raise ValidationFailed(detail=f"{name} must be true or false.")


RATING_MIN = 0.5
RATING_MAX = 10.0


def parse_rating(raw: object) -> float:
    """A rating `value`: 0.5 to 10.0 in steps of 0.5 (a number, or a decimal string).

    Failures are ValidationFailed (400/18) with TMDB's wording of the broken rule as detail.
    """
    value: float
    if isinstance(raw, bool) or raw is None:
        raise ValidationFailed(detail="Value invalid: Values must be a number.")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str) and len(raw) <= 16:
        try:
            value = float(raw.strip())
        except ValueError as exc:
            raise ValidationFailed(detail="Value invalid: Values must be a number.") from exc
    else:
        raise ValidationFailed(detail="Value invalid: Values must be a number.")
    if not math.isfinite(value):
        raise ValidationFailed(detail="Value invalid: Values must be a number.")
    if value < RATING_MIN:
        raise ValidationFailed(detail="Value too low: Value must be greater than 0.0.")
    if value > RATING_MAX:
        raise ValidationFailed(detail="Value too high: Value must be less than, or equal to 10.0.")
    if (value * 2) != math.floor(value * 2):
        raise ValidationFailed(detail="Value invalid: Values must be a multiple of 0.50.")
    return value


# --- sorting ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Sort:
    """A validated `sort_by`: the storage sort key and the direction."""

    key: rows.SortKey
    descending: bool


# The v4 account routes accept what TMDB's clients send (clients.md item 14); TV names map onto
# the catalog's shared columns (first_air_date -> release_date, name -> title).
_V4_KEYS: dict[str, dict[str, rows.SortKey]] = {
    "movie": {
        "created_at": "created_at",
        "release_date": "release_date",
        "title": "title",
        "vote_average": "vote_average",
    },
    "tv": {
        "created_at": "created_at",
        "first_air_date": "release_date",
        "name": "title",
        "vote_average": "vote_average",
    },
}
_V3_KEYS: dict[str, rows.SortKey] = {"created_at": "created_at"}
DEFAULT_SORT = Sort(key="created_at", descending=False)


def allowed_sorts(media_type: str, *, v3: bool) -> list[str]:
    """Every `sort_by` value a route of this media type accepts."""
    keys = _V3_KEYS if v3 else _V4_KEYS[media_type]
    return [f"{key}.{direction}" for key in keys for direction in ("asc", "desc")]


def parse_sort(raw: str | None, *, media_type: str, v3: bool) -> Sort:
    """The `sort_by` query value (default created_at.asc); InvalidParameters (422/5) if unknown."""
    if raw is None or raw == "":
        return DEFAULT_SORT
    keys = _V3_KEYS if v3 else _V4_KEYS[media_type]
    field, _, direction = raw.rpartition(".")
    if field in keys and direction in ("asc", "desc"):
        return Sort(key=keys[field], descending=direction == "desc")
    allowed = ", ".join(allowed_sorts(media_type, v3=v3))
    raise InvalidParameters(detail=f"sort_by must be one of: {allowed}."[:400])


# --- writes ----------------------------------------------------------------------------------------
async def _require_title(conn: Conn, media_type: str, media_id: int) -> None:
    if await catalog_rows.get_title(conn, media_type, media_id) is None:
        raise NotFound()


async def set_mark(
    conn: Conn, *, kind: MarkKind, account_id: int, media_type: str, media_id: int, on: bool, now: float
) -> Outcome:
    """Add (on) or remove (off) a favorite / watchlist entry; removal is idempotent (13)."""
    if not on:
        if await rows.remove_entry(conn, kind=kind, account_id=account_id, media_type=media_type, media_id=media_id):
            await popularity.refresh_titles(conn, [(media_type, media_id)], now=now)
        return Outcome.DELETED
    await _require_title(conn, media_type, media_id)
    created = await rows.add_mark(
        conn, kind=kind, account_id=account_id, media_type=media_type, media_id=media_id, now=now
    )
    if created:
        # The title's activity (popularity, trending) moves in this transaction.
        await popularity.refresh_titles(conn, [(media_type, media_id)], now=now)
    return Outcome.CREATED if created else Outcome.UPDATED


async def rate(conn: Conn, *, account_id: int, media_type: str, media_id: int, value: float, now: float) -> Outcome:
    """Rate a catalog title (value already checked by `parse_rating`)."""
    await _require_title(conn, media_type, media_id)
    created = await rows.put_rating(
        conn, account_id=account_id, media_type=media_type, media_id=media_id, value=value, now=now
    )
    # The title's vote_average / vote_count move in this transaction: the next read sees them.
    await popularity.refresh_titles(conn, [(media_type, media_id)], now=now)
    return Outcome.CREATED if created else Outcome.UPDATED


async def unrate(conn: Conn, *, account_id: int, media_type: str, media_id: int, now: float) -> Outcome:
    """Delete a rating. Deleting an absent rating of a catalog title is idempotent (13); of an
    unknown title it is NotFound (34)."""
    removed = await rows.remove_entry(
        conn, kind="rated", account_id=account_id, media_type=media_type, media_id=media_id
    )
    if not removed:
        await _require_title(conn, media_type, media_id)
    else:
        await popularity.refresh_titles(conn, [(media_type, media_id)], now=now)
    return Outcome.DELETED


# --- reads -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class States:
    """What an account (or a guest) has said about one title: TMDB's account_states."""

    favorite: bool
    watchlist: bool
    rating: float | None


async def states(conn: Conn, *, account_id: int, media_type: str, media_id: int) -> States:
    """The account's favorite / watchlist / rating state of a catalog title; 404 / 34 if unknown."""
    await _require_title(conn, media_type, media_id)
    favorite, on_watchlist, rating = await rows.states(
        conn, account_id=account_id, media_type=media_type, media_id=media_id
    )
    return States(favorite=favorite, watchlist=on_watchlist, rating=rating)


async def entries_page(
    conn: Conn, *, kind: EntryKind, account_id: int, media_type: str, sort: Sort, page: int
) -> Page[Any]:
    """One page (20) of an account's favorites / watchlist / rated titles of `media_type`.

    Rows carry the title's columns, `entry_created_at`, and `rating` for rated titles.
    """
    if media_type not in MEDIA_TYPES:  # routes pass constants; this guards programming errors
        raise FilmshelfError(34)
    total = await rows.count_entries(conn, kind=kind, account_id=account_id, media_type=media_type)
    found = await rows.page_entries(
        conn,
        kind=kind,
        account_id=account_id,
        media_type=media_type,
        sort_key=sort.key,
        descending=sort.descending,
        offset=offset_of(page),
        limit=PAGE_SIZE,
    )
    return Page(page=page, total_results=total, rows=found)


async def lists_page(conn: Conn, *, account_id: int, page: int) -> Page[ListSummary]:
    """One page (20) of the account's own v4 lists (public and private), newest first."""
    total, found = await rows.account_lists_page(conn, account_id=account_id, offset=offset_of(page), limit=PAGE_SIZE)
    summaries = [
        ListSummary(info=ListInfo.from_row(row), poster_path=row.poster_path, backdrop_path=row.backdrop_path)
        for row in found
    ]
    return Page(page=page, total_results=total, rows=summaries)


@dataclass(frozen=True, slots=True)
class TitleState:
    """What one account has done with one title: the heart, the bookmark and the stars."""

    favorite: bool
    watchlist: bool
    rating: float | None


async def title_state(conn: Conn, *, account_id: int, media_type: str, media_id: int) -> TitleState:
    """The account's favorite / watchlist / rating state of one title."""
    favorite, on_watchlist, rating = await rows.title_state(
        conn, account_id=account_id, media_type=media_type, media_id=media_id
    )
    return TitleState(favorite=favorite, watchlist=on_watchlist, rating=rating)


MAX_LIST_CHOICES = 500


async def list_choices(conn: Conn, *, account_id: int) -> list[tuple[int, str]]:
    """(id, name) of the account's lists, newest first (at most MAX_LIST_CHOICES), for "add to list"."""
    return [
        (int(row.id), str(row.name))
        for row in await rows.list_choices(conn, account_id=account_id, limit=MAX_LIST_CHOICES)
    ]
