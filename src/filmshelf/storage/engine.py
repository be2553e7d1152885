"""One database interface over two engines.

SQLite (the embedded default) runs through the stdlib `sqlite3` driver, inline on the event
loop: a statement takes microseconds, and measurements here showed a thread hop per statement
(aiosqlite) costing far more than the statement itself. PostgreSQL (scale-out) runs through
asyncpg. Callers use `Database.read()` for reads and `Database.write()` for one atomic
transaction; both yield a `Conn` with the same awaitable methods on either engine.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import Executable

from filmshelf.storage.files import make_private_sqlite_file, sqlite_file_path


class Prepared:
    """A Core statement with named bind parameters, compiled once and run on the driver directly.

    For the few statements on the hottest paths (credential checks, token exchange): on SQLite
    the compiled SQL goes straight to the `sqlite3` cursor, skipping SQLAlchemy's per-execution
    work, which measured larger than the query itself. On PostgreSQL the statement runs through
    SQLAlchemy as usual. Rows come back as named tuples (attribute access, like Row).
    """

    def __init__(self, stmt: Executable) -> None:
        self.stmt = stmt
        self._sql: str | None = None
        self._defaults: dict[str, Any] = {}
        self._row_types: dict[tuple[str, ...], Any] = {}

    def sqlite_sql(self, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The statement compiled for SQLite with `:name` parameters, and the full parameter set.

        Literal values in the statement (`state == "approved"`) compile to parameters too; their
        values come from the compiled statement, the caller's fill the named ones.
        """
        if self._sql is None:
            compiled = self.stmt.compile(dialect=sqlite_dialect.dialect(paramstyle="named"))  # type: ignore[attr-defined]
            self._defaults = dict(compiled.params)
            self._sql = str(compiled)
        return self._sql, {**self._defaults, **params}

    def row_type(self, names: tuple[str, ...]) -> Any:
        """A named-tuple type for rows with these column names."""
        row_type = self._row_types.get(names)
        if row_type is None:
            row_type = self._row_types[names] = namedtuple("PreparedRow", names)
        return row_type


class Conn(Protocol):
    """A connection inside `Database.read()` or `Database.write()`."""

    dialect: str

    async def fetch(self, prepared: Prepared, params: dict[str, Any]) -> list[Any]:
        """Run a prepared statement and return its rows (named tuples)."""
        ...

    async def rows(self, stmt: Executable) -> Sequence[Row[Any]]:
        """Run `stmt` and return every row."""
        ...

    async def row(self, stmt: Executable) -> Row[Any] | None:
        """Run `stmt` and return the first row, or None."""
        ...

    async def scalar(self, stmt: Executable) -> Any:
        """Run `stmt` and return the first column of the first row, or None."""
        ...

    async def run(self, stmt: Executable, params: Sequence[dict[str, Any]] | None = None) -> int:
        """Run a write (optionally for many parameter sets) and return the affected row count."""
        ...


class _SyncConn:
    """`Conn` over a synchronous SQLAlchemy connection (SQLite)."""

    dialect = "sqlite"

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def close(self) -> None:
        self._conn.close()

    async def fetch(self, prepared: Prepared, params: dict[str, Any]) -> list[Any]:
        driver = self._conn.connection.driver_connection
        assert driver is not None
        cursor = driver.execute(*prepared.sqlite_sql(params))
        try:
            if cursor.description is None:
                return []
            row_type = prepared.row_type(tuple(column[0] for column in cursor.description))
            return [row_type._make(values) for values in cursor.fetchall()]
        finally:
            cursor.close()

    async def rows(self, stmt: Executable) -> Sequence[Row[Any]]:
        return self._conn.execute(stmt).all()

    async def row(self, stmt: Executable) -> Row[Any] | None:
        return self._conn.execute(stmt).first()

    async def scalar(self, stmt: Executable) -> Any:
        return self._conn.execute(stmt).scalar()

    async def run(self, stmt: Executable, params: Sequence[dict[str, Any]] | None = None) -> int:
        result = self._conn.execute(stmt, list(params)) if params is not None else self._conn.execute(stmt)
        return int(result.rowcount)


