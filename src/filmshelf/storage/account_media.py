"""SQL for an account's media state: favorites, watchlist and ratings (shared by v3 and v4).

Writes are single statements keyed by (account_id, media_type, media_id): an add is
INSERT ... ON CONFLICT DO NOTHING (its row count says "created" or "already there"), a removal
a DELETE, a rating an insert-or-ignore followed by an UPDATE of the value; no row is read and
then written back, so concurrent requests cannot lose each other's changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Integer, Table, and_, bindparam, delete, desc, exists, func, literal, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.sql.elements import ColumnElement

from filmshelf.storage.catalog import has_genre
from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.lists import first_item_column
from filmshelf.storage.records import AccountEntry, Signal, Title, decode_ints
from filmshelf.storage.tables import TITLE_COLUMNS, favorites, lists, ratings, titles, watchlist
from filmshelf.storage.upsert import insert_or_ignore

Kind = Literal["favorite", "watchlist", "rated"]
SortKey = Literal["created_at", "release_date", "title", "vote_average"]

_TABLES: dict[str, Table] = {"favorite": favorites, "watchlist": watchlist, "rated": ratings}


def _entry_filter(table: Table, *, account_id: int, media_type: str, media_id: int) -> ColumnElement[bool]:
    return and_(table.c.account_id == account_id, table.c.media_type == media_type, table.c.media_id == media_id)


async def add_mark(
    conn: Conn,
    *,
    kind: Literal["favorite", "watchlist"],
    account_id: int,
    media_type: str,
    media_id: int,
    now: float,
) -> bool:
    """Mark a title as favorite / on the watchlist; True if newly added, False if it already was."""
    row = {"account_id": account_id, "media_type": media_type, "media_id": media_id, "created_at": now}
    return await insert_or_ignore(conn, _TABLES[kind], [row]) == 1


async def remove_entry(conn: Conn, *, kind: Kind, account_id: int, media_type: str, media_id: int) -> bool:
    """Remove a favorite, watchlist entry or rating; True if there was one."""
    table = _TABLES[kind]
    stmt = delete(table).where(_entry_filter(table, account_id=account_id, media_type=media_type, media_id=media_id))
    return await conn.run(stmt) > 0


async def put_rating(conn: Conn, *, account_id: int, media_type: str, media_id: int, value: float, now: float) -> bool:
    """Rate a title; True if this is its first rating, False if an earlier rating was replaced.

    A replaced rating keeps its original `created_at`, so a re-rated title keeps its place
    in lists sorted by `created_at`.
    """
    row = {
        "account_id": account_id,
        "media_type": media_type,
        "media_id": media_id,
        "created_at": now,
        "value": value,
    }
    where = _entry_filter(ratings, account_id=account_id, media_type=media_type, media_id=media_id)
    # Bounded retry: a concurrent DELETE can slip between the two statements.
    for _ in range(3):
        if await insert_or_ignore(conn, ratings, [row]) == 1:
            return True
        if await conn.run(update(ratings).where(where).values(value=value)) > 0:
            return False
    raise RuntimeError("rating row kept disappearing")


def _order(sort_key: SortKey, descending: bool, table: Table) -> list[Any]:
    column: Any = {
        "created_at": table.c.created_at,
        "release_date": func.coalesce(titles.c.release_date, ""),
        "title": titles.c.title_key,
        "vote_average": titles.c.vote_average,
    }[sort_key]
    tie = table.c.media_id
    return [desc(column), desc(tie)] if descending else [column, tie]


async def count_entries(conn: Conn, *, kind: Kind, account_id: int, media_type: str) -> int:
    """How many entries of `media_type` (present in the catalog) an account has of `kind`."""
    prepared = _COUNTS.get(kind)
    if prepared is None:
        table = _TABLES[kind]
        prepared = _COUNTS[kind] = Prepared(
            select(func.count().label("total"))
            .select_from(
                table.join(titles, and_(titles.c.media_type == table.c.media_type, titles.c.id == table.c.media_id))
            )
            .where(table.c.account_id == bindparam("p_account_id"), table.c.media_type == bindparam("p_media_type"))
        )
    found = await conn.fetch(prepared, {"p_account_id": account_id, "p_media_type": media_type})
    return int(found[0].total or 0) if found else 0


# Account pages are read on every visit: their statements are prepared once per shape.
_COUNTS: dict[str, Prepared[Any]] = {}
_PAGES: dict[tuple[str, str, bool], Prepared[Any]] = {}


async def page_entries(
    conn: Conn,
    *,
    kind: Kind,
    account_id: int,
    media_type: str,
    sort_key: SortKey,
    descending: bool,
    offset: int,
    limit: int,
) -> list[AccountEntry]:
    """One page of an account's entries with their titles (and the rating, for `rated`).
    Ties are broken by the TMDB id in the same direction, so pages never overlap.
    """
    prepared = _PAGES.get((kind, sort_key, descending))
    if prepared is None:
        table = _TABLES[kind]
        columns: list[Any] = [*TITLE_COLUMNS, table.c.created_at.label("entry_created_at")]
        if kind == "rated":
            columns.append(table.c.value.label("rating"))
        prepared = _PAGES[(kind, sort_key, descending)] = Prepared(
            select(*columns)
            .select_from(
                table.join(titles, and_(titles.c.media_type == table.c.media_type, titles.c.id == table.c.media_id))
            )
            .where(table.c.account_id == bindparam("p_account_id"), table.c.media_type == bindparam("p_media_type"))
            .order_by(*_order(sort_key, descending, table))
            .offset(bindparam("p_offset", type_=Integer))
            .limit(bindparam("p_limit", type_=Integer))
        )
    params = {"p_account_id": account_id, "p_media_type": media_type, "p_offset": offset, "p_limit": limit}
    found = await conn.fetch(prepared, params)
    return [
        AccountEntry(
            title=Title.from_row(row),
            created_at=float(row.entry_created_at),
            rating=float(row.rating) if kind == "rated" else None,
        )
        for row in found
    ]


def _states_statement() -> Prepared[Any]:
    def marked(table: Table) -> Any:
        return (
            exists()
            .where(
                table.c.account_id == bindparam("p_account_id"),
                table.c.media_type == bindparam("p_media_type"),
                table.c.media_id == bindparam("p_media_id"),
            )
            .label(table.name)
        )

    rating = (
        select(ratings.c.value)
        .where(
            ratings.c.account_id == bindparam("p_account_id"),
            ratings.c.media_type == bindparam("p_media_type"),
            ratings.c.media_id == bindparam("p_media_id"),
        )
        .scalar_subquery()
        .label("rating")
    )
    return Prepared(select(marked(favorites), marked(watchlist), rating))


# Read on every title page an app shows to a signed-in user: one statement, prepared once.
_STATES = _states_statement()


async def states(conn: Conn, *, account_id: int, media_type: str, media_id: int) -> tuple[bool, bool, float | None]:
    """(favorite, on the watchlist, rating or None) of one title for an account."""
    params = {"p_account_id": account_id, "p_media_type": media_type, "p_media_id": media_id}
    row = (await conn.fetch(_STATES, params))[0]
    return bool(row.favorites), bool(row.watchlist), None if row.rating is None else float(row.rating)


# --- what recommendations are computed from ------------------------------------------------------
async def signal_rows(conn: Conn, *, account_id: int, media_type: str) -> dict[Kind, list[Signal]]:
    """The account's favorites, watchlist and ratings of `media_type`, with genres and overview."""
    found: dict[Kind, list[Signal]] = {}
    kinds: tuple[Kind, ...] = ("favorite", "watchlist", "rated")
    for kind in kinds:
        table = _TABLES[kind]
        value = table.c.value if kind == "rated" else literal(None)
        stmt = (
            select(titles.c.id, titles.c.genre_ids, titles.c.overview, value.label("rating"))
            .select_from(
                table.join(titles, and_(titles.c.media_type == table.c.media_type, titles.c.id == table.c.media_id))
            )
            .where(table.c.account_id == account_id, table.c.media_type == media_type)
            .order_by(titles.c.id)
        )
        found[kind] = [
            Signal(
                media_id=int(row.id),
                genre_ids=decode_ints(row.genre_ids),
                overview=row.overview or "",
                rating=None if row.rating is None else float(row.rating),
            )
            for row in await conn.rows(stmt)
        ]
    return found


