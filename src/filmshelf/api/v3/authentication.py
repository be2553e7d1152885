"""AUTHENTICATION (v3): sessions converted from v4 tokens, the classic request-token flow, logout."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import JSONBody

from filmshelf.api.guards import app_caller, services_of, write_for
from filmshelf.api.v3.structs import (
    ConvertRefusedBody,
    ConvertSessionBody,
    SessionCreated,
    SessionDeleteBody,
    SessionNewBody,
    SuccessBody,
    V3RequestToken,
    ValidateWithLoginBody,
)
from filmshelf.auth import sessions
from filmshelf.wire import utc_text

NO_STORE = {"Cache-Control": "no-store"}
AnyRequest = Request[Any, Any, Any]


class V3AuthenticationController(Controller):
    """Session and request-token calls under /3/authentication."""

    path = "/3/authentication"
    tags = ["AUTHENTICATION (v3)"]

    @post(
        "/session/convert/4",
        status_code=200,
        response_headers=NO_STORE,
        operation_id="createSessionFromV4Token",
    )
    async def convert_session(
        self, request: AnyRequest, data: JSONBody[ConvertSessionBody]
    ) -> SessionCreated | Response[ConvertRefusedBody]:
        """Turn a v4 user access token (of the calling app) into a v3 session_id."""
        services = services_of(request)
        caller = await app_caller(request)
        try:
            async with write_for(request, caller) as conn:
                session_id = await sessions.convert(
                    conn, access_token=data.access_token, app=caller.app, keys=services.keys, now=services.clock.now()
                )
        except sessions.ConvertRefused as exc:
            body = ConvertRefusedBody(
                success=False, failure=True, status_code=exc.code, status_message=exc.status.message
            )
            return Response(body, status_code=exc.http_status)
        return SessionCreated(success=True, session_id=session_id)

    @get("/token/new", status_code=200, response_headers=NO_STORE, operation_id="createV3RequestToken")
    async def new_request_token(self, request: AnyRequest) -> V3RequestToken:
        """A v3 request token of the calling app, valid 60 minutes."""
        services = services_of(request)
        caller = await app_caller(request)
        async with write_for(request, caller) as conn:
            token, expires_at = await sessions.new_request_token(conn, app=caller.app, now=services.clock.now())
        return V3RequestToken(success=True, expires_at=utc_text(expires_at), request_token=token)

    @post(
        "/token/validate_with_login",
        status_code=200,
        response_headers=NO_STORE,
        operation_id="validateWithLogin",
    )
    async def validate_with_login(self, request: AnyRequest, data: JSONBody[ValidateWithLoginBody]) -> V3RequestToken:
        """Validate a request token with the user's username and password."""
        services = services_of(request)
        caller = await app_caller(request)
        # Several short transactions around a password hash: see sessions.validate_with_login.
        expires_at = await sessions.validate_with_login(
            services.db,
            app=caller.app,
            request_token=data.request_token,
            username=data.username,
            password=data.password,
            client_ip=request.client.host if request.client else None,
            now=services.clock.now(),
        )
        assert data.request_token is not None  # validate_with_login refused it otherwise
        return V3RequestToken(success=True, expires_at=utc_text(expires_at), request_token=data.request_token)

    @post("/session/new", status_code=200, response_headers=NO_STORE, operation_id="createV3Session")
    async def new_session(self, request: AnyRequest, data: JSONBody[SessionNewBody]) -> SessionCreated:
        """Trade a validated request token for a session_id."""
        services = services_of(request)
        caller = await app_caller(request)
        async with write_for(request, caller) as conn:
            session_id = await sessions.create_session(
                conn, app=caller.app, request_token=data.request_token, now=services.clock.now()
            )
        return SessionCreated(success=True, session_id=session_id)

    @delete("/session", status_code=200, operation_id="deleteV3Session")
    async def delete_session(self, request: AnyRequest, data: JSONBody[SessionDeleteBody]) -> SuccessBody:
        """End a session of the calling app."""
        services = services_of(request)
        caller = await app_caller(request)
        async with write_for(request, caller) as conn:
            await sessions.delete_session(conn, app=caller.app, session_id=data.session_id, now=services.clock.now())
        return SuccessBody(success=True)
