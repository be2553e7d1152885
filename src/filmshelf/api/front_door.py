"""The outermost ASGI layer: the per-client-IP rate limit, then refusal of non-canonical paths
and of NUL in query strings, all before any routing or parsing work is spent on a request."""

from __future__ import annotations

from typing import Any

import msgspec

from filmshelf.api.envelope import ErrorBody
from filmshelf.errors import STATUS
from filmshelf.services import Services

_BODY = msgspec.json.encode(ErrorBody(success=False, status_code=25, status_message=STATUS[25].message))
_NUL_BODY = msgspec.json.encode(
    ErrorBody(
        success=False,
        status_code=47,
        status_message=STATUS[47].message,
        error_message="query parameters must not contain NUL characters",
    )
)
_NOT_FOUND_BODY = msgspec.json.encode(ErrorBody(success=False, status_code=34, status_message=STATUS[34].message))


async def _send_json(send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})


def is_canonical(path: str, raw_path: bytes | None) -> bool:
    """True when `path` names a resource in exactly one way.

    Refused: empty segments (`//3/movie/550`, `/3//movie`), dot segments (`/3/./movie`,
    `/3/x/../movie`, also percent-encoded), and encoded slashes or backslashes in the raw target
    (`/%2F3/movie/550`), which routers and proxies disagree about. A trailing slash is allowed.
    """
    if not path.startswith("/") or "//" in path or "\\" in path:
        return False
    if raw_path is not None:
        lowered = raw_path.lower()
        if b"%2f" in lowered or b"%5c" in lowered:
            return False
    if "." not in path:
        return True
    segments = path.split("/")
    return "." not in segments and ".." not in segments


class FrontDoor:
    """ASGI wrapper in front of routing.

    1. 429 (code 25, Retry-After) when the client IP is over its limit: every HTTP request
       spends from the bucket, whatever its path, so no spelling of a path escapes the limit.
    2. 404 (code 34) for a non-canonical path (see `is_canonical`): refused, not normalised and
       never redirected (API clients do not follow redirects).
    3. 400 (code 47) for NUL in a query string.
    """

    def __init__(self, app: Any, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limiter = self.services.limiter
        if limiter is not None:
            client = scope.get("client")
            decision = await limiter.check(f"ip:{client[0] if client else '-'}", self.services.clock.now())
            if not decision.allowed:
                await _send_json(send, 429, _BODY, [(b"retry-after", str(decision.retry_after).encode())])
                return
        if not is_canonical(scope["path"], scope.get("raw_path")):
            await _send_json(send, 404, _NOT_FOUND_BODY)
            return
        # A NUL in a query value can reach no valid lookup, and PostgreSQL refuses it in text.
        if b"%00" in scope.get("query_string", b""):
            await _send_json(send, 400, _NUL_BODY)
            return
        await self.app(scope, receive, send)