def _not_owned(account_id: int, media_type: str) -> list[ColumnElement[bool]]:
    return [
        ~exists().where(
            table.c.account_id == account_id,
            table.c.media_type == media_type,
            table.c.media_id == titles.c.id,
        )
        for table in (favorites, watchlist, ratings)
    ]


_POPULAR_ORDER = (desc(titles.c.popularity), desc(titles.c.vote_count), titles.c.id)


async def candidate_rows(
    conn: Conn, *, account_id: int, media_type: str, genre_ids: Sequence[int], limit: int
) -> list[Title]:
    """Titles of `media_type` the account has not marked that share a genre with `genre_ids`.

    At most `limit`, the most popular first (popularity, vote count, id).
    """
    if not genre_ids:
        return []
    stmt = (
        select(*TITLE_COLUMNS)
        .where(titles.c.media_type == media_type, or_(*(has_genre(g) for g in genre_ids)))
        .where(*_not_owned(account_id, media_type))
        .order_by(*_POPULAR_ORDER)
        .limit(limit)
    )
    return [Title.from_row(row) for row in await conn.rows(stmt)]


async def popular_rows(
    conn: Conn, *, account_id: int, media_type: str, offset: int, limit: int
) -> tuple[int, list[Title]]:
    """(total, one page) of the titles of `media_type` the account has not marked, most popular first."""
    where = [titles.c.media_type == media_type, *_not_owned(account_id, media_type)]
    total = int(await conn.scalar(select(func.count()).select_from(titles).where(*where)) or 0)
    stmt = select(*TITLE_COLUMNS).where(*where).order_by(*_POPULAR_ORDER).offset(offset).limit(limit)
    return total, [Title.from_row(row) for row in await conn.rows(stmt)]


