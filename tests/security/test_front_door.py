"""The front door (issue 9 §1.1): every request that can reach an API handler spends the per-IP
bucket, and non-canonical paths (empty segments, encoded slashes, dot segments) are refused
with TMDB's 404 / 34 instead of being routed.

The limiter is in process memory, so these run on one engine.
"""

from __future__ import annotations

import http.client
import json
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from filmshelf.api.front_door import is_canonical
from filmshelf.clock import FixedClock
from filmshelf.errors import STATUS
from tests.conftest import LiveServer, start_server


@pytest.fixture
def limited(make_settings: Any, tmp_path: Any, sqlite_template: Any) -> Iterator[LiveServer]:
    """A server limited to 5 requests/s with a burst of 5 (SQLite: the engine plays no part)."""
    import shutil

    path = tmp_path / "front.sqlite3"
    shutil.copy(sqlite_template, path)
    settings = make_settings(f"sqlite:///{path}", rate_limit_per_second=5, rate_limit_burst=5)
    clock = FixedClock(1_790_000_000.0 + secrets.randbelow(10**6))
    uv, thread, base_url, (app, loop) = start_server(settings, clock)
    live = LiveServer(base_url=base_url, clock=clock, services=app.state.services, loop=loop, engine="sqlite")
    try:
        yield live
    finally:
        live.client.close()
        uv.should_exit = True
        thread.join(timeout=20)


def raw_get(server: LiveServer, target: str, source: str = "127.0.0.1") -> tuple[int, dict[str, Any]]:
    """GET `target` byte for byte (http.client sends the request target as given)."""
    parts = urlsplit(server.base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30, source_address=(source, 0))
    try:
        conn.request("GET", target, headers={"Authorization": "Bearer forged.token.value"})
        response = conn.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body else {}
    finally:
        conn.close()


NON_CANONICAL = [
    "//3/movie/550",
    "/3//movie/550",
    "/%2F3/movie/550",
    "/3/movie%2F550",
    "/3/movie%2f550",
    "/3/./movie/550",
    "/3/x/../movie/550",
    "/%2e/3/movie/550",
    "///4/list/1",
    "/4/list//1",
]


def test_non_canonical_paths_are_refused_not_routed(limited: LiveServer) -> None:
    for index, target in enumerate(NON_CANONICAL):
        status, body = raw_get(limited, target, f"127.0.5.{index + 1}")
        assert status == 404, (target, status, body)
        assert body == {"success": False, "status_code": 34, "status_message": STATUS[34].message}
    status, body = raw_get(limited, "/3/movie/550?language=en-US", "127.0.5.1")
    assert status == 401 and body["status_code"] == 7  # the canonical spelling still routes


def test_an_exhausted_address_is_limited_on_every_path(limited: LiveServer) -> None:
    spellings = ["//3/movie/550", "/3//movie/550", "/%2F3/movie/550", "/3/movie/550/", "/login", "/openapi.json"]
    for index, target in enumerate(spellings):
        address = f"127.0.6.{index + 1}"
        statuses = [raw_get(limited, "/3/movie/550", address)[0] for _ in range(5)]
        assert statuses == [401] * 5  # forged token, but the bucket is spent
        status, body = raw_get(limited, target, address)
        assert status == 429, (target, status, body)
        assert body["status_code"] == 25


@pytest.mark.parametrize(
    ("path", "raw", "canonical"),
    [
        ("/3/movie/550", b"/3/movie/550", True),
        ("/3/movie/550/", b"/3/movie/550/", True),
        ("/", b"/", True),
        ("/3/search/movie", b"/3/search/movie", True),
        ("/3/movie/550.json", b"/3/movie/550.json", True),
        ("/.well-known/x", b"/.well-known/x", True),
        ("//3/movie/550", b"//3/movie/550", False),
        ("//3/movie/550", b"/%2F3/movie/550", False),
        ("/3/movie/550", b"/3/movie%2f550", False),
        ("/3/movie\\550", b"/3/movie%5C550", False),
        ("/3/./movie", b"/3/./movie", False),
        ("/3/../movie", b"/3/%2e%2e/movie", False),
        ("/..", b"/..", False),
        ("", b"", False),
    ],
)
def test_is_canonical(path: str, raw: bytes, canonical: bool) -> None:
    assert is_canonical(path, raw) is canonical
