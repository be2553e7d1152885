"""Look at a database before a command uses it: can it be reached, does it exist, is it filmshelf's?

A mistake in the configuration (a database that was never created, a server that is down, a
role that does not exist, a folder that is missing) becomes a `DatabaseProblem` whose message
says what is wrong and what to do, in one or two lines, instead of a driver traceback later.
"""

from __future__ import annotations

import asyncio
import getpass
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from filmshelf.storage.engine import asyncpg_dsn
from filmshelf.storage.files import sqlite_file_path

CONNECT_TIMEOUT = 10.0


class DatabaseProblem(Exception):
    """The database cannot be used; the message says why and what to do."""


class DatabaseUrlProblem(DatabaseProblem):
    """The driver cannot read the URL (a bad option value...); the message says what it objected to."""


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What a look at the database found."""

    exists: bool
    has_schema: bool  # filmshelf's migrations have run on it (alembic_version is there)


@dataclass(frozen=True, slots=True)
class _Postgres:
    host: str
    port: int
    user: str
    database: str

    @classmethod
    def parse(cls, url: str) -> _Postgres:
        """Where the URL points, for messages; the query's host, port, user and database win, as
        they do for asyncpg (`postgresql:///films?host=/run/postgresql` is a local socket)."""
        parts = urlsplit(url)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        port = query.get("port")
        return cls(
            host=query.get("host") or parts.hostname or "localhost",
            port=int(port) if port and port.isdigit() else parts.port or 5432,
            user=query.get("user") or (unquote(parts.username) if parts.username else getpass.getuser()),
            database=query.get("database") or query.get("dbname") or unquote(parts.path.lstrip("/")),
        )


def inspect_database(url: str, *, timeout: float = CONNECT_TIMEOUT) -> DatabaseState:
    """Connect (without creating anything) and report what is there; DatabaseProblem if it cannot be used."""
    path = sqlite_file_path(url)
    if path is not None:
        return _inspect_sqlite(path)
    return asyncio.run(_inspect_postgres(url, timeout))


def _inspect_sqlite(path: Path) -> DatabaseState:
    where = path.absolute()
    if path.is_dir():
        raise DatabaseProblem(f"{where} is a folder, not an SQLite file: fix the path in FILMSHELF_DATABASE_URL")
    if not path.exists():
        return DatabaseState(exists=False, has_schema=False)
    try:
        # mode=rw: never create the file here.
        conn = sqlite3.connect(f"file:{quote(str(where))}?mode=rw", uri=True, timeout=CONNECT_TIMEOUT)
        try:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
            has_schema = found.fetchone() is not None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(f"{where} cannot be used as an SQLite database: {exc}") from None
    return DatabaseState(exists=True, has_schema=has_schema)


async def _inspect_postgres(url: str, timeout: float) -> DatabaseState:
    import asyncpg

    try:
        target = _Postgres.parse(url)
    except ValueError as exc:
        raise DatabaseUrlProblem(str(exc)) from None
    server = f"PostgreSQL at {target.host}:{target.port}"
    try:
        conn = await asyncpg.connect(asyncpg_dsn(url), timeout=timeout)
    except (asyncpg.ClientConfigurationError, ValueError) as exc:
        # Raised while asyncpg reads the URL and its options, before it connects.
        raise DatabaseUrlProblem(str(exc)) from None
    except asyncpg.InvalidCatalogNameError:
        raise DatabaseProblem(
            f"{server} has no database {target.database!r}. Create it with: "
            f"createdb -h {target.host} -p {target.port} -U {target.user} {target.database}"
        ) from None
    except asyncpg.InvalidPasswordError:
        raise DatabaseProblem(
            f"{server} refused the password of role {target.user!r}: fix the password in FILMSHELF_DATABASE_URL"
        ) from None
    except asyncpg.InvalidAuthorizationSpecificationError as exc:
        raise DatabaseProblem(
            f"{server} refused role {target.user!r} ({exc}): fix the user in FILMSHELF_DATABASE_URL, "
            f"or create the role: createuser -h {target.host} -p {target.port} -U postgres {target.user}"
        ) from None
    except asyncpg.PostgresError as exc:
        raise DatabaseProblem(f"{server} refused the connection: {exc}") from None
    except socket.gaierror:
        raise DatabaseProblem(
            f"cannot find the host {target.host!r} of FILMSHELF_DATABASE_URL: check its spelling"
        ) from None
    except OSError as exc:  # TimeoutError included
        reason = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise DatabaseProblem(
            f"cannot reach {server} ({reason}): is the server running, and are the host and port in "
            "FILMSHELF_DATABASE_URL right?"
        ) from None
    try:
        has_schema = bool(await conn.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL"))
    finally:
        await conn.close()
    return DatabaseState(exists=True, has_schema=has_schema)
