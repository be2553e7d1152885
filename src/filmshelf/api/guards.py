"""Who is calling: an app (read token, user token or `api_key`) or a user (access token).

Plain functions called at the top of handlers. Failures map to TMDB's codes: 7 when no valid app
credential is given, 36 when a write is attempted without a user token that has the write scope
(with TMDB's `error_message` texts), 35 when a user token of ours is revoked or expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request

from filmshelf.auth.access_tokens import UserPrincipal, verify_access_token
from filmshelf.auth.apps import App, app_by_api_key, app_from_read_token
from filmshelf.auth.tokens import TokenError, TokenKind, peek_claims, verify
from filmshelf.errors import InvalidApiKey, InvalidToken, NoWritePermission, RateLimited
from filmshelf.services import Services
from filmshelf.storage.engine import Conn

MAX_AUTHORIZATION = 8192
# Where `app_caller` leaves the authenticated caller in the ASGI scope, so that a wrapper around
# the routes (api/upstream.py) can tell that the caller was already checked (and rate-limited).
CALLER_SCOPE_KEY = "filmshelf.caller"


def services_of(request: Request[Any, Any, Any]) -> Services:
    """The Services object of the app handling `request`."""
    services: Services = request.app.state.services
    return services


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
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


async def limit_app(services: Services, app: App) -> None:
    """Spend one token of the app's per-API-key bucket; RateLimited (429, code 25) when empty.

    Runs after authentication so that nobody can drain another app's bucket with forged tokens.
    """
    if services.limiter is None:
        return
    decision = await services.limiter.check(f"key:{app.api_key}", services.clock.now())
    if not decision.allowed:
        raise RateLimited(detail=str(decision.retry_after))


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated caller: always an app, and a user when a user access token was used."""

    app: App
    user: UserPrincipal | None = None


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


async def app_caller(request: Request[Any, Any, Any], conn: Conn, *, accept_dead_user_token: bool = False) -> Caller:
    """Authenticate the calling app (Bearer read token, Bearer user token, or `api_key` query).

    `accept_dead_user_token` lets logout be repeated with the (now revoked) user token as Bearer:
    the token's signature still proves which app it belongs to.
    """
    caller = await _app_caller(request, conn, accept_dead_user_token=accept_dead_user_token)
    request.scope[CALLER_SCOPE_KEY] = caller  # type: ignore[literal-required]
    return caller


async def _app_caller(request: Request[Any, Any, Any], conn: Conn, *, accept_dead_user_token: bool) -> Caller:
    services = services_of(request)
    token = bearer_token(request)
    if token is not None:
        if _is_user_token(token):
            if accept_dead_user_token:
                dead_token_app = await _app_of_user_token(conn, services, token)
                await limit_app(services, dead_token_app)
                return Caller(app=dead_token_app)
            user = await _user_from_token(conn, services, token)
            user_app = await app_by_api_key(conn, user.api_key)
            if user_app is None:
                raise InvalidToken()
            await limit_app(services, user_app)
            return Caller(app=user_app, user=user)
        try:
            app = await app_from_read_token(
                conn, token, services.keys, now=services.clock.now(), cache=services.app_tokens
            )
        except TokenError as exc:
            raise InvalidApiKey() from exc
        await limit_app(services, app)
        return Caller(app=app)
    api_key = request.query_params.get("api_key")
    if api_key:
        key_app = await app_by_api_key(conn, api_key) if len(api_key) <= 64 else None
        if key_app is not None:
            await limit_app(services, key_app)
            return Caller(app=key_app)
    raise InvalidApiKey()


async def _app_of_user_token(conn: Conn, services: Services, token: str) -> App:
    try:
        claims = verify(token, services.keys, TokenKind.ACCESS, now=services.clock.now(), check_times=False)
    except TokenError as exc:
        raise InvalidToken(detail=exc.reason) from exc
    app = await app_by_api_key(conn, str(claims.get("aud")))
    if app is None:
        raise InvalidToken()
    return app


async def user_caller(request: Request[Any, Any, Any], conn: Conn, *, write: bool) -> Caller:
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
    user = await _user_from_token(conn, services, token)
    if write and not user.can_write:
        raise NoWritePermission(detail="No matching scope found.")
    app = await app_by_api_key(conn, user.api_key)
    if app is None:
        raise InvalidToken()
    await limit_app(services, app)
    return Caller(app=app, user=user)
