"""INSERT ... ON CONFLICT for both engines (the statement differs only by dialect)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from filmshelf.storage.engine import Conn


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
    conn: Conn, table: Table, rows: Sequence[dict[str, Any]], *, key: Sequence[str], update: Sequence[str]
) -> int:
    """Insert rows, or update the `update` columns of the row with the same `key`."""
    if not rows:
        return 0
    stmt = dialect_insert(conn, table)
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={name: stmt.excluded[name] for name in update})
    if len(rows) == 1:
        return await conn.run(stmt.values(**rows[0]))
    return await conn.run(stmt, rows)
