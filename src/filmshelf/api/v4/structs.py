"""Wire shapes of the v4 API, named after TMDB's payloads (encoding, decoding and OpenAPI in one)."""

from __future__ import annotations

import msgspec


class RequestTokenBody(msgspec.Struct, kw_only=True):
    """Body of POST /4/auth/request_token (optional)."""

    redirect_to: str | None = None


class RequestTokenResponse(msgspec.Struct, kw_only=True):
    """Answer of POST /4/auth/request_token."""

    status_message: str
    request_token: str
    success: bool
    status_code: int


class AccessTokenBody(msgspec.Struct, kw_only=True):
    """Body of POST /4/auth/access_token."""

    request_token: str


class AccessTokenResponse(msgspec.Struct, kw_only=True):
    """Answer of POST /4/auth/access_token."""

    account_id: str
    access_token: str
    success: bool
    status_message: str
    status_code: int


class LogoutBody(msgspec.Struct, kw_only=True):
    """Body of DELETE /4/auth/access_token."""

    access_token: str
