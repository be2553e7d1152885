"""The one HTTP client that talks to the upstream (httpx): filmshelf's token, timeouts, a bounded pool.

Nothing of the caller's request travels: the path and the allow-listed query parameters come
from `rules.Plan`, and the only credential is `FILMSHELF_UPSTREAM_TOKEN` as a Bearer. Redirects
are not followed and proxies from the environment are not used (the token goes only where
`FILMSHELF_UPSTREAM_URL` says). Bodies over 8 MiB are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from filmshelf import __version__
from filmshelf.upstream.rules import Plan

MAX_BODY_BYTES = 8 * 1024 * 1024
TIMEOUT = httpx.Timeout(10.0, connect=3.0, pool=5.0)
LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=5, keepalive_expiry=30.0)


class UpstreamError(Exception):
    """The upstream could not be asked or gave no usable answer (the message says why)."""


@dataclass(frozen=True, slots=True)
class Reply:
    """What the upstream answered: status, body, ETag and Retry-After (raw)."""

    status: int
    body: bytes
    etag: str | None
    retry_after: str | None


class UpstreamClient:
    """GETs catalog reads from `origin` (e.g. https://api.themoviedb.org) with `token` as Bearer.

    The httpx client (and its connection pool) is created on the first call, inside the event
    loop that uses it, so a process that never calls the upstream never opens one.
    """

    def __init__(self, origin: str, token: str) -> None:
        self.origin = origin.rstrip("/")
        self._token = token
        self._client: httpx.AsyncClient | None = None
        self.created = 0

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.origin,
                headers={
                    "Authorization": f"Bearer {self._token}",
                    "Accept": "application/json",
                    "User-Agent": f"filmshelf/{__version__}",
                },
                timeout=TIMEOUT,
                limits=LIMITS,
                follow_redirects=False,
                trust_env=False,
            )
            self.created += 1
        return self._client

    async def get(self, plan: Plan, *, etag: str | None = None) -> Reply:
        """Ask the upstream for `plan`; UpstreamError when it cannot be reached or the body is too big."""
        headers = {"If-None-Match": etag} if etag else None
        try:
            async with self._http().stream("GET", plan.path, params=list(plan.params), headers=headers) as response:
                length = response.headers.get("content-length")
                if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
                    raise UpstreamError(f"answer of {length} bytes is over the {MAX_BODY_BYTES} byte limit")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise UpstreamError(f"answer is over the {MAX_BODY_BYTES} byte limit")
                    chunks.append(chunk)
                return Reply(
                    status=response.status_code,
                    body=b"".join(chunks),
                    etag=response.headers.get("etag"),
                    retry_after=response.headers.get("retry-after"),
                )
        except httpx.HTTPError as exc:
            raise UpstreamError(f"{type(exc).__name__}: {exc}"[:300]) from None

    async def aclose(self) -> None:
        """Close the connection pool (if one was ever opened)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
