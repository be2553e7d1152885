"""`filmshelf users passwd/disable`, `apps show/revoke/delete`, `access list/revoke`, `users create --admin`."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from filmshelf.accounts import passwords, users
from filmshelf.storage.engine import open_database
from tests.cli.test_cli import run
from tests.conftest import CHEAP_ARGON2


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = dict(os.environ)
    values.pop("FILMSHELF_SECRET_KEY", None)
    values.update(
        FILMSHELF_DATA_DIR=str(tmp_path / "data"),
        FILMSHELF_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    )
    return values


def create(env: dict[str, str], username: str) -> None:
    """Create an account in process (the command itself is tested in test_cli.py)."""
    from filmshelf.storage.migrate import upgrade

    upgrade(env["FILMSHELF_DATABASE_URL"])

    async def make() -> None:
        db = open_database(env["FILMSHELF_DATABASE_URL"])
        try:
            hasher = passwords.Hasher(CHEAP_ARGON2)
            await users.create_account(db, hasher=hasher, username=username, password="a long enough password", now=1.0)
        finally:
            await db.dispose()

    asyncio.run(make())


def account(env: dict[str, str], username: str) -> users.Account | None:
    async def find() -> users.Account | None:
        db = open_database(env["FILMSHELF_DATABASE_URL"])
        try:
            async with db.read() as conn:
                return await users.find_by_username(conn, username)
        finally:
            await db.dispose()

    return asyncio.run(find())


def test_access_commands(env: dict[str, str], tmp_path: Path) -> None:
    create(env, "carol")
    assert (
        run(env, "users", "create", "dave", "--password-stdin", "--admin", stdin="a long enough password\n").returncode
        == 0
    )
    create(env, "erin")
    carol, dave, erin = account(env, "carol"), account(env, "dave"), account(env, "erin")
    assert carol and dave and erin
    assert carol.is_admin and dave.is_admin and not erin.is_admin  # the first account, and --admin

    created = json.loads(run(env, "apps", "create", "--owner", "carol", "--name", "C app", "--json").stdout)
    shown = run(env, "apps", "show", created["api_key"], "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["read_access_token"] == created["read_access_token"] and data["owner"] == "carol"
    assert data["revoked"] is False and data["name"] == "C app"

    listed = run(env, "access", "list", "--user", "carol", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    revoked_access = json.loads(
        run(env, "access", "revoke", "--user", "carol", "--app", str(data["id"]), "--json").stdout
    )
    assert revoked_access == {"username": "carol", "app_id": data["id"], "ended": 0}

    changed = run(env, "users", "passwd", "erin", "--password-stdin", "--json", stdin="another long password\n")
    assert json.loads(changed.stdout) == {"username": "erin", "password_changed": True}
    generation = account(env, "erin").session_generation  # type: ignore[union-attr]
    assert generation == erin.session_generation + 1  # every browser session of erin ended

    assert json.loads(run(env, "users", "disable", "erin", "--json").stdout) == {"username": "erin", "disabled": True}
    assert account(env, "erin").disabled  # type: ignore[union-attr]
    assert run(env, "users", "disable", "erin", "--enable").returncode == 0
    assert not account(env, "erin").disabled  # type: ignore[union-attr]

    assert json.loads(run(env, "apps", "revoke", created["api_key"], "--json").stdout) == {
        "id": data["id"],
        "revoked": True,
    }
    after = json.loads(run(env, "apps", "show", str(data["id"]), "--json").stdout)
    assert after["revoked"] is True and after["read_access_token"] is None
    assert json.loads(run(env, "apps", "delete", str(data["id"]), "--json").stdout) == {
        "id": data["id"],
        "deleted": True,
    }
    gone = run(env, "apps", "show", str(data["id"]))
    assert gone.returncode == 1 and "no such app" in gone.stderr
    assert run(env, "users", "disable", "nobody").returncode == 1
