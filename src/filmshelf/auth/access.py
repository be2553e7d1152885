"""Who holds access, and taking it back: approved apps, an owner's apps, key rotation, revocation.

Rules:
* "Apps I approved" are the apps holding a live v4 access token or a live v3 session of the
  account. Revoking one ends all of them for that account and app, in the database, so every
  instance refuses them on the next request (access tokens and sessions are never cached).
* Only an app's owner (or an administrator, `owner_id=None`) sees its credentials, rotates its
  key or revokes it. To anyone else the app does not exist (NotFound), so ids cannot be probed.
* Regenerating gives the app a new v3 API key, and with it a new read access token (the key is
  the token's `aud`); the old key and token stop working, and so does every user access token
  and v3 session of the app: users sign in to the app again. The per-process cache of verified
  read tokens (`apps.VerifiedAppTokens`, 10 s) is emptied of the app by the caller in the
  process that rotated it; other instances drop it within those 10 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from filmshelf.auth.apps import App, read_access_token
from filmshelf.auth.tokens import Keys, new_api_key
from filmshelf.errors import NotFound
from filmshelf.storage import access as access_rows
from filmshelf.storage.access import ApprovedApp
from filmshelf.storage.engine import Conn, Database
from filmshelf.storage.records import OwnedAppRow

__all__ = ["ApprovedApp", "OwnedApp", "approved_apps", "revoke_access"]


@dataclass(frozen=True, slots=True)
class OwnedApp:
    """An app as its owner sees it: credentials are shown only while the app is live."""

    id: int
    name: str
    api_key: str
    owner_id: int
    owner_username: str
    created_at: float
    revoked: bool
    read_access_token: str | None


def _app(row: OwnedAppRow) -> App:
    return App.from_row(row)


def _owned(row: OwnedAppRow, keys: Keys) -> OwnedApp:
    app = _app(row)
    revoked = row.revoked_at is not None
    return OwnedApp(
        id=app.id,
        name=app.name,
        api_key=app.api_key,
        owner_id=app.owner_id,
        owner_username=row.owner_username,
        created_at=app.created_at,
        revoked=revoked,
        read_access_token=None if revoked else read_access_token(app, keys),
    )


async def approved_apps(db: Database, *, account_id: int, now: float) -> list[ApprovedApp]:
    """The apps holding live access to the account, most recently approved first."""
    async with db.read() as conn:
        return await access_rows.approved_apps(conn, account_id=account_id, now=now)


async def revoke_access(db: Database, *, account_id: int, app_id: int, now: float) -> int:
    """End every access token and v3 session the account gave `app_id`; return how many ended."""
    async with db.write() as conn:
        return await access_rows.revoke_grants(conn, account_id=account_id, app_id=app_id, now=now)


async def apps_of_owner(conn: Conn, *, owner_id: int, keys: Keys) -> list[OwnedApp]:
    """Every app the account owns (revoked ones too), oldest first."""
    return [_owned(row, keys) for row in await access_rows.apps_of_owner(conn, owner_id=owner_id)]


async def owned_app(conn: Conn, *, app_id: int, owner_id: int | None, keys: Keys) -> OwnedApp:
    """One app of `owner_id` (None: any owner, for administrators); NotFound otherwise."""
    row = await access_rows.app_by_id(conn, app_id)
    if row is None or (owner_id is not None and int(row.owner_id) != owner_id):
        raise NotFound()
    return _owned(row, keys)


async def regenerate(db: Database, *, app_id: int, owner_id: int | None, keys: Keys, now: float) -> OwnedApp:
    """Give a live app a new API key and read token; end every user's access through it."""
    async with db.write() as conn:
        current = await owned_app(conn, app_id=app_id, owner_id=owner_id, keys=keys)
        if current.revoked:
            raise NotFound(detail="A revoked app cannot be given new credentials.")
        await access_rows.set_app_key(conn, app_id=app_id, api_key=new_api_key(), now=now)
        await access_rows.revoke_app_grants(conn, app_id=app_id, now=now)
        return await owned_app(conn, app_id=app_id, owner_id=owner_id, keys=keys)


async def revoke_app(db: Database, *, app_id: int, owner_id: int | None, keys: Keys, now: float) -> bool:
    """Revoke an app: its key, read token, user tokens and v3 sessions stop working. False if it
    already was revoked."""
    async with db.write() as conn:
        await owned_app(conn, app_id=app_id, owner_id=owner_id, keys=keys)
        changed = await access_rows.revoke_app(conn, app_id=app_id, now=now)
        await access_rows.revoke_app_grants(conn, app_id=app_id, now=now)
    return changed


async def delete_app(db: Database, *, app_id: int, owner_id: int | None, keys: Keys) -> None:
    """Delete an app with everything issued for it."""
    async with db.write() as conn:
        await owned_app(conn, app_id=app_id, owner_id=owner_id, keys=keys)
        await access_rows.delete_app(conn, app_id=app_id)


async def all_apps(conn: Conn, *, keys: Keys) -> list[OwnedApp]:
    """Every app of every owner, oldest first (administrators)."""
    return [_owned(row, keys) for row in await access_rows.all_apps(conn)]
