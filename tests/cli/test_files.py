"""Private files (issue 9 §1.4): the SQLite files end 0600 (database, -wal, -shm), the data folder 0700 and the
secrets in it 0600, whatever the umask and whatever an older filmshelf left."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from filmshelf.storage.engine import open_database
from filmshelf.storage.files import make_private_sqlite_file, sqlite_file_path
from filmshelf.storage.migrate import upgrade
from tests.cli.support import Cli


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


# --- a data folder left looser by an older filmshelf (issue 9 §1.4) ----------------------------------------
OPENING_COMMANDS = [["users", "list"], ["db", "upgrade"], ["serve", "--demo"]]


@pytest.mark.parametrize("command", OPENING_COMMANDS, ids=" ".join)
def test_an_older_0755_data_folder_and_0644_secret_key_are_tightened(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    from filmshelf import serving

    served: list[socket.socket] = []

    def run(settings: object, sock: socket.socket, **kwargs: object) -> None:
        served.append(sock)
        sock.close()

    # `serve` goes as far as handing its bound socket to the server, which is not started here.
    monkeypatch.setattr(serving, "bind", lambda host, port: socket.socket())
    monkeypatch.setattr(serving, "run", run)
    data = cli.folder / "data"
    cli.use(FILMSHELF_DATA_DIR=str(data), COLUMNS="200")
    assert cli("db", "upgrade").exit_code == 0
    secret = data / "secret_key"
    data.chmod(0o755)  # as an older filmshelf left them
    secret.chmod(0o644)
    result = cli(*command)
    assert result.exit_code == 0, result.output
    assert (mode(data), mode(secret)) == (0o700, 0o600)
    assert len(served) == (command[0] == "serve")


def test_an_older_0644_secret_key_is_tightened_when_settings_are_read(tmp_path: Path) -> None:
    from filmshelf.settings import Settings

    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    secret = data / "secret_key"
    secret.write_text("s" * 48 + "\n")
    secret.chmod(0o644)
    for create in (False, True):  # other commands, then the server and `db upgrade`
        data.chmod(0o755)
        secret.chmod(0o644)
        settings = Settings.from_env({"FILMSHELF_DATA_DIR": str(data)}, create=create)
        assert settings.secret_key == "s" * 48
        assert (mode(data), mode(secret)) == (0o700, 0o600)


def test_only_filmshelf_s_own_folder_is_tightened(cli: Cli) -> None:
    # FILMSHELF_DATABASE_URL names a file in a folder of the user's: that folder is never changed, and a
    # FILMSHELF_DATA_DIR that holds nothing of filmshelf's is left as it is by the commands that write nothing.
    elsewhere = cli.folder / "elsewhere"
    unused = cli.folder / "unused"
    for folder in (elsewhere, unused):
        folder.mkdir()
        folder.chmod(0o755)
    url = f"sqlite:///{elsewhere / 'films.sqlite3'}"
    cli.use(FILMSHELF_DATABASE_URL=url, FILMSHELF_SECRET_KEY="s" * 40, FILMSHELF_DATA_DIR=str(cli.folder / "data"))
    assert cli("db", "upgrade").exit_code == 0
    assert cli("users", "list", FILMSHELF_DATA_DIR=str(unused)).exit_code == 0
    assert cli("apps", "list", FILMSHELF_DATA_DIR=str(unused)).exit_code == 0
    assert (mode(elsewhere), mode(elsewhere / "films.sqlite3"), mode(unused)) == (0o755, 0o600, 0o755)
    assert mode(cli.folder / "data") == 0o700  # made by `db upgrade`, for the demo password


def test_a_shared_folder_and_what_a_link_points_at_are_never_changed(tmp_path: Path) -> None:
    from filmshelf.settings import ensure_private_dir, tighten_data_dir

    shared = tmp_path / "shared"  # as /tmp: the sticky bit says several users keep files here
    shared.mkdir()
    shared.chmod(0o1777)
    (shared / "secret_key").write_text("s" * 48)
    (shared / "secret_key").chmod(0o644)
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    target = tmp_path / "not-filmshelf's.txt"
    target.write_text("")
    target.chmod(0o644)
    (data / "demo.json").symlink_to(target)
    (data / "secret_key").write_text("s" * 48)
    for tighten in (tighten_data_dir, ensure_private_dir):
        tighten(shared)
        tighten(data)
        assert (mode(shared), mode(shared / "secret_key")) == (0o1777, 0o644)
        assert (mode(data), mode(data / "secret_key"), mode(target)) == (0o700, 0o600, 0o644)
