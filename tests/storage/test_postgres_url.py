"""A PostgreSQL URL's libpq options (`sslmode`...) reach every connection filmshelf opens: the
database check, the migrations and the server's pool all let asyncpg read the URL itself."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from filmshelf.storage.engine import open_database
from filmshelf.storage.migrate import upgrade
from filmshelf.storage.preflight import DatabaseProblem, inspect_database
from tests.conftest import in_thread

_ENCRYPTED = text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")


def _with(url: str, option: str) -> str:
    return url + ("&" if "?" in url else "?") + option


def _server_speaks_tls(url: str) -> bool:
    async def ask() -> bool:
        db = open_database(url)
        try:
            async with db.read() as conn:
                return bool(await conn.scalar(text("SHOW ssl")) == "on")
        finally:
            await db.dispose()

    return in_thread(lambda: asyncio.run(ask()))


async def _encrypted(url: str) -> bool:
    """Whether the pool's connection to `url` is encrypted, as the server sees it."""
    db = open_database(url)
    try:
        async with db.read() as conn:
            return bool(await conn.scalar(_ENCRYPTED) is True)
    finally:
        await db.dispose()


@pytest.mark.parametrize("mode", ["disable", "prefer"])
def test_sslmode_reaches_the_check_the_migrations_and_the_pool(pg_database: str, mode: str) -> None:
    url = _with(pg_database, f"sslmode={mode}")
    assert inspect_database(url).has_schema
    in_thread(lambda: upgrade(url))  # migrations (up to date: no change)
    encrypted = in_thread(lambda: asyncio.run(_encrypted(url)))
    assert encrypted is (mode == "prefer" and _server_speaks_tls(pg_database))


def test_sslmode_require_is_obeyed(pg_database: str) -> None:
    url = _with(pg_database, "sslmode=require")
    if _server_speaks_tls(pg_database):
        assert in_thread(lambda: asyncio.run(_encrypted(url)))
        return
    # This server has no TLS: every path refuses, none falls back to a clear-text connection.
    with pytest.raises(DatabaseProblem, match="SSL"):
        inspect_database(url)
    with pytest.raises(ConnectionError, match="SSL"):
        in_thread(lambda: asyncio.run(_encrypted(url)))
