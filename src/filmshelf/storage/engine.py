"""One database interface over two engines, and one executor every statement goes through.

SQLite (the embedded default) runs through the stdlib `sqlite3` driver, inline on the event
loop: a statement takes microseconds, and measurements here showed a thread hop per statement
(aiosqlite) costing far more than the statement itself. PostgreSQL (scale-out) runs through
asyncpg. Callers use `Database.read()` for reads and `Database.write()` for one atomic
transaction; both yield a `Conn` with the same awaitable methods on either engine.

Every statement runs through `Conn.execute`: a `Prepared` statement (compiled once, its bind
names checked on every call, its result columns converted by their SQLAlchemy types) or a Core
statement with its values inline. Either way a column comes back as the same Python type on
both engines (`public` is `True`, never `1`), and a misspelt parameter name fails loudly
instead of binding NULL.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import namedtuple
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Generic, Protocol, TypeVar, overload

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import Executable

from filmshelf.storage.files import make_private_sqlite_file, sqlite_file_path

_SQLITE = sqlite_dialect.dialect(paramstyle="named")
T = TypeVar("T")
R = TypeVar("R")


class StatementParamsError(TypeError):
    """Parameters that do not match a prepared statement's bind names (a programming error)."""


class Prepared(Generic[R]):
    """A Core statement with named bind parameters, compiled once.

    On SQLite the compiled SQL goes straight to the `sqlite3` cursor, skipping SQLAlchemy's
    per-execution work (which measured larger than the query itself on the hot paths), and the
    result columns are converted with the processors of their SQLAlchemy types, exactly as
    SQLAlchemy would. On PostgreSQL the statement runs through SQLAlchemy as usual. Rows come
    back as named tuples on both engines: of `record`, a `typing.NamedTuple` whose fields must be
    the statement's columns in order (checked here, so a statement and its record cannot drift
    apart, and mypy sees the fields across the storage boundary), or of an untyped one.
    """

    @overload
    def __init__(self: Prepared[Any], stmt: Executable) -> None: ...

    @overload
    def __init__(self: Prepared[R], stmt: Executable, record: type[R]) -> None: ...

    def __init__(self, stmt: Executable, record: Any = None) -> None:
        self.stmt = stmt
        compiled: Any = stmt.compile(dialect=_SQLITE)  # type: ignore[attr-defined]
        self._sql = str(compiled)
        # Literal values in the statement (`state == "approved"`) compile to binds with values.
        self._defaults: dict[str, Any] = dict(compiled.params)
        self._names = frozenset(compiled.binds)
        self._required = frozenset(name for name, bind in compiled.binds.items() if bind.required)
        self._columns: tuple[str, ...] = tuple(column[0] for column in compiled._result_columns)
        processors = [column[3]._cached_result_processor(_SQLITE, None) for column in compiled._result_columns]
        # (position, processor) of the columns that need one (booleans stored as 0/1, ...): a row
        # of thirty columns usually has two, and walking all thirty per row showed in profiles.
        self._processors: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (index, process) for index, process in enumerate(processors) if process is not None
        )
        if record is not None and tuple(getattr(record, "_fields", ())) != self._columns:
            raise TypeError(
                f"{record.__name__} has fields {record._fields}, the statement's columns are {self._columns}"
            )
        self.record: Any = record or (namedtuple("Record", self._columns, rename=True) if self._columns else None)

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check `params` against the statement's bind names; the full parameter set for SQLite."""
        unknown = params.keys() - self._names
        missing = self._required - params.keys()
        if unknown or missing:
            raise StatementParamsError(f"unknown parameters {sorted(unknown)}, missing {sorted(missing)}")
        return {**self._defaults, **params}

    def bind_many(self, many: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """`bind` for each parameter set; a set with the keys of one already checked is not checked again."""
        checked: set[frozenset[str]] = set()
        bound: list[Mapping[str, Any]] = []
        defaults = self._defaults
        for one in many:
            keys = frozenset(one)
            if keys not in checked:
                self.bind(one)
                checked.add(keys)
            bound.append({**defaults, **one} if defaults else one)
        return bound

    def convert(self, values: Sequence[Any]) -> Any:
        """One SQLite result row as a record with SQLAlchemy's Python types."""
        assert self.record is not None
        if not self._processors:
            return self.record._make(values)
        converted = list(values)
        for index, process in self._processors:
            converted[index] = process(converted[index])
        return self.record._make(converted)

    @property
    def sqlite_sql(self) -> str:
        """The statement compiled for SQLite with `:name` parameters."""
        return self._sql


Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


class Conn(Protocol):
    """A connection inside `Database.read()` or `Database.write()`."""

    dialect: str

    async def execute(self, stmt: Prepared[Any] | Executable, params: Params = None) -> tuple[list[Any], int]:
        """Run any statement: (rows as records, affected row count). The one way SQL is run."""
        ...

    async def fetch(self, prepared: Prepared[R], params: Mapping[str, Any]) -> list[R]:
        """Run a prepared statement and return its rows (of its record type)."""
        ...

    async def rows(self, stmt: Executable) -> list[Any]:
        """Run `stmt` and return every row."""
        ...

    async def row(self, stmt: Executable) -> Any | None:
        """Run `stmt` and return the first row, or None."""
        ...

    async def scalar(self, stmt: Executable) -> Any:
        """Run `stmt` and return the first column of the first row, or None."""
        ...

    async def run(self, stmt: Prepared[Any] | Executable, params: Params = None) -> int:
        """Run a write (optionally a prepared one for many parameter sets); the affected row count."""
        ...


class _BaseConn:
    """The convenience methods, all on top of `execute`."""

    async def execute(self, stmt: Prepared[Any] | Executable, params: Params = None) -> tuple[list[Any], int]:
        raise NotImplementedError

    async def fetch(self, prepared: Prepared[R], params: Mapping[str, Any]) -> list[R]:
        return (await self.execute(prepared, params))[0]

    async def rows(self, stmt: Executable) -> list[Any]:
        return (await self.execute(stmt))[0]

    async def row(self, stmt: Executable) -> Any | None:
        found = (await self.execute(stmt))[0]
        return found[0] if found else None

    async def scalar(self, stmt: Executable) -> Any:
        found = (await self.execute(stmt))[0]
        return found[0][0] if found else None

    async def run(self, stmt: Prepared[Any] | Executable, params: Params = None) -> int:
        return (await self.execute(stmt, params))[1]


def _core_params(params: Params) -> Any:
    # Core statements run through SQLAlchemy, which checks the names itself (a key that names no
    # column or bind is refused as "unconsumed", a missing bind as "a value is required").
    if params is None:
        return None
    return dict(params) if isinstance(params, Mapping) else [dict(one) for one in params]


class _SyncConn(_BaseConn):
    """`Conn` over a synchronous SQLAlchemy connection (SQLite)."""

    dialect = "sqlite"

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def close(self) -> None:
        self._conn.close()

    async def execute(self, stmt: Prepared[Any] | Executable, params: Params = None) -> tuple[list[Any], int]:
        if not isinstance(stmt, Prepared):
            result = self._conn.execute(stmt, _core_params(params))
            return (list(result.all()) if result.returns_rows else []), int(result.rowcount)
        driver = self._conn.connection.driver_connection
        assert driver is not None
        if params is not None and not isinstance(params, Mapping):
            cursor = driver.executemany(stmt.sqlite_sql, stmt.bind_many(params))
            try:
                return [], int(cursor.rowcount)
            finally:
                cursor.close()
        cursor = driver.execute(stmt.sqlite_sql, stmt.bind(params or {}))
        try:
            if cursor.description is None:
                return [], int(cursor.rowcount)
            return [stmt.convert(values) for values in cursor.fetchall()], int(cursor.rowcount)
        finally:
            cursor.close()


class _AsyncConn(_BaseConn):
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

    async def execute(self, stmt: Prepared[Any] | Executable, params: Params = None) -> tuple[list[Any], int]:
        conn = await self._get()
        if not isinstance(stmt, Prepared):
            result = await conn.execute(stmt, _core_params(params))
            return (list(result.all()) if result.returns_rows else []), int(result.rowcount)
        if params is not None and not isinstance(params, Mapping):
            for one in params:
                stmt.bind(one)
            result = await conn.execute(stmt.stmt, [dict(one) for one in params])
            return [], int(result.rowcount)
        given = dict(params or {})
        stmt.bind(given)
        result = await conn.execute(stmt.stmt, given)
        if not result.returns_rows:
            return [], int(result.rowcount)
        record: Any = stmt.record
        assert record is not None
        return [record._make(row) for row in result.all()], int(result.rowcount)


class Database(Protocol):
    """What the rest of filmshelf knows about the database."""

    url: str
    dialect: str

    def read(self) -> AbstractAsyncContextManager[Conn]:
        """A `Conn` for reads (no transaction held open)."""
        ...

    def write(self) -> AbstractAsyncContextManager[Conn]:
        """A `Conn` inside one transaction, committed on a clean exit and rolled back on an error.

        Nothing but SQL may be awaited inside it: on SQLite the write lock is held for its whole
        length, and another writer waiting on it blocks the event loop.
        """
        ...

    async def dispose(self) -> None:
        """Close every pooled connection."""
        ...

    async def run_apart(self, work: Callable[[Database], Awaitable[T]]) -> T:
        """Run `work(database)` so that it cannot hold up this event loop's other tasks.

        For long background work (the scheduled activity refresh). SQLite runs statements inline,
        on the loop: there `work` runs in a thread, with its own event loop and connections to
        the same file (sqlite3 lets go of the GIL while a statement runs, so requests go on).
        PostgreSQL statements are awaited: there `work` runs here, on this database.
        """
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
        self._writer: Connection | None = None
        self._writer_busy = False

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Conn]:
        # One long-lived autocommit connection serves every read of this process: statements
        # run inline and each result is fetched at once, so readers never interleave on it, and
        # a pool checkout per request would cost more than the query.
        if self._reader is None:
            self._reader = _SyncConn(self.engine.connect())
        yield self._reader

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Conn]:
        # One long-lived connection serves the writes of this process, as one serves the reads:
        # a write transaction awaits nothing but inline SQL, so two never overlap on it, and a
        # pool checkout was a tenth of a token exchange. Should one overlap all the same (a write
        # opened while another is open), it gets a pooled connection of its own, as before.
        conn = self._writer if self._writer is not None and not self._writer_busy else None
        if conn is None and self._writer is None:
            conn = self._writer = self.engine.connect()
        if conn is None:
            with self.engine.connect() as pooled:
                async with self._transaction(pooled) as sync_conn:
                    yield sync_conn
            return
        self._writer_busy = True
        try:
            async with self._transaction(conn) as sync_conn:
                yield sync_conn
        except BaseException:
            driver = conn.connection.driver_connection
            if driver is None or driver.in_transaction:
                # A failed ROLLBACK or COMMIT left SQLite inside the transaction: closing the
                # connection rolls it back, and the next write opens a fresh one.
                self._writer = None
                conn.close()
            raise
        finally:
            self._writer_busy = False

    @staticmethod
    @asynccontextmanager
    async def _transaction(conn: Connection) -> AsyncIterator[Conn]:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield _SyncConn(conn)
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")

    def read(self) -> AbstractAsyncContextManager[Conn]:
        return self._read()

    def write(self) -> AbstractAsyncContextManager[Conn]:
        return self._write()

    async def dispose(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.engine.dispose()

    async def run_apart(self, work: Callable[[Database], Awaitable[T]]) -> T:
        if sqlite_file_path(self.url) is None:
            return await work(self)  # an in-memory database has no second connection to it

        async def apart() -> T:
            db = SQLiteDatabase(self.url)
            try:
                return await work(db)
            finally:
                await db.dispose()

        return await asyncio.to_thread(asyncio.run, apart())


class PostgresDatabase:
    """The scale-out engine: PostgreSQL through asyncpg, shared by any number of processes."""

    dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine: AsyncEngine = postgres_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=False)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Conn]:
        conn = _AsyncConn(engine=self.engine)
        try:
            yield conn
        finally:
            await conn.release()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Conn]:
        async with self.engine.begin() as conn:
            yield _AsyncConn(conn)

    def read(self) -> AbstractAsyncContextManager[Conn]:
        return self._read()

    def write(self) -> AbstractAsyncContextManager[Conn]:
        return self._write()

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def run_apart(self, work: Callable[[Database], Awaitable[T]]) -> T:
        return await work(self)


