"""The outermost ASGI layer: refuse NUL in query strings, then the per-client-IP rate limit."""

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


async def _send_json(send: Any, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})


class FrontDoor:
    """ASGI wrapper: 400/47 for NUL in a query string; 429 (code 25, Retry-After) over the IP limit."""

    def __init__(self, app: Any, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A NUL in a query value can reach no valid lookup, and PostgreSQL refuses it in text.
        if b"%00" in scope.get("query_string", b""):
            await _send_json(send, 400, _NUL_BODY)
            return
        limiter = self.services.limiter
        if limiter is None or not scope["path"].startswith(("/3/", "/4/")):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        decision = await limiter.check(f"ip:{client[0] if client else '-'}", self.services.clock.now())
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        await _send_json(send, 429, _BODY, [(b"retry-after", str(decision.retry_after).encode())])
