"""Render every error as TMDB's JSON envelope, whatever raised it.

`{"success": false, "status_code": N, "status_message": "..."}` with the HTTP status TMDB pairs
with N (from `errors.STATUS`). Framework errors (unknown path, wrong method, bad JSON, oversized
body) are mapped onto TMDB codes here; anything unexpected becomes code 11 without a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from filmshelf.errors import STATUS, FilmshelfError, Status

log = logging.getLogger("filmshelf.errors")


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """TMDB's error envelope; `error_message` is TMDB's optional detail field."""

    success: bool
    status_code: int
    status_message: str
    error_message: str | None = None


class StatusBody(msgspec.Struct):
    """TMDB's success envelope for writes that return nothing else."""

    success: bool
    status_code: int
    status_message: str


def status_body(status: Status) -> StatusBody:
    """A success envelope for `status` (codes 1, 12, 13, 40)."""
    return StatusBody(success=True, status_code=status.code, status_message=status.message)


_encoder = msgspec.json.Encoder()


def error_response(
    code: int, *, http_status: int | None = None, detail: str | None = None, headers: dict[str, str] | None = None
) -> Response[bytes]:
    """A TMDB error response for `code`."""
    status = STATUS[code]
    body = ErrorBody(success=False, status_code=code, status_message=status.message, error_message=detail)
    return Response(
        _encoder.encode(body),
        status_code=http_status or status.http_status,
        media_type="application/json",
        headers=headers,
    )


def filmshelf_error_handler(_: Request[Any, Any, Any], exc: FilmshelfError) -> Response[bytes]:
    """Render a FilmshelfError."""
    headers = {"Retry-After": exc.detail} if exc.code == 25 and exc.detail else None
    detail = None if exc.code == 25 else exc.detail
    return error_response(exc.code, http_status=exc.http_status, detail=detail, headers=headers)


# Framework HTTP statuses onto TMDB codes. 413 keeps its HTTP status: TMDB has no row for it.
_HTTP_TO_CODE = {400: 47, 401: 7, 403: 3, 404: 34, 405: 42, 406: 19, 413: 47, 415: 47, 429: 25, 503: 9}


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    """Render Litestar's own HTTP errors (routing, validation, body size) as TMDB errors."""
    if isinstance(exc, ValidationException):
        return error_response(47, http_status=400, detail=_validation_detail(exc))
    if isinstance(exc, NotAuthorizedException):
        return error_response(7)
    code = _HTTP_TO_CODE.get(exc.status_code)
    if code is None:
        if exc.status_code >= 500:
            return error_response(11)
        return error_response(47, http_status=exc.status_code, detail=str(exc.detail or "")[:200] or None)
    return error_response(code, http_status=exc.status_code, headers=exc.headers or None)


def _validation_detail(exc: ValidationException) -> str:
    extra = exc.extra
    if isinstance(extra, list) and extra:
        first = extra[0]
        if isinstance(first, dict):
            key = first.get("key")
            message = first.get("message", "invalid value")
            return f"{key}: {message}" if key else str(message)
    return str(exc.detail or "invalid request")


def recursion_error_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[bytes]:
    """JSON nested deeper than the decoder recurses: a bad body (400/47), not a server fault.

    msgspec (under Litestar's body decoding and `request.json()`) raises RecursionError with
    "while deserializing" for nesting around the interpreter's recursion limit; Litestar only maps
    `msgspec.DecodeError`. Any other RecursionError is a bug and stays a 500.
    """
    if "deserializ" in str(exc):
        return error_response(47, http_status=400, detail="JSON nested too deeply")
    return internal_error_handler(request, exc)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Anything unexpected: log it server-side, answer TMDB code 11 without details."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(11, http_status=HTTP_500_INTERNAL_SERVER_ERROR)
