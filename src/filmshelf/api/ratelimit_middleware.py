"""Per-client-IP rate limit for the API paths, before any other work is done."""

from __future__ import annotations

from typing import Any

import msgspec

from filmshelf.api.envelope import ErrorBody
from filmshelf.errors import STATUS
from filmshelf.services import Services

_BODY = msgspec.json.encode(ErrorBody(success=False, status_code=25, status_message=STATUS[25].message))


class IpRateLimit:
    """ASGI middleware: 429 with TMDB's code-25 body and Retry-After when an IP is over its limit."""

    def __init__(self, app: Any, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        limiter = self.services.limiter
        if limiter is None or scope["type"] != "http" or not scope["path"].startswith(("/3/", "/4/")):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        decision = await limiter.check(f"ip:{client[0] if client else '-'}", self.services.clock.now())
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"retry-after", str(decision.retry_after).encode()),
                    (b"content-length", str(len(_BODY)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": _BODY})
