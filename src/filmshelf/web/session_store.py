"""Litestar's server-side sessions, stored in the database and rotated on sign-in.

Sessions live in the `web_sessions` table so that any filmshelf process behind the same
database sees them (no process memory). The table is keyed by the SHA-256 of the session id:
the id itself (the cookie value) is never stored, so a copy of the database signs nobody in.

- A row exists only when a session holds something (after sign-in). Anonymous page views write
  nothing and get no session cookie; the CSRF token of the forms is Litestar's own signed cookie
  and needs no row.
- Session ids are 64 hex characters made here (`secrets.token_hex(32)`); a cookie of any other
  shape is ignored without a database look-up, and is never adopted as a new session's id.
- Rotation: a handler that sets `ROTATE` in the session gets a fresh session id in the response
  and the old row is deleted (session fixation, ASVS V3.2.1).
- Expired rows are purged a batch at a time whenever a session is written.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from filmshelf.clock import Clock
from filmshelf.storage import accounts as account_rows
from filmshelf.storage.engine import Database

ROTATE = "_rotate"
_NEW_ID = "filmshelf_new_session_id"
SESSION_ID = re.compile(r"[0-9a-f]{64}")


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def key_hash(key: str) -> str:
    """The stored form of a session id: SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class DatabaseStore(Store):
    """A Litestar Store backed by the `web_sessions` table (rows keyed by the hash of the key)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        now = self._clock.now()
        expires_at = None if seconds is None else now + seconds
        async with self._db.write() as conn:
            await account_rows.session_purge_expired(conn, now=now)
            await account_rows.session_set(conn, key_hash=key_hash(key), value=data, expires_at=expires_at)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        async with self._db.read() as conn:
            row = await account_rows.session_get(conn, key_hash(key))
        if row is None:
            return None
        now = self._clock.now()
        if row.expires_at is not None and row.expires_at <= now:
            await self.delete(key)
            return None
        seconds = _seconds(renew_for)
        if seconds is not None:
            async with self._db.write() as conn:
                await account_rows.session_touch(conn, key_hash=key_hash(key), expires_at=now + seconds)
        return bytes(row.value)

    async def delete(self, key: str) -> None:
        async with self._db.write() as conn:
            await account_rows.session_delete(conn, key_hash(key))

    async def delete_all(self) -> None:
        async with self._db.write() as conn:
            await account_rows.session_delete_all(conn)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        async with self._db.read() as conn:
            row = await account_rows.session_get(conn, key_hash(key))
        if row is None or row.expires_at is None:
            return None
        return max(0, int(row.expires_at - self._clock.now()))


class RotatingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions: rows only for sessions with content, new ids on sign-in."""

    def _cookie_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
        value = connection.cookies.get(self.config.key)
        return value if value and SESSION_ID.fullmatch(value) else None

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        if isinstance(new_id, str):
            return new_id
        current = self._cookie_id(connection)
        if current is None:
            current = self.generate_session_id()
            # Remember it: the id must not change between writing the row and the cookie.
            connection.scope.setdefault("state", {})[_NEW_ID] = current
        return current

    async def load_from_connection(self, connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any]:
        session_id = self._cookie_id(connection)
        if session_id is None:
            return {}
        data = await self.get(session_id, store=self.config.get_store_from_app(connection.scope["app"]))
        return {} if data is None else self.deserialize_data(data)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        store = self.config.get_store_from_app(connection.scope["app"])
        rotate = isinstance(scope_session, dict) and bool(scope_session.pop(ROTATE, False))
        current = self._cookie_id(connection)
        if scope_session is Empty or not scope_session:
            # Nothing to keep: no row, and no cookie unless one must be cleared.
            if current is not None:
                await self.delete(current, store=store)
            if connection.cookies.get(self.config.key) is not None:
                self._set_cookie(message, "null", expires=0)
            return
        if rotate:
            if current is not None:
                await self.delete(current, store=store)
            connection.scope.setdefault("state", {})[_NEW_ID] = self.generate_session_id()
        await super().store_in_message(scope_session, message, connection)

    def _set_cookie(self, message: Message, value: str, **extra: Any) -> None:
        params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        params.update(extra)
        headers = MutableScopeHeaders.from_message(message)
        headers.add("Set-Cookie", Cookie(value=value, key=self.config.key, **params).to_header(header=""))


class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using RotatingSessionBackend."""

    _backend_class = RotatingSessionBackend
