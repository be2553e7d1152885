"""Who is calling, and the one way from a request to the database.

Every route does the same three steps, in this order:

1. authenticate and rate-limit (`app_caller`, `user_caller`, `session_caller`): each opens its
   own short read, closes it, and only then awaits the rate limiter (which may wait on Redis);
2. open the transaction with `write_for(request, caller)` (or `services.db.read()` for reads),
   which re-checks inside the transaction that the caller's token, session or app is still live,
   so a logout that lands between step 1 and step 2 changes nothing;
3. call domain functions with that connection, awaiting nothing but SQL while it is open.

On SQLite a write transaction holds the database's single write lock: anything else awaited
inside it (Redis, a password hash) lets another request start a writer that blocks the event
loop on that lock. Failures map to TMDB's codes: 7 when no valid app credential is given, 36
when a write is attempted without a user token that has the write scope (with TMDB's
`error_message` texts), 35 when a user token of ours is revoked or expired, 3 when a v3 call has
no live session.

Where credentials are read (docs/wire-decisions.md, "Leniency"): the Bearer token from the
Authorization header; `api_key`, `session_id` and `guest_session_id` from the query string, else
from the request body (a JSON object; `api.public_api` turns a form body into one), so clients
that put them in the body of a POST or DELETE are served like the rest. On v3 account, rating,
account_states and list routes the acting account is the session's; without a `session_id`, a
v4 user access token as Bearer names its user.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request

from filmshelf.accounts import users
from filmshelf.accounts.users import Account
from filmshelf.auth import guest_sessions, sessions
from filmshelf.auth.access_tokens import UserPrincipal, still_live, verify_access_token
from filmshelf.auth.apps import App, app_by_api_key, app_from_read_token
from filmshelf.auth.tokens import TokenError, TokenKind, peek_claims, verify
from filmshelf.errors import InvalidApiKey, InvalidToken, NoWritePermission, RateLimited
from filmshelf.services import Services
from filmshelf.storage.engine import Conn

MAX_AUTHORIZATION = 8192
# Where `app_caller` leaves the authenticated caller in the ASGI scope, so that a wrapper around
# the routes (api/upstream.py) can tell that the caller was already checked (and rate-limited).
CALLER_SCOPE_KEY = "filmshelf.caller"
# Non-text credential values from a body are cut to this (ids are 32-40 hex, keys 32 hex).
MAX_PARAM = 256

AnyRequest = Request[Any, Any, Any]
_BODY_PARAMS = "filmshelf.body_params"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def services_of(request: AnyRequest) -> Services:
    """The Services object of the app handling `request`."""
    services: Services = request.app.state.services
    return services


def bearer_token(request: AnyRequest) -> str | None:
    """The Bearer token of the Authorization header, or None."""
    header = request.headers.get("authorization")
    if not header:
        return None
    if len(header) > MAX_AUTHORIZATION:
        raise InvalidApiKey(detail="Authorization header too large")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def body_params(request: AnyRequest) -> dict[str, Any]:
    """The request body as a JSON object (read once per request); {} when there is none or it is
    not a JSON object. Route fields are still decoded by each route; this serves credentials."""
    cached: Any = request.scope.get(_BODY_PARAMS)
    if isinstance(cached, dict):
        return cached
    found: dict[str, Any] = {}
    if request.method in _BODY_METHODS:
        raw = await request.body()
        if raw[:1] == b"{":
            try:
                decoded = msgspec.json.decode(raw)
            except (msgspec.DecodeError, RecursionError):
                decoded = None
            if isinstance(decoded, dict):
                found = decoded
    request.scope[_BODY_PARAMS] = found  # type: ignore[literal-required]
    return found


async def request_param(request: AnyRequest, name: str) -> str | None:
    """A parameter from the query string, else from the body; None when absent or empty.

    A value that is given is returned as text whatever it is (a JSON number, an over-long string),
    so that the credential check refuses it rather than treating it as absent.
    """
    value: Any = request.query_params.get(name)
    if not value:
        value = (await body_params(request)).get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)[: MAX_PARAM + 1]


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated caller: always an app; a user when a user access token was used; an
    account (and its session digest when a v3 session was given); or a guest session digest."""

    app: App
    user: UserPrincipal | None = None
    account: Account | None = None
    session_hash: str | None = None
    guest_hash: str | None = None
    # True when the app proved itself with its API read access token (whose `sub` is the owner).
    by_read_token: bool = False

    @property
    def account_id(self) -> int:
        """The account acting (callers from `user_caller` and `session_caller` always have one)."""
        if self.account is not None:
            return self.account.id
        assert self.user is not None, "an app-only caller has no account"
        return self.user.account_id


