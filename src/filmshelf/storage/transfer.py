"""SQL for import and export (filmshelf.transfer): catalog look-ups in bulk and one account's data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, select
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.storage.tables import favorites, list_items, lists, ratings, title_external_ids, titles, watchlist

MediaKey = tuple[str, int]
T = TypeVar("T")
CHUNK = 500


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


async def titles_by_imdb_ids(conn: Conn, values: Sequence[str]) -> dict[str, list[Title]]:
    """Catalog titles carrying each IMDb id (movies first, then by id)."""
    found: dict[str, list[Title]] = {}
    for chunk in _chunks(sorted(set(values))):
        stmt = (
            select(titles, title_external_ids.c.value.label("external_value"))
            .join(
                title_external_ids,
                and_(title_external_ids.c.media_type == titles.c.media_type, title_external_ids.c.id == titles.c.id),
            )
            .where(title_external_ids.c.source == "imdb_id", title_external_ids.c.value.in_(list(chunk)))
            .order_by(titles.c.media_type, titles.c.id)
        )
        for row in await conn.rows(stmt):
            found.setdefault(row.external_value, []).append(Title.from_row(row))
    return found


async def titles_by_names(conn: Conn, names: Sequence[str]) -> dict[str, list[Title]]:
    """Catalog titles whose lower-cased title is one of `names` (already lower-cased), by id."""
    found: dict[str, list[Title]] = {}
    for chunk in _chunks(sorted(set(names))):
        stmt = select(titles).where(titles.c.title_key.in_(list(chunk))).order_by(titles.c.media_type, titles.c.id)
        for row in await conn.rows(stmt):
            found.setdefault(row.title_key, []).append(Title.from_row(row))
    return found


async def imdb_ids_of(conn: Conn, keys: Sequence[MediaKey]) -> dict[MediaKey, str]:
    """The IMDb id of each title that has one."""
    found: dict[MediaKey, str] = {}
    for media_type in ("movie", "tv"):
        ids = sorted({media_id for kind, media_id in keys if kind == media_type})
        for chunk in _chunks(ids):
            stmt = select(title_external_ids.c.id, title_external_ids.c.value).where(
                title_external_ids.c.source == "imdb_id",
                title_external_ids.c.media_type == media_type,
                title_external_ids.c.id.in_(list(chunk)),
            )
            for row in await conn.rows(stmt):
                found.setdefault((media_type, int(row.id)), row.value)
    return found


async def account_entries(conn: Conn, *, account_id: int) -> dict[str, list[tuple[Title, float, float | None]]]:
    """(title, created_at, rating) of the account's favorites, watchlist and ratings of catalog titles,
    oldest first."""
    found: dict[str, list[tuple[Title, float, float | None]]] = {}
    for kind, table in (("favorites", favorites), ("watchlist", watchlist), ("ratings", ratings)):
        value = table.c.value if table is ratings else None
        columns: list[Any] = [titles, table.c.created_at.label("entry_created_at")]
        if value is not None:
            columns.append(value.label("rating"))
        stmt = (
            select(*columns)
            .select_from(
                table.join(titles, and_(titles.c.media_type == table.c.media_type, titles.c.id == table.c.media_id))
            )
            .where(table.c.account_id == account_id)
            .order_by(table.c.created_at, table.c.media_type, table.c.media_id)
        )
        found[kind] = [
            (Title.from_row(row), float(row.entry_created_at), float(row.rating) if value is not None else None)
            for row in await conn.rows(stmt)
        ]
    return found


async def account_lists(conn: Conn, *, account_id: int) -> list[Row[Any]]:
    """Every list of the account (all `lists` columns), oldest first."""
    return list(await conn.rows(select(lists).where(lists.c.account_id == account_id).order_by(lists.c.id)))


async def list_entries(conn: Conn, *, list_id: int) -> list[tuple[Title, str | None, float]]:
    """(title, comment, created_at) of a list's items in their original order (catalog titles only)."""
    stmt = (
        select(titles, list_items.c.comment, list_items.c.created_at.label("item_created_at"))
        .select_from(
            list_items.join(
                titles, and_(titles.c.media_type == list_items.c.media_type, titles.c.id == list_items.c.media_id)
            )
        )
        .where(list_items.c.list_id == list_id)
        .order_by(list_items.c.id)
    )
    return [(Title.from_row(row), row.comment, float(row.item_created_at)) for row in await conn.rows(stmt)]
