"""`filmshelf users passwd/disable`, `apps show/revoke/delete`, `access list/revoke`, `users create --admin`."""

from __future__ import annotations

import asyncio
import json

from filmshelf.accounts import passwords, users
from filmshelf.storage.engine import open_database
from tests.cli.support import Cli
from tests.conftest import CHEAP_ARGON2

PASSWORD = "a long enough password\n"


def create(url: str, username: str) -> None:
    """Create an account in process with cheap hashing (the command itself is tested in test_cli.py)."""

    async def make() -> None:
        db = open_database(url)
        try:
            await users.create_account(
                db, hasher=passwords.Hasher(CHEAP_ARGON2), username=username, password=PASSWORD.strip(), now=1.0
            )
        finally:
            await db.dispose()

    asyncio.run(make())


def account(url: str, username: str) -> users.Account:
    async def find() -> users.Account | None:
        db = open_database(url)
        try:
            async with db.read() as conn:
                return await users.find_by_username(conn, username)
        finally:
            await db.dispose()

    found = asyncio.run(find())
    assert found is not None
    return found


def test_access_commands(cli: Cli) -> None:
    url = f"sqlite:///{cli.folder / 'cli.sqlite3'}"
    cli.use(FILMSHELF_DATA_DIR=str(cli.folder / "data"), FILMSHELF_DATABASE_URL=url, COLUMNS="200")
    assert cli("db", "upgrade").exit_code == 0
    create(url, "carol")
    assert cli("users", "create", "dave", "--password-stdin", "--admin", stdin=PASSWORD).exit_code == 0
    create(url, "erin")
    carol, dave, erin = account(url, "carol"), account(url, "dave"), account(url, "erin")
    assert carol.is_admin and dave.is_admin and not erin.is_admin  # the first account, and --admin

    created = json.loads(cli("apps", "create", "--owner", "carol", "--name", "C app", "--json").stdout)
    shown = cli("apps", "show", created["api_key"], "--json")
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["read_access_token"] == created["read_access_token"] and data["owner"] == "carol"
    assert data["revoked"] is False and data["name"] == "C app"

    listed = cli("access", "list", "--user", "carol", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    revoked_access = json.loads(cli("access", "revoke", "--user", "carol", "--app", str(data["id"]), "--json").stdout)
    assert revoked_access == {"username": "carol", "app_id": data["id"], "ended": 0}

    changed = cli("users", "passwd", "erin", "--password-stdin", "--json", stdin="another long password\n")
    assert json.loads(changed.stdout) == {"username": "erin", "password_changed": True}
    assert account(url, "erin").session_generation == erin.session_generation + 1  # browser sessions ended
    short = cli("users", "passwd", "erin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 8" in short.stderr

    assert json.loads(cli("users", "disable", "erin", "--json").stdout) == {"username": "erin", "disabled": True}
    assert account(url, "erin").disabled
    assert cli("users", "disable", "erin", "--enable").exit_code == 0
    assert not account(url, "erin").disabled
    assert cli("users", "disable", "nobody").exit_code == 1

    revoked = json.loads(cli("apps", "revoke", created["api_key"], "--json").stdout)
    assert revoked == {"id": data["id"], "revoked": True}
    after = json.loads(cli("apps", "show", str(data["id"]), "--json").stdout)
    assert after["revoked"] is True and after["read_access_token"] is None
    assert json.loads(cli("apps", "delete", str(data["id"]), "--json").stdout) == {"id": data["id"], "deleted": True}
    gone = cli("apps", "show", str(data["id"]))
    assert gone.exit_code == 1 and "no such app" in gone.stderr
