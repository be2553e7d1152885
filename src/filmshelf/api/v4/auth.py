"""AUTH (v4): request tokens, access tokens, logout."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, post
from litestar.params import Body, JSONBody

from filmshelf.api.envelope import StatusBody, status_body
from filmshelf.api.guards import app_caller, services_of, write_for
from filmshelf.api.public_api import NO_STORE_HEADERS
from filmshelf.api.v4.structs import (
    AccessTokenBody,
    AccessTokenResponse,
    LogoutBody,
    RequestTokenBody,
    RequestTokenResponse,
)
from filmshelf.auth import access_tokens, request_tokens
from filmshelf.auth.redirects import RedirectRefused, validate_redirect_to
from filmshelf.errors import SUCCESS, InvalidParameters, InvalidToken


class AuthController(Controller):
    """POST/DELETE under /4/auth."""

    path = "/4/auth"
    tags = ["AUTH"]

    @post("/request_token", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="createARequestToken")
    async def create_request_token(
        self, request: Request[Any, Any, Any], data: Annotated[RequestTokenBody | None, Body()] = None
    ) -> RequestTokenResponse:
        """Create a request token for the calling app; the body and its redirect_to are optional."""
        services = services_of(request)
        caller = await app_caller(request)
        redirect_to = data.redirect_to if data is not None else None
        if redirect_to is not None:
            try:
                validate_redirect_to(redirect_to)
            except RedirectRefused as exc:
                raise InvalidParameters(detail=str(exc)) from exc
        token = request_tokens.issue(caller.app, services.keys, now=services.clock.now(), redirect_to=redirect_to)
        return RequestTokenResponse(
            status_message=SUCCESS.message, request_token=token, success=True, status_code=SUCCESS.code
        )

    @post("/access_token", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="createAccessToken")
    async def create_access_token(
        self, request: Request[Any, Any, Any], data: JSONBody[AccessTokenBody]
    ) -> AccessTokenResponse:
        """Exchange an approved request token of the calling app for a user access token."""
        services = services_of(request)
        caller = await app_caller(request)
        now = services.clock.now()
        pending = request_tokens.read(data.request_token, services.keys, now=now, api_key=caller.app.api_key)
        async with write_for(request, caller) as conn:
            result = await request_tokens.exchange(conn, pending, caller.app, services.keys, now=now)
        if isinstance(result, request_tokens.ExchangeRefused):
            request_tokens.raise_refusal(result)
        return AccessTokenResponse(
            account_id=result.account_object_id,
            access_token=result.access_token,
            success=True,
            status_message=SUCCESS.message,
            status_code=SUCCESS.code,
        )

    @delete("/access_token", status_code=200, operation_id="logout")
    async def delete_access_token(self, request: Request[Any, Any, Any], data: JSONBody[LogoutBody]) -> StatusBody:
        """Revoke a user access token of the calling app (idempotent)."""
        services = services_of(request)
        caller = await app_caller(request, accept_dead_user_token=True)
        async with write_for(request, caller) as conn:
            revoked = await access_tokens.revoke(
                conn, data.access_token, services.keys, app=caller.app, now=services.clock.now()
            )
        if not revoked:
            raise InvalidToken()
        return status_body(SUCCESS)
