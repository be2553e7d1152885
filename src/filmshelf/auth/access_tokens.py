"""v4 user access tokens: mint, verify, revoke.

Every access token has a row keyed by its `jti`; verification checks the row on every request,
so a revocation made by any process is seen by every other at once (RFC 7009). Tokens also carry
an `exp` (a year by default, documented) so a forgotten token dies eventually (RFC 8725 §3.8).
"""

from __future__ import annotations

from dataclasses import dataclass

from filmshelf.auth.apps import App
from filmshelf.auth.tokens import Keys, TokenError, TokenKind, new_object_id, sign, verify
from filmshelf.storage import auth as auth_rows
from filmshelf.storage.engine import Conn

LIFETIME_SECONDS = 365 * 24 * 3600
SCOPES = ["api_read", "api_write"]


@dataclass(frozen=True, slots=True)
class Minted:
    """An access token about to be recorded (its subject is known only inside the exchange)."""

    jti: str
    app: App
    now: float

    def token_for(self, account_object_id: str, keys: Keys) -> str:
        """The signed JWT: aud, sub, scopes, version 1, jti, nbf, exp."""
        claims = {
            "aud": self.app.api_key,
            "sub": account_object_id,
            "scopes": SCOPES,
            "version": 1,
            "jti": self.jti,
            "nbf": self.now,
            "exp": int(self.now) + LIFETIME_SECONDS,
        }
        return sign(claims, keys, TokenKind.ACCESS)


def prepare(app: App, *, now: float) -> Minted:
    """Choose the id of a new access token for `app`."""
    return Minted(jti=new_object_id(), app=app, now=now)


async def record(conn: Conn, minted: Minted, *, account_id: int) -> str:
    """Store the token row; return the account's object id (the token's `sub`)."""
    await auth_rows.insert_access_token(
        conn,
        jti=minted.jti,
        account_id=account_id,
        app_id=minted.app.id,
        now=minted.now,
        expires_at=minted.now + LIFETIME_SECONDS,
    )
    object_id = await auth_rows.account_object_id(conn, account_id)
    assert object_id is not None  # the foreign key guarantees it
    return object_id


@dataclass(frozen=True, slots=True)
class UserPrincipal:
    """A verified user access token: who, through which app, with which scopes."""

    jti: str
    account_id: int
    account_object_id: str
    app_id: int
    api_key: str
    scopes: tuple[str, ...]
    # The token's app, read with the token; None when the app's owner is disabled (such an app
    # serves nobody, as `auth.apps.app_by_api_key` says).
    app: App | None = None

    @property
    def can_write(self) -> bool:
        """True if the token carries the api_write scope."""
        return "api_write" in self.scopes


async def verify_access_token(conn: Conn, token: str, keys: Keys, *, now: float) -> UserPrincipal:
    """Verify signature, times and the live row of an access token; raise TokenError."""
    claims = verify(token, keys, TokenKind.ACCESS, now=now, required=("aud", "sub", "jti", "scopes"))
    row = await auth_rows.live_access_token(conn, str(claims["jti"]))
    if row is None or row.api_key != claims["aud"] or row.account_object_id != claims["sub"]:
        raise TokenError("Invalid token")
    scopes = claims.get("scopes")
    app = None
    if not row.app_owner_disabled:
        app = App(
            id=row.app_id,
            api_key=row.api_key,
            name=row.app_name,
            owner_id=row.app_owner_id,
            owner_object_id=row.app_owner_object_id,
            created_at=row.app_created_at,
        )
    return UserPrincipal(
        jti=row.jti,
        account_id=row.account_id,
        account_object_id=row.account_object_id,
        app_id=row.app_id,
        api_key=row.api_key,
        scopes=tuple(scopes) if isinstance(scopes, list) else (),
        app=app,
    )


async def still_live(conn: Conn, user: UserPrincipal) -> bool:
    """Inside a transaction: is the verified token still neither revoked nor of a revoked app?"""
    return await auth_rows.live_access_token(conn, user.jti) is not None


async def revoke(conn: Conn, token: str, keys: Keys, *, app: App, now: float) -> bool:
    """Revoke an access token issued to `app`; idempotent. False if the token is not one of app's."""
    try:
        # An expired token may still be logged out; its signature must be ours all the same.
        claims = verify(token, keys, TokenKind.ACCESS, now=now, required=("aud", "jti"), check_times=False)
    except TokenError:
        return False
    if claims.get("aud") != app.api_key or await auth_rows.access_token_app(conn, str(claims["jti"])) != app.id:
        return False
    await auth_rows.revoke_access_token(conn, jti=str(claims["jti"]), now=now)
    return True
