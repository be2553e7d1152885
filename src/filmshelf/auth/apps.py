"""Apps (API clients): their v3 API key and API read access token, and how a caller proves to be one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filmshelf.auth.tokens import Keys, TokenError, TokenKind, new_api_key, sign, verify
from filmshelf.storage import auth as auth_rows
from filmshelf.storage.engine import Conn, Database


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
    def from_row(cls, row: Any) -> App:
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


async def create_app(db: Database, *, owner_id: int, name: str, now: float) -> App:
    """Register an app for an account and return it."""
    api_key = new_api_key()
    async with db.write() as conn:
        await auth_rows.insert_app(conn, api_key=api_key, name=name, owner_id=owner_id, now=now)
        row = await auth_rows.app_by_api_key(conn, api_key)
    return App.from_row(row)


async def app_by_api_key(conn: Conn, api_key: str) -> App | None:
    """The live app with this API key, or None."""
    row = await auth_rows.app_by_api_key(conn, api_key)
    return None if row is None else App.from_row(row)


async def app_from_read_token(conn: Conn, token: str, keys: Keys, *, now: float) -> App:
    """Verify an API read access token and return its app; raise TokenError otherwise."""
    claims = verify(token, keys, TokenKind.APP, now=now, required=("aud", "sub", "scopes"))
    if claims.get("scopes") != ["api_read"] or not isinstance(claims.get("aud"), str):
        raise TokenError("Invalid token")
    app = await app_by_api_key(conn, claims["aud"])
    if app is None or app.owner_object_id != claims.get("sub"):
        raise TokenError("Invalid token")
    return app
