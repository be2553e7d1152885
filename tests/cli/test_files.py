"""The SQLite files end 0600 (database, -wal, -shm) and their new folder 0700, whatever the umask (issue 9 §1.4)."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from filmshelf.storage.engine import open_database
from filmshelf.storage.files import make_private_sqlite_file, sqlite_file_path
from filmshelf.storage.migrate import upgrade


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o277])
def test_a_new_database_and_its_wal_and_shm_are_0600(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "new" / "films.sqlite3"
    url = f"sqlite:///{path}"
    old = os.umask(umask)
    try:
        upgrade(url)

        async def write_while_open() -> list[int]:
            db = open_database(url)
            try:
                async with db.write() as conn:
                    await conn.run(text("CREATE TABLE probe (x INTEGER)"))
                async with db.read() as conn:  # the long-lived reader keeps -wal and -shm in place
                    await conn.scalar(text("SELECT count(*) FROM probe"))
                return [mode(path.with_name(path.name + suffix)) for suffix in ("", "-wal", "-shm")]
            finally:
                await db.dispose()

        modes = asyncio.run(write_while_open())
    finally:
        os.umask(old)
    assert modes == [0o600, 0o600, 0o600]
    assert mode(path.parent) == 0o700


def test_looser_files_from_before_are_tightened_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    upgrade(f"sqlite:///{path}")
    side = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    for file in (path, *side):
        file.touch()
        file.chmod(0o644)
    make_private_sqlite_file(path)
    assert [mode(file) for file in (path, *side)] == [0o600, 0o600, 0o600]


def test_sqlite_file_path() -> None:
    assert sqlite_file_path("sqlite:///var/x.sqlite3") == Path("var/x.sqlite3")
    assert sqlite_file_path("sqlite:////abs/x.sqlite3?mode=rw") == Path("/abs/x.sqlite3")
    assert sqlite_file_path("sqlite:///:memory:") is None
    assert sqlite_file_path("postgresql://u@h/d") is None


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_demo_json_ends_0600_also_when_an_older_looser_file_is_rewritten(tmp_path: Path, umask: int) -> None:
    from filmshelf.demo import _remember_password, _remembered_password
    from filmshelf.settings import Settings

    settings = Settings(database_url="sqlite:///unused", secret_key="k" * 40, data_dir=tmp_path / "data")
    (tmp_path / "data").mkdir()
    stale = tmp_path / "data" / "demo.json"
    stale.write_text('{"username": "demo", "password": "old"}')
    stale.chmod(0o644)
    old = os.umask(umask)
    try:
        _remember_password(settings, "new password")
    finally:
        os.umask(old)
    assert mode(stale) == 0o600
    assert _remembered_password(settings) == "new password"
