"""SQL for the catalog of titles (movies and TV shows in one table, keyed by media type and TMDB id)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_, select, true, update

from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.storage.tables import list_items, lists, titles
from filmshelf.storage.upsert import upsert

MediaKey = tuple[str, int]


async def get_title(conn: Conn, media_type: str, media_id: int) -> Title | None:
    """One title, or None."""
    stmt = select(titles).where(titles.c.media_type == media_type, titles.c.id == media_id)
    row = await conn.row(stmt)
    return None if row is None else Title.from_row(row)


async def get_titles(conn: Conn, keys: Iterable[MediaKey]) -> dict[MediaKey, Title]:
    """Titles for many (media_type, id) keys; absent keys are simply missing from the result."""
    wanted = list(dict.fromkeys(keys))
    found: dict[MediaKey, Title] = {}
    for media_type in ("movie", "tv"):
        ids = [media_id for kind, media_id in wanted if kind == media_type]
        # Chunks keep the statement under SQLite's bound-parameter limit.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stmt = select(titles).where(and_(titles.c.media_type == media_type, titles.c.id.in_(chunk)))
            for row in await conn.rows(stmt):
                found[(row.media_type, row.id)] = Title.from_row(row)
    return found


async def count_titles(conn: Conn) -> int:
    """How many titles the catalog holds."""
    return int(await conn.scalar(select(func.count()).select_from(titles)) or 0)


# --- import: batched upserts ------------------------------------------------------------------

# Columns an import may compare and write (everything but the key and the bookkeeping columns).
TITLE_VALUE_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in titles.columns if column.name not in {"media_type", "id", "updated_at"}
)
# Bound parameters per IN (...) chunk: far under SQLite's 32,766 and asyncpg's 32,767.
_IN_CHUNK = 5000


async def existing_title_values(
    conn: Conn, media_type: str, ids: Sequence[int], columns: Sequence[str]
) -> dict[int, tuple[Any, ...]]:
    """The stored `columns` of the `media_type` titles among `ids`, keyed by id (a query per 5,000 ids)."""
    selected = [titles.c[name] for name in columns]
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        stmt = select(titles.c.id, *selected).where(titles.c.media_type == media_type, titles.c.id.in_(chunk))
        for row in await conn.rows(stmt):
            found[row[0]] = tuple(row[1:])
    return found


async def upsert_titles(conn: Conn, rows: Sequence[dict[str, Any]], *, update: Sequence[str]) -> None:
    """Insert `rows` (all with the same keys), or on a known (media_type, id) update only `update`."""
    await upsert(conn, titles, rows, key=("media_type", "id"), update=update)


# --- the copies of catalog values kept on lists and list items ------------------------------------

# What a list item copies from its title, so that a list page sorts by walking an index and its
# totals never aggregate: item column -> (title column, value when the title's is NULL, movies
# only (TV contributes 0)). One table, read in Python when items are added (`item_copy`) and as
# SQL when an import changed titles (`refresh_list_denormalised`).
ITEM_COPY: dict[str, tuple[str, Any, bool]] = {
    "sort_title": ("title_key", None, False),
    "sort_date": ("release_date", "", False),
    "sort_vote": ("vote_average", None, False),
    "runtime": ("runtime", 0, True),
    "revenue": ("revenue", 0, True),
}


def item_copy(title: Title) -> dict[str, Any]:
    """The values a new list item copies from `title` (see ITEM_COPY)."""
    values: dict[str, Any] = {}
    for item_column, (title_column, if_null, movies_only) in ITEM_COPY.items():
        value = getattr(title, title_column)
        if movies_only and title.media_type != "movie":
            value = 0
        values[item_column] = if_null if value is None else value
    return values


def _copy_expression(title_column: str, if_null: Any, movies_only: bool) -> Any:
    value = titles.c[title_column] if if_null is None else func.coalesce(titles.c[title_column], if_null)
    return case((titles.c.media_type == "movie", value), else_=0) if movies_only else value


def _item_values_from_title(item: Any) -> dict[str, Any]:
    """ITEM_COPY as SQL: each copied value as a subquery correlated on the item."""

    def of_title(column: Any) -> Any:
        return (
            select(column)
            .where(titles.c.media_type == item.c.media_type, titles.c.id == item.c.media_id)
            .scalar_subquery()
        )

    return {name: of_title(_copy_expression(*rule)) for name, rule in ITEM_COPY.items()}


async def refresh_list_denormalised(conn: Conn, *, since: float | None = None) -> tuple[int, int]:
    """Bring list items' copies of catalog values, and their lists' totals, back in step with the catalog.

    Set-based SQL, two statements. With `since`, only titles whose `updated_at` is at or after it
    are looked at (an import stamps every row it writes with one time); without, every title.
    A list's totals are sums over its items: item_count, runtime, revenue and vote_sum (the sum
    of the items' sort_vote). Returns (list items updated, lists updated).
    """
    changed = titles.c.updated_at >= since if since is not None else true()
    on_title = and_(titles.c.media_type == list_items.c.media_type, titles.c.id == list_items.c.media_id)
    touched = select(list_items.c.list_id).join(titles, on_title).where(changed)
    # Lock the lists first, in id order, as list changes do (lists/service.py): no deadlock with them.
    await conn.rows(select(lists.c.id).where(lists.c.id.in_(touched)).order_by(lists.c.id).with_for_update())
    stale_item = or_(*(_copy_expression(*rule) != list_items.c[name] for name, rule in ITEM_COPY.items()))
    items_updated = await conn.run(
        update(list_items)
        .where(exists().where(on_title, changed, stale_item))
        .values(**_item_values_from_title(list_items))
    )

    member = list_items.alias("member")
    totals = (
        select(
            member.c.list_id.label("list_id"),
            func.count().label("item_count"),
            func.coalesce(func.sum(member.c.runtime), 0).label("runtime"),
            func.coalesce(func.sum(member.c.revenue), 0).label("revenue"),
            func.coalesce(func.sum(member.c.sort_vote), 0.0).label("vote_sum"),
        )
        .where(member.c.list_id.in_(touched))
        .group_by(member.c.list_id)
        .subquery("totals")
    )
    stale_list = or_(
        lists.c.item_count != totals.c.item_count,
        lists.c.runtime != totals.c.runtime,
        lists.c.revenue != totals.c.revenue,
        lists.c.vote_sum != totals.c.vote_sum,
    )
    lists_updated = await conn.run(
        update(lists)
        .where(lists.c.id == totals.c.list_id, stale_list)
        .values(
            item_count=totals.c.item_count,
            runtime=totals.c.runtime,
            revenue=totals.c.revenue,
            vote_sum=totals.c.vote_sum,
        )
    )
    return items_updated, lists_updated


# --- search ---------------------------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_titles(
    conn: Conn,
    *,
    media_type: str,
    needle: str,
    include_adult: bool,
    year: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Title], int]:
    """A page of titles whose title or original title contains `needle` (lower-case), most popular first.

    Returns (rows, total matches). `year` keeps titles released (first aired) that year.
    """
    pattern = f"%{_escape_like(needle)}%"
    conditions = [
        titles.c.media_type == media_type,
        or_(
            titles.c.title_key.like(pattern, escape="\\"),
            func.lower(titles.c.original_title).like(pattern, escape="\\"),
        ),
    ]
    if not include_adult:
        conditions.append(titles.c.adult == false())
    if year is not None:
        conditions.append(titles.c.release_date.like(f"{year:04d}-%"))
    total = int(await conn.scalar(select(func.count()).select_from(titles).where(*conditions)) or 0)
    if offset >= total:
        return [], total
    stmt = (
        select(titles).where(*conditions).order_by(titles.c.popularity.desc(), titles.c.id).offset(offset).limit(limit)
    )
    return [Title.from_row(row) for row in await conn.rows(stmt)], total