async def _limit(services: Services, app: App) -> None:
    """Spend one token of the app's per-API-key bucket; RateLimited (429, code 25) when empty.

    Runs after authentication so that nobody can drain another app's bucket with forged tokens,
    and outside any transaction (it may wait on Redis).
    """
    if services.limiter is None:
        return
    decision = await services.limiter.check(f"key:{app.api_key}", services.clock.now())
    if not decision.allowed:
        raise RateLimited(detail=str(decision.retry_after))


def _is_user_token(token: str) -> bool:
    try:
        scopes = peek_claims(token).get("scopes")
    except TokenError:
        return False
    return isinstance(scopes, list) and "api_write" in scopes


async def _user_from_token(conn: Conn, services: Services, token: str) -> UserPrincipal:
    try:
        return await verify_access_token(conn, token, services.keys, now=services.clock.now())
    except TokenError as exc:
        raise InvalidToken(detail=exc.reason) from exc


async def _identify_app(
    request: AnyRequest, conn: Conn, *, accept_dead_user_token: bool, api_key: str | None
) -> Caller:
    services = services_of(request)
    token = bearer_token(request)
    if token is not None:
        # Nearly every call carries a read token verified moments ago: look it up first.
        if (known := services.app_tokens.get(token)) is not None:
            return Caller(app=known, by_read_token=True)
        if _is_user_token(token):
            if accept_dead_user_token:
                return Caller(app=await _app_of_user_token(conn, services, token))
            user = await _user_from_token(conn, services, token)
            if user.app is None:
                raise InvalidToken()
            return Caller(app=user.app, user=user)
        try:
            app = await app_from_read_token(
                conn, token, services.keys, now=services.clock.now(), cache=services.app_tokens
            )
        except TokenError as exc:
            raise InvalidApiKey() from exc
        return Caller(app=app, by_read_token=True)
    if api_key:
        key_app = await app_by_api_key(conn, api_key) if len(api_key) <= 64 else None
        if key_app is not None:
            return Caller(app=key_app)
    raise InvalidApiKey()


async def _api_key(request: AnyRequest) -> str | None:
    """The `api_key` parameter, looked for only when no Bearer token is given."""
    return None if bearer_token(request) is not None else await request_param(request, "api_key")


async def app_caller(request: AnyRequest, *, accept_dead_user_token: bool = False) -> Caller:
    """Authenticate the calling app (Bearer read token, Bearer user token, or `api_key` query).

    `accept_dead_user_token` lets logout be repeated with the (now revoked) user token as Bearer:
    the token's signature still proves which app it belongs to.
    """
    services = services_of(request)
    api_key = await _api_key(request)
    async with services.db.read() as conn:
        caller = await _identify_app(request, conn, accept_dead_user_token=accept_dead_user_token, api_key=api_key)
    await _limit(services, caller.app)
    request.scope[CALLER_SCOPE_KEY] = caller  # type: ignore[literal-required]
    return caller


async def _app_of_user_token(conn: Conn, services: Services, token: str) -> App:
    try:
        claims = verify(token, services.keys, TokenKind.ACCESS, now=services.clock.now(), check_times=False)
    except TokenError as exc:
        raise InvalidToken(detail=exc.reason) from exc
    app = await app_by_api_key(conn, str(claims.get("aud")))
    if app is None:
        raise InvalidToken()
    return app