_POSTGRES_PREFIXES = ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://")


def asyncpg_dsn(url: str) -> str:
    """A PostgreSQL URL as asyncpg reads it (`postgresql://...`), whichever prefix it was written with."""
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def postgres_engine(url: str, **options: Any) -> AsyncEngine:
    """An SQLAlchemy engine over asyncpg whose connections asyncpg opens from the URL itself.

    asyncpg reads a URL's query options as libpq does (`sslmode`, `sslrootcert`, `passfile`,
    ...). Given the URL, SQLAlchemy would instead hand each option to `asyncpg.connect()` as a
    keyword, which knows none of the `ssl*` names: `?sslmode=require` failed with a TypeError.
    Opening connections from the DSN makes the server, the migrations and the database check
    (`storage.preflight`) read one URL the same way.
    """
    import asyncpg  # only a PostgreSQL deployment loads the driver

    dsn = asyncpg_dsn(url)

    async def connect() -> Any:
        return await asyncpg.connect(dsn)

    return create_async_engine("postgresql+asyncpg://", async_creator=connect, **options)


def open_database(url: str) -> SQLiteDatabase | PostgresDatabase:
    """Open the database named by a URL (sqlite:///path or postgresql://...)."""
    if url.startswith("sqlite"):
        return SQLiteDatabase(url)
    if url.startswith(("postgresql", "postgres://")):
        return PostgresDatabase(url)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://...")
