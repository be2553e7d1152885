"""The ASGI seam of upstream mode: local routes first, the upstream store for what they cannot answer.

Installed by `create_app` only when upstream mode is on. For a GET whose path is on the catalog
allow-list (`upstream.rules`), whatever routes exist locally:

1. the store is read; a read that belongs upstream (a stored 200 for it, or a title whose
   details came from the upstream), or any read with `FILMSHELF_UPSTREAM_PREFER=upstream`, is
   answered from the store/upstream after the caller is authenticated here (with `upstream`
   preferred, what the upstream cannot answer — 404 / 34, failure, offline miss — goes on to
   the local routes, and their answer stands unless it is 404 / 34 too);
2. otherwise the local routes answer; anything but 404 / 34 goes out as it is (marked
   `X-Filmshelf-Upstream: local`);
3. on a local 404 / 34 the caller is authenticated (unless the local route already did, see
   `guards.CALLER_SCOPE_KEY`) — a bad credential is 401 / 7 and nothing leaves the machine —
   and the upstream store answers.

Every other request passes through untouched.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request

from filmshelf.api.envelope import ErrorBody
from filmshelf.api.guards import CALLER_SCOPE_KEY, app_caller
from filmshelf.errors import STATUS, FilmshelfError
from filmshelf.services import Services
from filmshelf.upstream import rules
from filmshelf.upstream.cache import Answer, Source, Upstream

HEADER = b"x-filmshelf-upstream"
log = logging.getLogger("filmshelf.upstream")
_encoder = msgspec.json.Encoder()


def _error_body(code: int, detail: str | None) -> bytes:
    return _encoder.encode(
        ErrorBody(success=False, status_code=code, status_message=STATUS[code].message, error_message=detail)
    )


async def _send(
    send: Any, status: int, body: bytes, source: str | None, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if source is not None:
        headers.append((HEADER, source.encode()))
    headers.extend(extra or ())
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def send_answer(send: Any, answer: Answer) -> None:
    """Send an upstream-store answer with `X-Filmshelf-Upstream` (and `Age`, `Retry-After`)."""
    extra: list[tuple[bytes, bytes]] = []
    if answer.age is not None:
        extra.append((b"age", str(answer.age).encode()))
    if answer.retry_after is not None:
        extra.append((b"retry-after", str(answer.retry_after).encode()))
    if answer.body is not None:
        body = answer.body
    else:
        assert answer.error_code is not None
        body = _error_body(answer.error_code, answer.error_detail)
    await _send(send, answer.status, body, answer.source, extra)


class _LocalAnswer:
    """Passes the local answer through, except a 404, which is held until we know its code."""

    def __init__(self, send: Any) -> None:
        self._send = send
        self.held: list[dict[str, Any]] | None = None

    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            if message["status"] == 404:
                self.held = [message]
                return
            message = {**message, "headers": [*message.get("headers", ()), (HEADER, Source.LOCAL.encode())]}
        elif self.held is not None and message["type"] == "http.response.body":
            self.held.append(message)
            return
        await self._send(message)

    def is_not_found(self) -> bool:
        """True when the local answer was TMDB's 404 / 34."""
        if self.held is None:
            return False
        body = b"".join(message.get("body", b"") for message in self.held[1:])
        try:
            return msgspec.json.decode(body, type=ErrorBody).status_code == 34
        except (msgspec.DecodeError, msgspec.ValidationError):
            return False

    async def release(self) -> None:
        """Send the held answer as it was."""
        for message in self.held or ():
            await self._send(message)


class UpstreamSeam:
    """ASGI wrapper around the routes (inside `FrontDoor`); see the module docstring."""

    def __init__(self, app: Any, services: Services, upstream: Upstream) -> None:
        self.app = app
        self.services = services
        self.upstream = upstream
        self.prefer_upstream = services.settings.upstream_prefer == "upstream"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        plan = rules.plan(scope["path"], scope.get("query_string", b""))
        if plan is None:
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._serve(plan, scope, receive, tracked)
        except Exception:
            # Outside the routes' own error handling: the store or the upstream logic failed.
            log.exception("upstream mode failed on GET %s", plan.key)
            if started:
                raise
            await _send(send, 500, _error_body(11, None), None)

    async def _serve(self, plan: rules.Plan, scope: Any, receive: Any, send: Any) -> None:
        found = await self.upstream.lookup(plan)
        if self.prefer_upstream or found.upstream_first:
            if not await self._authenticated(scope, receive, send):
                return
            answer = await self.upstream.answer(plan, found)
            # FILMSHELF_UPSTREAM_PREFER=upstream: what the upstream cannot answer, the local catalog may.
            if self.prefer_upstream and not answer.settled and await self._local_answered(scope, receive, send):
                return
            await send_answer(send, answer)
            return
        if await self._local_answered(scope, receive, send):
            return
        if scope.get(CALLER_SCOPE_KEY) is None and not await self._authenticated(scope, receive, send):
            return
        await send_answer(send, await self.upstream.answer(plan, found))

    async def _local_answered(self, scope: Any, receive: Any, send: Any) -> bool:
        """Let the local routes answer; True when they did with anything but 404 / 34 (already sent)."""
        local = _LocalAnswer(send)
        await self.app(scope, receive, local)
        if local.is_not_found():
            return False
        await local.release()
        return True

    async def _authenticated(self, scope: Any, receive: Any, send: Any) -> bool:
        """Check the caller's app credentials (and spend its rate limit) as the catalog routes do."""
        request: Request[Any, Any, Any] = Request(scope, receive)
        try:
            await app_caller(request)
        except FilmshelfError as exc:
            extra = [(b"retry-after", exc.detail.encode())] if exc.code == 25 and exc.detail else None
            detail = None if exc.code == 25 else exc.detail
            await _send(send, exc.http_status, _error_body(exc.code, detail), None, extra)
            return False
        return True
