"""SQLite's writes share one long-lived connection (storage.engine.SQLiteDatabase._write): a
failed transaction leaves nothing and the next write works, whichever way it failed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text

from filmshelf.storage.engine import SQLiteDatabase, open_database
from filmshelf.storage.migrate import upgrade
from filmshelf.storage.tables import apps, login_throttle
from tests.conftest import in_thread


class Refused(Exception):
    pass


def _row(key: str) -> Any:
    return insert(login_throttle).values(key=key, failures=1, locked_until=0.0, updated_at=0.0)


def _sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'writer.sqlite3'}"
    upgrade(url)
    return url


async def _add_row(db: SQLiteDatabase, number: int) -> None:
    async with db.write() as conn:
        await conn.run(_row(f"k{number}"))


async def _rows(db: SQLiteDatabase) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(login_throttle)))


def test_a_write_that_raises_leaves_nothing_and_the_next_one_commits(tmp_path: Path) -> None:
    async def main() -> tuple[int, int]:
        db = open_database(_sqlite(tmp_path))
        assert isinstance(db, SQLiteDatabase)
        try:
            with pytest.raises(Refused):
                async with db.write() as conn:
                    await conn.run(
                        insert(login_throttle).values(key="lost", failures=1, locked_until=0.0, updated_at=0.0)
                    )
                    raise Refused
            after_failure = await _rows(db)
            await _add_row(db, 900_002)
            return after_failure, await _rows(db)
        finally:
            await db.dispose()

    assert in_thread(lambda: asyncio.run(main())) == (0, 1)


def test_a_write_whose_commit_fails_does_not_poison_the_next(tmp_path: Path) -> None:
    async def main() -> int:
        db = open_database(_sqlite(tmp_path))
        assert isinstance(db, SQLiteDatabase)
        try:
            # The body ends the transaction itself, so the closing COMMIT fails.
            with pytest.raises(Exception, match="no transaction is active"):
                async with db.write() as conn:
                    await conn.run(text("ROLLBACK"))
            # A deferred foreign key that fails at COMMIT leaves SQLite inside the transaction:
            # the shared connection must not carry it into the next write.
            with pytest.raises(Exception, match="FOREIGN KEY constraint failed"):
                async with db.write() as conn:
                    await conn.run(text("PRAGMA defer_foreign_keys = ON"))
                    orphan = {"api_key": "f" * 32, "name": "orphan", "owner_id": 424_242, "created_at": 0.0}
                    await conn.run(insert(apps).values(**orphan))
            await _add_row(db, 900_003)
            await _add_row(db, 900_004)
            async with db.read() as conn:
                orphans = int(await conn.scalar(select(func.count()).select_from(apps)))
            return await _rows(db) + 100 * orphans
        finally:
            await db.dispose()

    assert in_thread(lambda: asyncio.run(main())) == 2
