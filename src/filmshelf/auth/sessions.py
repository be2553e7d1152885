"""v3 sessions: converted from a v4 access token, or made by the classic request-token flow.

Invariants: a session id and a v3 request token are 160 random bits shown once; only their
SHA-256 is stored, so a database leak does not hand out sessions. A session is bound to the app
that created it and is checked on every use (never cached): deleting it, revoking its app, or
revoking/expiring the v4 access token it was converted from ends it at once. A converted
session needs a user access token with the write scope of the same app (an app read token is
refused with TMDB's 401/36 "failure" body). A v3 request token lives 60 minutes, is validated
once with a username and password (through the sign-in throttle of `accounts.users`), and
makes at most one session (compare-and-set in storage).
"""

from __future__ import annotations

import hashlib

from filmshelf.accounts import users
from filmshelf.accounts.passwords import Hasher
from filmshelf.auth.access_tokens import verify_access_token
from filmshelf.auth.apps import App
from filmshelf.auth.tokens import Keys, TokenError, new_session_id, peek_claims
from filmshelf.errors import (
    FilmshelfError,
    InvalidRequestToken,
    InvalidToken,
    NoWritePermission,
    RateLimited,
    SessionNotFound,
)
from filmshelf.storage import sessions as session_rows
from filmshelf.storage.engine import Conn, Database

REQUEST_TOKEN_LIFETIME = 3600
MAX_SECRET_LENGTH = 256


class ConvertRefused(NoWritePermission):
    """The token given to convert/4 is not a user token with write permission (401/36)."""


class AuthenticationFailed(FilmshelfError):
    """No usable session for a v3 account call (401/3)."""

    code = 3


class SessionDenied(FilmshelfError):
    """The request token exists but was never validated by the user (401/17)."""

    code = 17


class LoginMissing(FilmshelfError):
    """validate_with_login without a username or password (400/26)."""

    code = 26


class LoginRefused(FilmshelfError):
    """Wrong username or password (401/30)."""

    code = 30


def digest(secret: str) -> str:
    """The stored form of a session id or request token: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


async def convert(conn: Conn, *, access_token: str, app: App, keys: Keys, now: float) -> str:
    """Turn a live v4 user access token of `app` into a new v3 session id."""
    try:
        scopes = peek_claims(access_token).get("scopes")
    except TokenError as exc:
        raise ConvertRefused() from exc
    if not isinstance(scopes, list) or "api_write" not in scopes:
        raise ConvertRefused()
    session_id = new_session_id()
    try:
        user = await verify_access_token(conn, access_token, keys, now=now)
    except TokenError as exc:
        raise InvalidToken(detail=exc.reason) from exc
    if user.app_id != app.id:
        raise InvalidToken(detail="The access token was issued to another app.")
    if not user.can_write:
        raise ConvertRefused()
    await session_rows.insert_session(
        conn,
        session_hash=digest(session_id),
        account_id=user.account_id,
        app_id=app.id,
        access_jti=user.jti,
        now=now,
    )
    return session_id


async def new_request_token(conn: Conn, *, app: App, now: float) -> tuple[str, float]:
    """A new v3 request token of `app` and its expiry time (60 minutes)."""
    token = new_session_id()
    expires_at = now + REQUEST_TOKEN_LIFETIME
    await session_rows.insert_request_token(
        conn, token_hash=digest(token), app_id=app.id, expires_at=expires_at, now=now
    )
    return token, expires_at


async def validate_with_login(
    db: Database,
    *,
    hasher: Hasher,
    app: App,
    request_token: str | None,
    username: str | None,
    password: str | None,
    client_ip: str | None,
    now: float,
) -> float:
    """Validate a request token with the user's login; return the token's expiry time.

    Takes the database, not a connection: the password hash in the middle must not run inside a
    transaction (on SQLite it would hold the write lock for the length of a hash), so the token
    is read, the login checked, and the token validated in a compare-and-set of its own.

    Missing login -> 26; unknown, expired, used or foreign token -> 33; wrong login -> 30;
    too many failures -> 25 (Retry-After).
    """
    if not username or not password:
        raise LoginMissing()
    if not request_token or len(request_token) > MAX_SECRET_LENGTH:
        raise InvalidRequestToken()
    token_hash = digest(request_token)
    async with db.read() as conn:
        row = await session_rows.request_token(conn, token_hash)
    if row is None or row.app_id != app.id or row.state != "new" or row.expires_at <= now:
        raise InvalidRequestToken()
    try:
        account = await users.sign_in(
            db, hasher=hasher, username=username[:64], password=password[:1024], client_ip=client_ip, now=now
        )
    except users.SignInThrottled as exc:
        raise RateLimited(detail=str(int(exc.retry_after) + 1)) from exc
    except users.SignInRefused as exc:
        raise LoginRefused() from exc
    async with db.write() as conn:
        validated = await session_rows.validate_request_token(
            conn, token_hash=token_hash, app_id=app.id, account_id=account.id, now=now
        )
    if not validated:
        raise InvalidRequestToken()
    return float(row.expires_at)


async def create_session(conn: Conn, *, app: App, request_token: str | None, now: float) -> str:
    """Trade a validated request token of `app` for a session id, once.

    A token that exists, is unexpired and belongs to `app` but was never validated -> 17;
    anything else unusable (unknown, expired, already used, another app's) -> 33.
    """
    if not request_token or len(request_token) > MAX_SECRET_LENGTH:
        raise InvalidRequestToken()
    token_hash = digest(request_token)
    session_id = new_session_id()
    account_id = await session_rows.claim_validated_token(conn, token_hash=token_hash, app_id=app.id, now=now)
    if account_id is not None:
        await session_rows.insert_session(
            conn,
            session_hash=digest(session_id),
            account_id=account_id,
            app_id=app.id,
            access_jti=None,
            now=now,
        )
        return session_id
    row = await session_rows.request_token(conn, token_hash)
    if row is not None and row.app_id == app.id and row.state == "new" and row.expires_at > now:
        raise SessionDenied()
    raise InvalidRequestToken()


async def delete_session(conn: Conn, *, app: App, session_id: str | None, now: float) -> None:
    """End a live session of `app`; SessionNotFound (404/37) if there is none."""
    if not session_id or len(session_id) > MAX_SECRET_LENGTH:
        raise SessionNotFound()
    if not await session_rows.revoke_session(conn, session_hash=digest(session_id), app_id=app.id, now=now):
        raise SessionNotFound()


async def account_of_session(conn: Conn, *, app: App, session_id: str | None, now: float) -> users.Account:
    """The account of a live session of `app`; AuthenticationFailed (401/3) otherwise."""
    if not session_id or len(session_id) > MAX_SECRET_LENGTH:
        raise AuthenticationFailed(detail="A valid session_id is required.")
    found = await session_rows.live_session(conn, session_hash=digest(session_id), now=now)
    if found is None or found[1] != app.id:
        raise AuthenticationFailed(detail="A valid session_id is required.")
    return users.Account.from_row(found[0])


async def session_still_live(conn: Conn, *, session_hash: str, app: App, now: float) -> None:
    """Inside a transaction: the session checked at authentication is still live; 401 / 3 if not."""
    found = await session_rows.live_session(conn, session_hash=session_hash, now=now)
    if found is None or found[1] != app.id:
        raise AuthenticationFailed(detail="A valid session_id is required.")
