"""Apply Alembic migrations programmatically (used by `filmshelf serve` and `filmshelf db upgrade`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from filmshelf.storage.files import make_private_sqlite_file, sqlite_file_path

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at filmshelf's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["filmshelf_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (an SQLite file is created 0600 first)."""
    path = sqlite_file_path(url)
    if path is not None:
        make_private_sqlite_file(path)
    command.upgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise if the tables in code and the migrations disagree (alembic check)."""
    command.check(alembic_config(url))


async def upgrade_async(url: str) -> None:
    """`upgrade` from inside a running event loop (Alembic's PostgreSQL path runs its own loop)."""
    await asyncio.to_thread(upgrade, url)
