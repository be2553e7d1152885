"""INSERT ... ON CONFLICT for both engines (the statement differs only by dialect)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from filmshelf.storage.engine import Conn, Prepared


def dialect_insert(conn: Conn, table: Table) -> Any:
    """An INSERT of the connection's dialect (it has `on_conflict_do_nothing/_update`)."""
    return postgresql.insert(table) if conn.dialect == "postgresql" else sqlite.insert(table)


async def insert_or_ignore(conn: Conn, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, skipping those that hit a unique key; return how many were inserted."""
    if not rows:
        return 0
    stmt = dialect_insert(conn, table).on_conflict_do_nothing()
    if len(rows) == 1:
        return await conn.run(stmt.values(**rows[0]))
    return await conn.run(stmt, rows)


async def upsert(
    conn: Conn,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str],
    derived: Callable[[Any], dict[str, Any]] | None = None,
) -> int:
    """Insert rows, or update the `update` columns of the row with the same `key`.

    `derived(excluded)` may add columns set from SQL expressions over the proposed row
    (`excluded`) and the stored one.
    """
    if not rows:
        return 0
    stmt = dialect_insert(conn, table)
    set_ = {name: stmt.excluded[name] for name in update}
    if derived is not None:
        set_.update(derived(stmt.excluded))
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_=set_)
    if len(rows) == 1:
        return await conn.run(stmt.values(**rows[0]))
    # Every row has the same keys: compiled once for the batch, run once per row.
    prepared = Prepared(stmt.values({name: bindparam(name) for name in rows[0]}))
    return await conn.run(prepared, rows)
