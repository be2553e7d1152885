"""`tmdb_double`: requests to TMDB's hosts answered by the in-process filmshelf, without a base-URL change.

While the double is on, a request to `api.themoviedb.org` (the API) or `www.themoviedb.org` /
`themoviedb.org` (the approval pages client libraries send users to: `/auth/access?request_token=`
and `/authenticate/{token}`) is sent to the in-process filmshelf over the loopback interface, path
and query unchanged, instead of to the internet: no DNS, no TLS, no proxy. Every other host is
passed through untouched (docs/testing-with-filmshelf.md says why).

One hook per client library, each at the library's own transport layer, undone on `stop()`:

* httpx (sync and async): `HTTPTransport.handle_request` / `AsyncHTTPTransport.handle_async_request`,
  the layer every `Client` without a custom transport ends in (as respx does);
* requests: `HTTPAdapter.send`, the layer every `Session` ends in (as `responses` does);
* aiohttp: `ClientSession._request`, where every verb of a session starts (as `aioresponses` does).

requests and aiohttp are hooked only when installed, and imported only then.
"""

from __future__ import annotations

import importlib
import importlib.util
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from filmshelf.testing.server import FilmshelfServer, Instance

API_HOSTS = frozenset({"api.themoviedb.org"})
SITE_HOSTS = frozenset({"www.themoviedb.org", "themoviedb.org"})
TMDB_HOSTS = API_HOSTS | SITE_HOSTS
TMDB_API = "https://api.themoviedb.org"
TMDB_SITE = "https://www.themoviedb.org"
# One TLS context for the forwarding transports (they speak plain HTTP to the loopback address,
# but httpx builds a context per transport, which costs milliseconds when none is given).
_TLS = ssl.create_default_context()


class Interceptor:
    """Routes requests for TMDB's hosts to `target` (http://127.0.0.1:PORT) in every installed client."""

    def __init__(self, target: str) -> None:
        self.netloc = urlsplit(target).netloc
        self.forwarded = 0  # requests routed to filmshelf since `install`
        self._undo: list[Callable[[], None]] = []

    @property
    def installed(self) -> bool:
        """True between `install` and `uninstall`."""
        return bool(self._undo)

    def rewrite(self, url: str) -> str | None:
        """The filmshelf URL for a request to a TMDB host, or None for any other host."""
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in TMDB_HOSTS:
            return None
        self.forwarded += 1
        return urlunsplit(("http", self.netloc, parts.path or "/", parts.query, ""))

    def install(self) -> None:
        """Hook httpx, and requests and aiohttp when they are installed."""
        if self._undo:
            return
        self.forwarded = 0
        self._hook_httpx()
        if importlib.util.find_spec("requests") is not None:
            self._hook_requests()
        if importlib.util.find_spec("aiohttp") is not None:
            self._hook_aiohttp()

    def uninstall(self) -> None:
        """Put every hooked method back."""
        while self._undo:
            self._undo.pop()()

    def _replace(self, owner: Any, name: str, new: Any) -> Any:
        original = owner.__dict__[name]
        setattr(owner, name, new)
        self._undo.append(lambda: setattr(owner, name, original))
        return original

    def _hook_httpx(self) -> None:
        interceptor = self
        forward = httpx.HTTPTransport(verify=_TLS)
        self._undo.append(forward.close)

        def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            target = interceptor.rewrite(str(request.url))
            if target is None:
                return original(self, request)  # type: ignore[no-any-return]
            routed = httpx.Request(request.method, target, headers=request.headers, stream=request.stream)
            routed.extensions = request.extensions
            return original(forward, routed)  # type: ignore[no-any-return]

        async def handle_async_request(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
            target = interceptor.rewrite(str(request.url))
            if target is None:
                return await original_async(self, request)  # type: ignore[no-any-return]
            routed = httpx.Request(request.method, target, headers=request.headers, stream=request.stream)
            routed.extensions = request.extensions
            # A transport per request: async connections belong to the event loop they were made
            # on, and a test suite may run many loops.
            async with httpx.AsyncHTTPTransport(verify=_TLS) as one_off:
                answer: httpx.Response = await original_async(one_off, routed)
                raw = b"".join([chunk async for chunk in answer.aiter_raw()])
                await answer.aclose()
            return httpx.Response(
                answer.status_code,
                headers=answer.headers,
                stream=httpx.ByteStream(raw),
                extensions={key: answer.extensions[key] for key in ("http_version", "reason_phrase")},
            )

        original = self._replace(httpx.HTTPTransport, "handle_request", handle_request)
        original_async = self._replace(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)

    def _hook_requests(self) -> None:
        interceptor = self
        adapters: Any = importlib.import_module("requests.adapters")
        forward = adapters.HTTPAdapter()
        self._undo.append(forward.close)

        def send(adapter: Any, request: Any, **kwargs: Any) -> Any:
            target = interceptor.rewrite(request.url)
            if target is None:
                return original(adapter, request, **kwargs)
            routed = request.copy()
            routed.url = target
            kwargs["proxies"] = {}
            response = original(forward, routed, **kwargs)
            # The caller sees the URL it asked for (redirects and cookies resolve against it).
            response.url = request.url
            response.request = request
            return response

        original = self._replace(adapters.HTTPAdapter, "send", send)

    def _hook_aiohttp(self) -> None:
        interceptor = self
        aiohttp: Any = importlib.import_module("aiohttp")
        yarl: Any = importlib.import_module("yarl")

        async def _request(session: Any, method: str, str_or_url: Any, **kwargs: Any) -> Any:
            build = getattr(session, "_build_url", None)
            url = build(str_or_url) if build is not None else yarl.URL(str(str_or_url))
            target = interceptor.rewrite(str(url))
            if target is None:
                return await original(session, method, str_or_url, **kwargs)
            kwargs["proxy"] = None
            return await original(session, method, yarl.URL(target, encoded=True), **kwargs)

        original = self._replace(aiohttp.ClientSession, "_request", _request)


@dataclass
class TmdbDouble(FilmshelfServer):
    """The `tmdb_double` fixture: the helpers of `FilmshelfServer`, with TMDB's hosts routed to it."""

    interceptor: Interceptor = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.interceptor = Interceptor(self.instance.base_url)

    @property
    def api_url(self) -> str:
        """https://api.themoviedb.org: the code under test keeps TMDB's own address."""
        return TMDB_API

    @property
    def forwarded(self) -> int:
        """How many requests to TMDB's hosts the double answered since it started."""
        return self.interceptor.forwarded

    def approval_url(self, request_token: str) -> str:
        """The page TMDB sends a user to for `request_token` (v4 `/auth/access`, v3 `/authenticate/`)."""
        if request_token.count(".") == 2:
            return f"{TMDB_SITE}/auth/access?request_token={quote(request_token, safe='')}"
        return f"{TMDB_SITE}/authenticate/{quote(request_token, safe='')}"

    def start(self) -> None:
        """Route TMDB's hosts to filmshelf."""
        self.interceptor.install()

    def stop(self) -> None:
        """Put the client libraries back as they were."""
        self.interceptor.uninstall()

    def close(self) -> None:
        """Stop routing and close the helpers' client."""
        self.stop()
        super().close()


@contextmanager
def tmdb_double_running() -> Iterator[TmdbDouble]:
    """The double outside pytest (unittest, scripts): a fresh filmshelf, routed while the block runs."""
    instance = Instance()
    double = TmdbDouble(instance)
    double.start()
    try:
        yield double
    finally:
        double.close()
        instance.close()