async def user_caller(request: AnyRequest, *, write: bool) -> Caller:
    """Authenticate a user access token; with `write`, require the api_write scope."""
    services = services_of(request)
    token = bearer_token(request)
    if token is None:
        if write:
            raise NoWritePermission(detail="No matching scope found.")
        raise InvalidApiKey()
    try:
        scopes = peek_claims(token).get("scopes")
    except TokenError as exc:
        raise NoWritePermission(detail=exc.reason) from exc
    if not isinstance(scopes, list) or "api_write" not in scopes:
        # A valid app read token (or any other token) acting as a user.
        raise NoWritePermission(detail="No matching scope found.")
    async with services.db.read() as conn:
        user = await _user_from_token(conn, services, token)
        if write and not user.can_write:
            raise NoWritePermission(detail="No matching scope found.")
    app = user.app
    if app is None:
        raise InvalidToken()
    await _limit(services, app)
    return Caller(app=app, user=user)


async def session_caller(request: AnyRequest, *, guest: bool = False, app_owner: bool = False) -> Caller:
    """Authenticate the app, then who acts for a v3 account call; 401 / code 3 when nobody does.

    In this order: the `session_id` of a live session of that app; with `guest`, the
    `guest_session_id` of a live guest session of that app (rating routes); a v4 user access
    token as Bearer (its user); with `app_owner`, the app's read access token as Bearer (the
    app's owner: `GET /3/account` only, docs/wire-decisions.md). A `session_id` or
    `guest_session_id` that is given but not live is refused, never passed over for another
    credential.
    """
    services = services_of(request)
    api_key = await _api_key(request)
    session_id = await request_param(request, "session_id")
    guest_id = await request_param(request, "guest_session_id") if guest and session_id is None else None
    now = services.clock.now()
    caller: Caller
    async with services.db.read() as conn:
        app_only = await _identify_app(request, conn, accept_dead_user_token=False, api_key=api_key)
        app = app_only.app
        if session_id is not None or (guest_id is None and app_only.user is None and not app_owner):
            account = await sessions.account_of_session(conn, app=app, session_id=session_id, now=now)
            assert session_id is not None  # account_of_session refused it otherwise
            caller = Caller(app=app, user=app_only.user, account=account, session_hash=sessions.digest(session_id))
        elif guest_id is not None:
            guest_hash = await guest_sessions.live_hash(conn, app=app, guest_session_id=guest_id, now=now)
            caller = Caller(app=app, guest_hash=guest_hash)
        elif app_only.user is not None:
            user_account = await users.find_by_id(conn, app_only.user.account_id)
            if user_account is None:
                raise InvalidToken()
            caller = Caller(app=app, user=app_only.user, account=user_account)
        elif app_only.by_read_token:
            owner = await users.find_by_id(conn, app.owner_id)
            if owner is None:
                raise InvalidApiKey()
            caller = Caller(app=app, account=owner, by_read_token=True)
        else:
            raise sessions.AuthenticationFailed(detail="A valid session_id is required.")
    await _limit(services, app)
    return caller


async def _recheck(conn: Conn, caller: Caller, now: float) -> None:
    """Inside the transaction: is what authenticated the caller still live?"""
    if caller.session_hash is not None:
        await sessions.session_still_live(conn, session_hash=caller.session_hash, app=caller.app, now=now)
    elif caller.guest_hash is not None:
        await guest_sessions.still_live(conn, session_hash=caller.guest_hash, app=caller.app, now=now)
    elif caller.user is not None:
        if not await still_live(conn, caller.user):
            raise InvalidToken()
    elif await app_by_api_key(conn, caller.app.api_key) is None:
        raise InvalidApiKey()


@asynccontextmanager
async def write_for(request: AnyRequest, caller: Caller) -> AsyncIterator[Conn]:
    """One write transaction for an authenticated caller, re-checked inside it (see the module doc)."""
    async with transaction_for(services_of(request), caller) as conn:
        yield conn


@asynccontextmanager
async def transaction_for(services: Services, caller: Caller) -> AsyncIterator[Conn]:
    """`write_for` without the request (pages and tests hold the services directly)."""
    async with services.db.write() as conn:
        await _recheck(conn, caller, services.clock.now())
        yield conn
