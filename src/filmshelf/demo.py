"""The demo account and app that `make run` (`filmshelf serve --demo`) creates and prints."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from filmshelf.accounts import passwords, users
from filmshelf.auth import apps
from filmshelf.auth.tokens import Keys
from filmshelf.settings import Settings, ensure_private_dir, write_private_file
from filmshelf.storage import access as access_rows
from filmshelf.storage import accounts as account_rows
from filmshelf.storage.engine import Database

DEMO_USERNAME = "demo"
DEMO_APP_NAME = "filmshelf demo app"


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """What `make run` prints."""

    username: str
    password: str
    api_key: str
    read_access_token: str
    account_id: int
    account_object_id: str


def _secrets_file(settings: Settings) -> Path:
    return settings.data_dir / "demo.json"


def _remembered_password(settings: Settings) -> str | None:
    path = _secrets_file(settings)
    if not path.exists():
        return None
    value = json.loads(path.read_text()).get("password")
    return value if isinstance(value, str) else None


def _remember_password(settings: Settings, password: str) -> None:
    """Keep the demo password in `demo.json`, mode 0600 even when an older file was looser (issue 9 §1.11)."""
    ensure_private_dir(settings.data_dir)
    write_private_file(_secrets_file(settings), json.dumps({"username": DEMO_USERNAME, "password": password}))


async def ensure_demo(db: Database, settings: Settings, keys: Keys, *, now: float) -> DemoCredentials:
    """Create the demo user and app if absent; return working credentials for both."""
    password = _remembered_password(settings)
    hasher = passwords.Hasher(settings.argon2)
    async with db.read() as conn:
        row = await account_rows.account_by_username(conn, DEMO_USERNAME)
    if row is None:
        password = password or secrets.token_urlsafe(12)
        account = await users.create_account(
            db, hasher=hasher, username=DEMO_USERNAME, password=password, now=now, name="Demo"
        )
    else:
        account = users.Account.from_row(row)
        if password is None or not await hasher.verify(row.password_hash, password):
            # The password file was lost (or the database is shared): set a new one we can print.
            password = secrets.token_urlsafe(12)
            new_hash = await hasher.hash(password, patient=True)
            async with db.write() as conn:
                await account_rows.set_password_hash(conn, account_id=account.id, password_hash=new_hash)
    _remember_password(settings, password)
    app = await _demo_app(db, owner_id=account.id, now=now)
    return DemoCredentials(
        username=DEMO_USERNAME,
        password=password,
        api_key=app.api_key,
        read_access_token=apps.read_access_token(app, keys),
        account_id=account.id,
        account_object_id=account.object_id,
    )


async def _demo_app(db: Database, *, owner_id: int, now: float) -> apps.App:
    async with db.read() as conn:
        for row in await access_rows.all_apps(conn):
            if row.owner_id == owner_id and row.name == DEMO_APP_NAME and row.revoked_at is None:
                found = await apps.app_by_api_key(conn, row.api_key)
                if found is not None:
                    return found
    return await apps.create_app(db, owner_id=owner_id, name=DEMO_APP_NAME, now=now)