# --- the account's own v4 lists, for the account pages (not the lists engine) ---------------------
async def account_lists_page(conn: Conn, *, account_id: int, offset: int, limit: int) -> tuple[int, Sequence[Row[Any]]]:
    """(total, one page) of every list the account owns, public or private, newest first.

    Rows have every `lists` column plus `poster_path` and `backdrop_path` of the first item.
    """
    where = lists.c.account_id == account_id
    total = int(await conn.scalar(select(func.count()).select_from(lists).where(where)) or 0)
    stmt = (
        select(
            lists,
            first_item_column(titles.c.poster_path).label("poster_path"),
            first_item_column(titles.c.backdrop_path).label("backdrop_path"),
        )
        .where(where)
        .order_by(desc(lists.c.id))
        .offset(offset)
        .limit(limit)
    )
    return total, await conn.rows(stmt)


# --- one title's state for one account (the title pages) ------------------------------------------
async def title_state(
    conn: Conn, *, account_id: int, media_type: str, media_id: int
) -> tuple[bool, bool, float | None]:
    """(favorite, on the watchlist, rating or None) of one title for one account."""
    found: dict[str, Any] = {}
    for kind, table in _TABLES.items():
        column = table.c.value if kind == "rated" else literal(1)
        where = _entry_filter(table, account_id=account_id, media_type=media_type, media_id=media_id)
        found[kind] = await conn.scalar(select(column).where(where))
    rating = found["rated"]
    return found["favorite"] is not None, found["watchlist"] is not None, None if rating is None else float(rating)


async def list_choices(conn: Conn, *, account_id: int, limit: int) -> Sequence[Row[Any]]:
    """(id, name) of the account's lists, newest first, at most `limit`."""
    stmt = select(lists.c.id, lists.c.name).where(lists.c.account_id == account_id).order_by(desc(lists.c.id))
    return await conn.rows(stmt.limit(limit))
