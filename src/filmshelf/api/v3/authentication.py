"""AUTHENTICATION (v3): key check, sessions converted from v4 tokens, the classic request-token flow,
guest sessions, logout.

`token/validate_with_login` and `session/new` answer GET (fields in the query, TMDB's older spec,
still sent by several clients) as well as POST (fields in the JSON or form body, else the query).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import JSONBody

from filmshelf.api.envelope import StatusBody, status_body
from filmshelf.api.guards import app_caller, services_of, write_for
from filmshelf.api.public_api import NO_STORE_HEADERS
from filmshelf.api.v3.structs import (
    ConvertRefusedBody,
    ConvertSessionBody,
    GuestSessionCreated,
    SessionCreated,
    SessionDeleteBody,
    SessionNewBody,
    SuccessBody,
    V3RequestToken,
    ValidateWithLoginBody,
)
from filmshelf.auth import guest_sessions, sessions
from filmshelf.errors import SUCCESS
from filmshelf.wire import utc_text

AnyRequest = Request[Any, Any, Any]


class V3AuthenticationController(Controller):
    """Session and request-token calls under /3/authentication."""

    path = "/3/authentication"
    tags = ["AUTHENTICATION (v3)"]

    @get("", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="authenticationValidateKey")
    async def validate_key(self, request: AnyRequest) -> StatusBody:
        """Is the caller's API key, read access token or user access token valid? (401 / 7 if not)"""
        await app_caller(request)
        return status_body(SUCCESS)

    @get("/guest_session/new", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="createGuestSession")
    async def new_guest_session(self, request: AnyRequest) -> GuestSessionCreated:
        """A guest session of the calling app: it may rate titles; unused, it expires after 60 minutes."""
        services = services_of(request)
        caller = await app_caller(request)
        async with write_for(request, caller) as conn:
            guest_id, expires_at = await guest_sessions.create(conn, app=caller.app, now=services.clock.now())
        return GuestSessionCreated(success=True, guest_session_id=guest_id, expires_at=utc_text(expires_at))

    @post(
        "/session/convert/4",
        status_code=200,
        response_headers=NO_STORE_HEADERS,
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

    @get("/token/new", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="createV3RequestToken")
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
        response_headers=NO_STORE_HEADERS,
        operation_id="validateWithLogin",
    )
    async def validate_with_login(
        self, request: AnyRequest, data: JSONBody[ValidateWithLoginBody | None] = None
    ) -> V3RequestToken:
        """Validate a request token with the user's username and password."""
        body = data or ValidateWithLoginBody()
        return await _validate_with_login(
            request,
            request_token=body.request_token or _query(request, "request_token"),
            username=body.username or _query(request, "username"),
            password=body.password or _query(request, "password"),
        )

    # The GET forms repeat the POST ones: left out of the OpenAPI document (which documents POST).
    @get(
        "/token/validate_with_login",
        status_code=200,
        response_headers=NO_STORE_HEADERS,
        operation_id="validateWithLoginGet",
        include_in_schema=False,
    )
    async def validate_with_login_get(self, request: AnyRequest) -> V3RequestToken:
        """The same as POST, with the fields in the query (TMDB's older spec)."""
        return await _validate_with_login(
            request,
            request_token=_query(request, "request_token"),
            username=_query(request, "username"),
            password=_query(request, "password"),
        )

    @post("/session/new", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="createV3Session")
    async def new_session(self, request: AnyRequest, data: JSONBody[SessionNewBody | None] = None) -> SessionCreated:
        """Trade a validated request token for a session_id."""
        token = data.request_token if data is not None and data.request_token else None
        return await _new_session(request, token or _query(request, "request_token"))

    @get(
        "/session/new",
        status_code=200,
        response_headers=NO_STORE_HEADERS,
        operation_id="createV3SessionGet",
        include_in_schema=False,
    )
    async def new_session_get(self, request: AnyRequest) -> SessionCreated:
        """The same as POST, with `request_token` in the query (TMDB's older spec)."""
        return await _new_session(request, _query(request, "request_token"))

    @delete("/session", status_code=200, operation_id="deleteV3Session")
    async def delete_session(self, request: AnyRequest, data: JSONBody[SessionDeleteBody | None] = None) -> SuccessBody:
        """End a session of the calling app (`session_id` in the body, else the query)."""
        services = services_of(request)
        caller = await app_caller(request)
        session_id = data.session_id if data is not None and data.session_id else _query(request, "session_id")
        async with write_for(request, caller) as conn:
            await sessions.delete_session(conn, app=caller.app, session_id=session_id, now=services.clock.now())
        return SuccessBody(success=True)


def _query(request: AnyRequest, name: str) -> str | None:
    value: str | None = request.query_params.get(name)
    return value or None


async def _validate_with_login(
    request: AnyRequest, *, request_token: str | None, username: str | None, password: str | None
) -> V3RequestToken:
    services = services_of(request)
    caller = await app_caller(request)
    # Several short transactions around a password hash: see sessions.validate_with_login.
    expires_at = await sessions.validate_with_login(
        services.db,
        hasher=services.hasher,
        app=caller.app,
        request_token=request_token,
        username=username,
        password=password,
        client_ip=request.client.host if request.client else None,
        now=services.clock.now(),
    )
    assert request_token is not None  # validate_with_login refused it otherwise
    return V3RequestToken(success=True, expires_at=utc_text(expires_at), request_token=request_token)


async def _new_session(request: AnyRequest, request_token: str | None) -> SessionCreated:
    services = services_of(request)
    caller = await app_caller(request)
    async with write_for(request, caller) as conn:
        session_id = await sessions.create_session(
            conn, app=caller.app, request_token=request_token, now=services.clock.now()
        )
    return SessionCreated(success=True, session_id=session_id)
