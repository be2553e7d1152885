"""The transport rules of the public API (`/3/` and `/4/`), in one ASGI layer outside everything.

* **CORS as a public API** (docs/wire-decisions.md, "Browser apps"): every answer under `/3/` and
  `/4/` says `Access-Control-Allow-Origin: *`, errors and rate-limit refusals included, so a
  browser app can read them. A preflight (`OPTIONS` with `Access-Control-Request-Method`) is
  answered here, 204, for the methods and headers API clients send; it never reaches routing or
  the rate limiter. No `Access-Control-Allow-Credentials`: nothing here is authorised by a
  cookie. Pages (`/auth/...`, `/authenticate/...`, `/login`, ...) get none of this and stay
  unreadable from other origins.
* **Content-Type**: JSON answers say `application/json;charset=utf-8`, as TMDB's do.
* **Cache-Control** (`cache_control`): successful catalog reads `public, max-age=300` (TMDB's
  value), everything else `no-store` (account, auth, lists, every error).
* **Form bodies**: an `application/x-www-form-urlencoded` body sent to `/3/` is handed on as the
  JSON object of its fields (values as strings), so routes and guards read one format.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, parse_qsl

import msgspec
from litestar.datastructures import ResponseHeader

ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, Accept, Accept-Language, X-Requested-With"
EXPOSE_HEADERS = "Retry-After"
PREFLIGHT_MAX_AGE = "86400"
CATALOG_CACHE = "public, max-age=300"
NO_STORE = "no-store"
JSON_TYPE = b"application/json;charset=utf-8"
# What account, auth and list routes declare for the served OpenAPI: the `no-store` that
# `PublicApi` sets on their answers. Documentation only, so no route writes it a second time.
NO_STORE_HEADERS = [ResponseHeader(name="Cache-Control", value=NO_STORE, documentation_only=True)]

# First path segments under /3/ that only read TMDB's catalog and reference data.
CATALOG_ROOTS = frozenset(
    {
        "certification",
        "collection",
        "company",
        "configuration",
        "credit",
        "discover",
        "find",
        "genre",
        "keyword",
        "movie",
        "network",
        "person",
        "review",
        "search",
        "trending",
        "tv",
        "watch",
    }
)
# Query parameters that make an answer about one user (append_to_response=account_states).
_PERSONAL_PARAMS = ("session_id", "guest_session_id")

_PREFLIGHT_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", ALLOW_METHODS.encode()),
    (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
    (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
    (b"cache-control", NO_STORE.encode()),
    (b"content-length", b"0"),
]


def is_api_path(path: str) -> bool:
    """True for the public API (`/3/...`, `/4/...`), False for pages and documents."""
    return path.startswith(("/3/", "/4/"))


def cache_control(method: str, path: str, query_string: str, status: int) -> str:
    """The Cache-Control of an API answer: TMDB's `public, max-age=300` for a successful catalog read
    that is the same for every caller, `no-store` for everything else."""
    if method not in ("GET", "HEAD") or not 200 <= status < 300:
        return NO_STORE
    parts = [part for part in path.split("/") if part]
    if len(parts) < 2 or parts[0] != "3" or parts[1] not in CATALOG_ROOTS or parts[-1] in ("account_states", "rating"):
        return NO_STORE
    if query_string and any(parse_qs(query_string).get(name) for name in _PERSONAL_PARAMS):
        return NO_STORE
    return CATALOG_CACHE


def is_preflight(method: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """A CORS preflight: OPTIONS naming the method it asks for."""
    return method == "OPTIONS" and any(name == b"access-control-request-method" for name, _ in headers)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def form_as_json(body: bytes) -> bytes:
    """A urlencoded form as the JSON object of its fields (the first value of a repeated name)."""
    fields: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(key, value)
    return msgspec.json.encode(fields)


class PublicApi:
    """ASGI wrapper: CORS, JSON content type, Cache-Control and form bodies for `/3/` and `/4/`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        if is_preflight(method, scope["headers"]):
            await send({"type": "http.response.start", "status": 204, "headers": list(_PREFLIGHT_HEADERS)})
            await send({"type": "http.response.body", "body": b""})
            return
        query = scope.get("query_string", b"").decode("latin-1")

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self._headers(message, method, scope["path"], query)}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _headers(message: Any, method: str, path: str, query: str) -> list[tuple[bytes, bytes]]:
        kept: list[tuple[bytes, bytes]] = []
        for name, value in message.get("headers", ()):
            lowered = name.lower()
            if lowered in _REPLACED:
                continue
            if lowered == b"content-type" and _is_json(value):
                value = JSON_TYPE
            kept.append((name, value))
        policy = cache_control(method, path, query, int(message["status"]))
        # A shared cache keeps one copy per credential, never serving one app's read to a caller without one.
        kept += _CATALOG_TAIL if policy == CATALOG_CACHE else _NO_STORE_TAIL
        return kept


# Headers of a route's answer that `PublicApi` sets itself, and what it appends (built once).
_REPLACED = frozenset({b"cache-control", b"vary", b"access-control-allow-origin", b"access-control-expose-headers"})
_CORS_TAIL = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSE_HEADERS.encode())]
_NO_STORE_TAIL = [(b"cache-control", NO_STORE.encode()), *_CORS_TAIL]
_CATALOG_TAIL = [(b"cache-control", CATALOG_CACHE.encode()), (b"vary", b"Authorization"), *_CORS_TAIL]


def _is_json(content_type: bytes) -> bool:
    return content_type == b"application/json" or content_type.split(b";")[0].strip().lower() == b"application/json"


class FormBodies:
    """ASGI wrapper (inside the rate limiter): a urlencoded form body sent to `/3/` goes on as JSON."""

    def __init__(self, app: Any, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "DELETE") and scope["path"].startswith("/3/"):
            content_type = (_header(scope["headers"], b"content-type") or b"").split(b";")[0].strip().lower()
            if content_type == b"application/x-www-form-urlencoded":
                scope, receive = await self._form_to_json(scope, receive)
        await self.app(scope, receive, send)

    async def _form_to_json(self, scope: Any, receive: Any) -> tuple[Any, Any]:
        """Read a form body (up to the body limit) and hand it on as JSON; a larger one passes as it is."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return scope, _replay([message])
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = bool(message.get("more_body", False))
            if size > self.max_body_bytes:
                # Let the framework refuse it (413): replay what was read, then the rest.
                return scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": more}], receive)
        body = form_as_json(b"".join(chunks))
        dropped = (b"content-type", b"content-length")
        headers = [(name, value) for name, value in scope["headers"] if name.lower() not in dropped]
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        return {**scope, "headers": headers}, _replay([{"type": "http.request", "body": body, "more_body": False}])


def _replay(messages: list[Any], then: Any = None) -> Any:
    queue = list(messages)

    async def receive() -> Any:
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