class _AsyncConn:
    """`Conn` over an asyncio SQLAlchemy connection (PostgreSQL).

    Built either around an open connection (writes) or around the engine alone (reads), in which
    case a pooled connection is checked out at the first statement: a request whose credentials
    are already known to this process then costs no database round trip at all.
    """

    dialect = "postgresql"

    def __init__(self, conn: AsyncConnection | None = None, engine: AsyncEngine | None = None) -> None:
        self._conn = conn
        self._engine = engine

    async def _get(self) -> AsyncConnection:
        if self._conn is None:
            assert self._engine is not None
            self._conn = await self._engine.connect()
        return self._conn

    async def release(self) -> None:
        """End a lazily opened read connection (rolls back its implicit transaction)."""
        if self._conn is not None and self._engine is not None:
            await self._conn.rollback()
            await self._conn.close()
            self._conn = None

    async def fetch(self, prepared: Prepared, params: dict[str, Any]) -> list[Any]:
        result = await (await self._get()).execute(prepared.stmt, params)
        if not result.returns_rows:
            return []
        return list(result.all())

    async def rows(self, stmt: Executable) -> Sequence[Row[Any]]:
        return (await (await self._get()).execute(stmt)).all()

    async def row(self, stmt: Executable) -> Row[Any] | None:
        return (await (await self._get()).execute(stmt)).first()

    async def scalar(self, stmt: Executable) -> Any:
        return (await (await self._get()).execute(stmt)).scalar()

    async def run(self, stmt: Executable, params: Sequence[dict[str, Any]] | None = None) -> int:
        conn = await self._get()
        result = await conn.execute(stmt, list(params)) if params is not None else await conn.execute(stmt)
        return int(result.rowcount)


class Database(Protocol):
    """What the rest of filmshelf knows about the database."""

    url: str
    dialect: str

    def read(self) -> Any:
        """Async context manager yielding a `Conn` for reads (no transaction held open)."""
        ...

    def write(self) -> Any:
        """Async context manager yielding a `Conn` inside one transaction, committed on exit."""
        ...

    async def dispose(self) -> None:
        """Close every pooled connection."""
        ...


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Autocommit at the driver level; `write()` issues BEGIN IMMEDIATE itself so a writer takes
    # the lock up front instead of failing on a read-to-write upgrade.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged write survives power loss, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class SQLiteDatabase:
    """The embedded engine: a file, the stdlib driver, statements run inline."""

    dialect = "sqlite"

    def __init__(self, url: str) -> None:
        self.url = url
        path = sqlite_file_path(url)
        if path is not None:
            make_private_sqlite_file(path)  # 0600, with its -wal and -shm (issue 9 §1.4)
        self.engine: Engine = create_sync_engine(url, pool_size=8, max_overflow=8)
        event.listen(self.engine, "connect", _sqlite_pragmas)
        self._reader: _SyncConn | None = None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        # One long-lived autocommit connection serves every read of this process: statements
        # run inline and each result is fetched at once, so readers never interleave on it, and
        # a pool checkout per request would cost more than the query.
        if self._reader is None:
            self._reader = _SyncConn(self.engine.connect())
        yield self._reader

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Conn]:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield _SyncConn(conn)
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")

    async def dispose(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self.engine.dispose()


class PostgresDatabase:
    """The scale-out engine: PostgreSQL through asyncpg, shared by any number of processes."""

    dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            async_url(url), pool_size=pool_size, max_overflow=10, pool_pre_ping=False
        )

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        conn = _AsyncConn(engine=self.engine)
        try:
            yield conn
        finally:
            await conn.release()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Conn]:
        async with self.engine.begin() as conn:
            yield _AsyncConn(conn)

    async def dispose(self) -> None:
        await self.engine.dispose()


def async_url(url: str) -> str:
    """Point a postgres URL at the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def open_database(url: str) -> SQLiteDatabase | PostgresDatabase:
    """Open the database named by a URL (sqlite:///path or postgresql://...)."""
    if url.startswith("sqlite"):
        return SQLiteDatabase(url)
    if url.startswith(("postgresql", "postgres://")):
        return PostgresDatabase(url)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://...")
