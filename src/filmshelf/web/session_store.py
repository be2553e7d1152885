"""Litestar's server-side sessions, stored in the database and rotated on sign-in.

Sessions live in the `web_sessions` table so that any filmshelf process behind the same
database sees them (no process memory). Rotation: a handler that sets `ROTATE` in the session
gets a fresh session id in the response and the old id is deleted (session fixation, ASVS V3.2.1).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession

from filmshelf.clock import Clock
from filmshelf.storage import accounts as account_rows
from filmshelf.storage.engine import Database

ROTATE = "_rotate"
_NEW_ID = "filmshelf_new_session_id"


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class DatabaseStore(Store):
    """A Litestar Store backed by the `web_sessions` table."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        expires_at = None if seconds is None else self._clock.now() + seconds
        async with self._db.write() as conn:
            await account_rows.session_set(conn, key=key, value=data, expires_at=expires_at)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        async with self._db.read() as conn:
            row = await account_rows.session_get(conn, key)
        if row is None:
            return None
        now = self._clock.now()
        if row.expires_at is not None and row.expires_at <= now:
            await self.delete(key)
            return None
        seconds = _seconds(renew_for)
        if seconds is not None:
            async with self._db.write() as conn:
                await account_rows.session_touch(conn, key=key, expires_at=now + seconds)
        return bytes(row.value)

    async def delete(self, key: str) -> None:
        async with self._db.write() as conn:
            await account_rows.session_delete(conn, key)

    async def delete_all(self) -> None:
        async with self._db.write() as conn:
            await account_rows.session_delete_all(conn)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        async with self._db.read() as conn:
            row = await account_rows.session_get(conn, key)
        if row is None or row.expires_at is None:
            return None
        return max(0, int(row.expires_at - self._clock.now()))


class RotatingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that switch to a new id when the handler asks (after sign-in)."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        if isinstance(new_id, str):
            return new_id
        return super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        if scope_session is not Empty and isinstance(scope_session, dict) and scope_session.pop(ROTATE, False):
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
            connection.scope.setdefault("state", {})[_NEW_ID] = self.generate_session_id()
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig using RotatingSessionBackend."""

    _backend_class = RotatingSessionBackend
