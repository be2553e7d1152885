"""Apps (API clients): their v3 API key and API read access token, and how a caller proves to be one."""

from __future__ import annotations

import time
from dataclasses import dataclass

from filmshelf.auth.tokens import Keys, TokenError, TokenKind, new_api_key, sign, verify
from filmshelf.storage import auth as auth_rows
from filmshelf.storage.engine import Conn, Database
from filmshelf.storage.records import AppRow, OwnedAppRow


@dataclass(frozen=True, slots=True)
class App:
    """A registered app; `api_key` is the `aud` of every token issued for it."""

    id: int
    api_key: str
    name: str
    owner_id: int
    owner_object_id: str
    created_at: float

    @classmethod
    def from_row(cls, row: AppRow | OwnedAppRow) -> App:
        """Build from a row of `storage.auth.app_by_api_key`."""
        return cls(
            id=row.id,
            api_key=row.api_key,
            name=row.name,
            owner_id=row.owner_id,
            owner_object_id=row.owner_object_id,
            created_at=row.created_at,
        )


def read_access_token(app: App, keys: Keys) -> str:
    """The app's API read access token, with the claims TMDB's carry (aud, nbf, sub, scopes, version)."""
    claims = {
        "aud": app.api_key,
        "nbf": app.created_at,
        "sub": app.owner_object_id,
        "scopes": ["api_read"],
        "version": 1,
    }
    return sign(claims, keys, TokenKind.APP)


MAX_APP_NAME = 128


class AppNameRejected(ValueError):
    """An app name that cannot be shown on the approval page; the message says why."""


def check_app_name(name: str) -> str:
    """The app name, trimmed, if it can name an app (1 to 128 characters, no control characters)."""
    trimmed = name.strip()
    if not trimmed:
        raise AppNameRejected("an app needs a name (it is shown on the approval page)")
    if len(trimmed) > MAX_APP_NAME:
        raise AppNameRejected(f"at most {MAX_APP_NAME} characters, got {len(trimmed)}")
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in trimmed):
        raise AppNameRejected("control characters (tabs, new lines, NUL ...) are not allowed")
    return trimmed


async def create_app(db: Database, *, owner_id: int, name: str, now: float) -> App:
    """Register an app for an account and return it (AppNameRejected for a name `check_app_name` refuses)."""
    name = check_app_name(name)
    api_key = new_api_key()
    async with db.write() as conn:
        await auth_rows.insert_app(conn, api_key=api_key, name=name, owner_id=owner_id, now=now)
        row = await auth_rows.app_by_api_key(conn, api_key)
    assert row is not None, "the app inserted above is live"
    return App.from_row(row)


async def app_by_api_key(conn: Conn, api_key: str) -> App | None:
    """The live app with this API key, or None."""
    row = await auth_rows.app_by_api_key(conn, api_key)
    return None if row is None else App.from_row(row)


class VerifiedAppTokens:
    """A short-lived, bounded memory of read tokens already verified by this process.

    A read token is sent with nearly every request and never changes, so re-checking its
    signature and re-reading its app row each time is most of the cost of a cheap call. Entries
    live `ttl` seconds (monotonic time): an app revoked in the database is refused by every
    instance within that time. User access tokens are never cached (a logout must be seen at once).
    """

    def __init__(self, *, ttl: float = 10.0, max_entries: int = 4096) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: dict[str, tuple[App, float]] = {}

    def get(self, token: str) -> App | None:
        """The app of a recently verified token, or None."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry[1] < time.monotonic():
            self._entries.pop(token, None)
            return None
        return entry[0]

    def forget(self, *, app_id: int | None = None, owner_id: int | None = None) -> None:
        """Drop the entries of one app, or of every app of one owner (revoked, rotated, disabled).

        Only this process's memory: other instances drop theirs when the entry's `ttl` runs out.
        """
        for token, (app, _) in list(self._entries.items()):
            if app.id == app_id or app.owner_id == owner_id:
                self._entries.pop(token, None)

    def clear(self) -> None:
        """Forget every entry (a test double's reset)."""
        self._entries.clear()

    def put(self, token: str, app: App) -> None:
        """Remember a verified token."""
        if len(self._entries) >= self._max:
            self._entries.clear()  # simple and bounded; refilled by the next requests
        self._entries[token] = (app, time.monotonic() + self._ttl)


async def app_from_read_token(
    conn: Conn, token: str, keys: Keys, *, now: float, cache: VerifiedAppTokens | None = None
) -> App:
    """Verify an API read access token and return its app; raise TokenError otherwise."""
    if cache is not None and (cached := cache.get(token)) is not None:
        return cached
    claims = verify(token, keys, TokenKind.APP, now=now, required=("aud", "sub", "scopes"))
    if claims.get("scopes") != ["api_read"] or not isinstance(claims.get("aud"), str):
        raise TokenError("Invalid token")
    app = await app_by_api_key(conn, claims["aud"])
    if app is None or app.owner_object_id != claims.get("sub"):
        raise TokenError("Invalid token")
    if cache is not None:
        cache.put(token, app)
    return app
