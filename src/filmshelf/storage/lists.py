"""SQL for v4 lists and their items.

Reads of a list go through `visible_to`, whose WHERE clause is the visibility rule (a list is
seen by anyone when public, otherwise only by its owner). Pages are read with
`ORDER BY <sort key>, id LIMIT n OFFSET m` over the (list_id, sort key, id) indexes, so a page
of a 10,000-item list touches only its own rows. The running totals on `lists` change in the
same transaction as the items they count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    case,
    delete,
    false,
    insert,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.records import ListEntry, Title
from filmshelf.storage.tables import TITLE_COLUMNS, accounts, list_items, lists, titles

MediaKey = tuple[str, int]

# Sort fields (lists/rules.py names) onto the list_items column each one walks.
_SORT_COLUMNS = {
    "original_order": list_items.c.id,
    "vote_average": list_items.c.sort_vote,
    "primary_release_date": list_items.c.sort_date,
    "title": list_items.c.sort_title,
}

# Rows per multi-row INSERT: 11 bound values a row stays far under both engines' limits.
_INSERT_CHUNK = 500
# Keys per IN (...) list.
_KEY_CHUNK = 500


async def insert_list(
    conn: Conn,
    *,
    account_id: int,
    name: str,
    description: str,
    public: bool,
    iso_639_1: str,
    iso_3166_1: str,
    now: float,
) -> int:
    """Insert an empty list and return its id."""
    stmt = (
        insert(lists)
        .values(
            account_id=account_id,
            name=name,
            description=description,
            public=public,
            iso_639_1=iso_639_1,
            iso_3166_1=iso_3166_1,
            created_at=now,
            updated_at=now,
        )
        .returning(lists.c.id)
    )
    return int(await conn.scalar(stmt))


async def visible_to(conn: Conn, *, list_id: int, account_id: int | None, lock: bool = False) -> Row[Any] | None:
    """The list row if `account_id` may see it, else None.

    A list is visible when it is public or owned by `account_id` (None: an app without a user).
    With `lock`, the list row is locked until the transaction ends (PostgreSQL `FOR UPDATE`;
    SQLite's write transaction already holds the database lock), serialising writers of one list.
    """
    if not lock:
        if account_id is None:
            rows = await conn.fetch(_PUBLIC_LIST, {"p_list_id": list_id})
        else:
            rows = await conn.fetch(_VISIBLE_LIST, {"p_list_id": list_id, "p_account_id": account_id})
        return rows[0] if rows else None
    visible = (
        or_(lists.c.public == true(), lists.c.account_id == account_id) if account_id is not None else lists.c.public
    )
    stmt = select(lists).where(lists.c.id == list_id, visible).with_for_update(of=lists)
    return await conn.row(stmt)


async def readable_with_owner(conn: Conn, *, list_id: int, account_id: int | None) -> Any | None:
    """The list row, if visible to `account_id`, with its owner and its first item's images.

    One statement instead of three on every list view: the list's columns as in `visible_to`,
    plus `owner_*` account columns and `first_poster_path` / `first_backdrop_path`.
    """
    if account_id is None:
        rows = await conn.fetch(_PUBLIC_LIST_WITH_OWNER, {"p_list_id": list_id})
    else:
        rows = await conn.fetch(_VISIBLE_LIST_WITH_OWNER, {"p_list_id": list_id, "p_account_id": account_id})
    return rows[0] if rows else None


def first_item_column(column: Any) -> Any:
    """A subquery correlated on `lists`: `column` of the title of the list's first item, or NULL.

    The first item is found on its own (walking the (list_id, id) index), then its title by
    primary key: a join inside the subquery lets PostgreSQL plan a scan of all titles.
    """
    first = (
        select(list_items.c.media_type, list_items.c.media_id)
        .where(list_items.c.list_id == lists.c.id)
        .order_by(list_items.c.id)
        .limit(1)
        .correlate(lists)
    )
    return select(column).where(tuple_(titles.c.media_type, titles.c.id).in_(first)).correlate(lists).scalar_subquery()


def _with_owner(visible: Any) -> Prepared[Any]:
    return Prepared(
        select(
            lists,
            accounts.c.object_id.label("owner_object_id"),
            accounts.c.username.label("owner_username"),
            accounts.c.name.label("owner_name"),
            accounts.c.iso_639_1.label("owner_iso_639_1"),
            accounts.c.iso_3166_1.label("owner_iso_3166_1"),
            accounts.c.include_adult.label("owner_include_adult"),
            first_item_column(titles.c.poster_path).label("first_poster_path"),
            first_item_column(titles.c.backdrop_path).label("first_backdrop_path"),
        )
        .join(accounts, accounts.c.id == lists.c.account_id)
        .where(lists.c.id == bindparam("p_list_id"), visible)
    )


_PUBLIC_LIST_WITH_OWNER = _with_owner(lists.c.public == true())
_VISIBLE_LIST_WITH_OWNER = _with_owner(or_(lists.c.public == true(), lists.c.account_id == bindparam("p_account_id")))


# Reads of one list page run on every list view: prepared once (see storage.engine.Prepared).
_PUBLIC_LIST = Prepared(select(lists).where(lists.c.id == bindparam("p_list_id"), lists.c.public == true()))
_VISIBLE_LIST = Prepared(
    select(lists).where(
        lists.c.id == bindparam("p_list_id"),
        or_(lists.c.public == true(), lists.c.account_id == bindparam("p_account_id")),
    )
)


async def update_list(conn: Conn, *, list_id: int, changes: dict[str, Any], now: float) -> None:
    """Set the given columns (name, description, public, sort_by, iso codes) of a list."""
    await conn.run(update(lists).where(lists.c.id == list_id).values(**changes, updated_at=now))


async def delete_list(conn: Conn, *, list_id: int) -> None:
    """Delete a list and its items."""
    await conn.run(delete(list_items).where(list_items.c.list_id == list_id))
    await conn.run(delete(lists).where(lists.c.id == list_id))


async def page_items(
    conn: Conn, *, list_id: int, sort_field: str, descending: bool, limit: int, offset: int
) -> list[ListEntry]:
    """One page of a list's items in the given order, each with its title.

    Ties go by original order in the same direction as the sort, so ORDER BY walks one
    (list_id, key, id) index forwards or backwards. The page is cut in a subquery first, so
    the join to `titles` touches only the page's rows, however deep the OFFSET. Rows carry
    every `titles` column plus the item's `comment` and `object_id`; an item whose title left
    the catalog is skipped.
    """
    prepared = _PAGE_STATEMENTS.get((sort_field, descending))
    if prepared is None:
        prepared = _PAGE_STATEMENTS[(sort_field, descending)] = Prepared(_page_statement(sort_field, descending))
    found = await conn.fetch(prepared, {"p_list_id": list_id, "p_limit": limit, "p_offset": offset})
    return [ListEntry(Title.from_row(row), row.comment, row.object_id) for row in found]


_PAGE_STATEMENTS: dict[tuple[str, bool], Prepared[Any]] = {}


def _page_statement(sort_field: str, descending: bool) -> Any:
    column = _SORT_COLUMNS[sort_field]
    keys = [column] if sort_field == "original_order" else [column, list_items.c.id]
    page = (
        select(
            list_items.c.id.label("item_id"),
            list_items.c.media_type,
            list_items.c.media_id,
            list_items.c.comment,
            list_items.c.object_id,
            column.label("sort_key"),
        )
        .where(list_items.c.list_id == bindparam("p_list_id"))
        .order_by(*(key.desc() if descending else key.asc() for key in keys))
        .limit(bindparam("p_limit", type_=Integer))
        .offset(bindparam("p_offset", type_=Integer))
        .subquery("page")
    )
    outer_keys = [page.c.sort_key, page.c.item_id]
    return (
        select(*TITLE_COLUMNS, page.c.comment, page.c.object_id)
        .join(page, and_(titles.c.media_type == page.c.media_type, titles.c.id == page.c.media_id))
        .order_by(*(key.desc() if descending else key.asc() for key in outer_keys))
    )


def _keys_filter(keys: Sequence[MediaKey]) -> ColumnElement[bool]:
    by_type: dict[str, list[int]] = {}
    for media_type, media_id in keys:
        by_type.setdefault(media_type, []).append(media_id)
    clauses = [
        and_(list_items.c.media_type == media_type, list_items.c.media_id.in_(ids))
        for media_type, ids in by_type.items()
    ]
    return or_(*clauses) if clauses else false()


def _chunks(keys: Sequence[MediaKey]) -> Iterable[Sequence[MediaKey]]:
    for start in range(0, len(keys), _KEY_CHUNK):
        yield keys[start : start + _KEY_CHUNK]


async def insert_items(conn: Conn, rows: Sequence[dict[str, Any]]) -> list[Row[Any]]:
    """Insert items, skipping any already on their list; return the inserted rows' keys and values.

    Each row: list_id, media_type, media_id, comment, object_id, created_at, sort_title, sort_date,
    sort_vote, runtime, revenue. Rows are inserted in the given order, so their ids keep it.
    """
    dialect_insert = postgresql.insert if conn.dialect == "postgresql" else sqlite.insert
    inserted: list[Row[Any]] = []
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        stmt = (
            dialect_insert(list_items)
            .values(list(chunk))
            .on_conflict_do_nothing()
            .returning(
                list_items.c.media_type,
                list_items.c.media_id,
                list_items.c.sort_vote,
                list_items.c.runtime,
                list_items.c.revenue,
            )
        )
        inserted.extend(await conn.rows(stmt))
    return inserted


async def delete_items(conn: Conn, *, list_id: int, keys: Sequence[MediaKey]) -> list[Row[Any]]:
    """Delete the given items from a list; return the deleted rows' keys and total contributions."""
    deleted: list[Row[Any]] = []
    for chunk in _chunks(keys):
        stmt = (
            delete(list_items)
            .where(list_items.c.list_id == list_id, _keys_filter(chunk))
            .returning(
                list_items.c.media_type,
                list_items.c.media_id,
                list_items.c.sort_vote,
                list_items.c.runtime,
                list_items.c.revenue,
            )
        )
        deleted.extend(await conn.rows(stmt))
    return deleted


async def existing_keys(conn: Conn, *, list_id: int, keys: Sequence[MediaKey]) -> set[MediaKey]:
    """Which of `keys` are on the list."""
    found: set[MediaKey] = set()
    for chunk in _chunks(keys):
        stmt = select(list_items.c.media_type, list_items.c.media_id).where(
            list_items.c.list_id == list_id, _keys_filter(chunk)
        )
        found.update((row.media_type, row.media_id) for row in await conn.rows(stmt))
    return found


async def item_on_list(conn: Conn, *, list_id: int, media_type: str, media_id: int) -> bool:
    """True if the item is on the list."""
    stmt = select(list_items.c.id).where(
        list_items.c.list_id == list_id,
        list_items.c.media_type == media_type,
        list_items.c.media_id == media_id,
    )
    return await conn.scalar(stmt) is not None


async def set_comments(conn: Conn, *, list_id: int, comments: Sequence[tuple[MediaKey, str | None]]) -> None:
    """Replace the comments of items on a list (later entries for the same item win)."""
    if not comments:
        return
    stmt = (
        update(list_items)
        .where(
            list_items.c.list_id == bindparam("b_list_id"),
            list_items.c.media_type == bindparam("b_media_type"),
            list_items.c.media_id == bindparam("b_media_id"),
        )
        .values(comment=bindparam("b_comment"))
    )
    params = [
        {"b_list_id": list_id, "b_media_type": media_type, "b_media_id": media_id, "b_comment": comment}
        for (media_type, media_id), comment in comments
    ]
    await conn.run(stmt, params)


async def clear_items(conn: Conn, *, list_id: int, now: float) -> int:
    """Delete every item of a list, zero its totals, and return how many items went."""
    deleted = await conn.run(delete(list_items).where(list_items.c.list_id == list_id))
    await conn.run(
        update(lists)
        .where(lists.c.id == list_id)
        .values(item_count=0, runtime=0, revenue=0, vote_sum=0.0, updated_at=now)
    )
    return deleted


async def adjust_totals(
    conn: Conn, *, list_id: int, count: int, runtime: int, revenue: int, vote_sum: float, now: float
) -> None:
    """Add the deltas to a list's running totals (vote_sum snaps to 0 when the list empties)."""
    stmt = (
        update(lists)
        .where(lists.c.id == list_id)
        .values(
            item_count=lists.c.item_count + count,
            runtime=lists.c.runtime + runtime,
            revenue=lists.c.revenue + revenue,
            # Float sums drift by ~1e-15 per add/remove; an empty list must read exactly 0.
            vote_sum=case((lists.c.item_count + count == 0, 0.0), else_=lists.c.vote_sum + vote_sum),
            updated_at=now,
        )
    )
    await conn.run(stmt)
