"""Rate limits like TMDB's: per client IP and per API key, 429 + code 25 + Retry-After."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from filmshelf.clock import FixedClock
from tests.conftest import AppCreds, LiveServer, start_server

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def limited(database_url: str, make_settings: Any, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A server limited to 5 requests/s with a burst of 5, in-process or Redis-backed."""
    redis_url = getattr(request, "param", None)
    if redis_url == REDIS_URL:
        import redis

        with redis.Redis.from_url(REDIS_URL) as client:
            client.flushdb()  # buckets left by an earlier test would hold another clock's times
    settings = make_settings(database_url, rate_limit_per_second=5, rate_limit_burst=5, redis_url=redis_url)
    clock = FixedClock(1_790_000_000.0 + secrets.randbelow(10**6))
    uv, thread, base_url, (app, loop) = start_server(settings, clock)
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    live = LiveServer(base_url=base_url, clock=clock, services=app.state.services, loop=loop, engine=engine)
    try:
        yield live
    finally:
        live.client.close()
        uv.should_exit = True
        thread.join(timeout=20)


def client_from(server: LiveServer, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.base_url, transport=transport, timeout=30)


def assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.json() == {
        "success": False,
        "status_code": 25,
        "status_message": "Your request count (#) is over the allowed limit of (40).",
    }
    assert int(response.headers["retry-after"]) >= 1
    # A browser app can read the refusal and its Retry-After (api/public_api.py).
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == "Retry-After"
    assert response.headers["content-type"] == "application/json;charset=utf-8"


def test_per_ip_limit_then_refill(limited: LiveServer) -> None:
    with client_from(limited, "127.0.0.3") as client:
        statuses = [client.get("/3/no/such/route").status_code for _ in range(6)]
        assert statuses == [404] * 5 + [429]
        assert_limited(client.get("/3/no/such/route"))
        # Preflights are answered before the limiter and spend nothing.
        preflight = client.options("/3/movie/550", headers={"Access-Control-Request-Method": "GET"})
        assert preflight.status_code == 204
        limited.clock.advance(1.0)  # 5 tokens a second come back
        assert client.get("/3/no/such/route").status_code == 404
    # Another address has its own bucket.
    with client_from(limited, "127.0.0.4") as other:
        assert other.get("/3/no/such/route").status_code == 404


def test_per_key_limit_holds_across_addresses(limited: LiveServer) -> None:
    alice = limited.create_user("alice")
    creds: AppCreds = limited.create_app(alice)
    statuses = []
    for index in range(6):
        with client_from(limited, f"127.0.1.{index + 1}") as client:
            statuses.append(client.post("/4/auth/request_token", headers=creds.headers).status_code)
    assert statuses == [200] * 5 + [429]


@pytest.mark.parametrize("limited", [REDIS_URL], indirect=True)
def test_redis_backed_limit(limited: LiveServer) -> None:
    with client_from(limited, "127.0.2.1") as client:
        statuses = [client.get("/3/no/such/route").status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]


@pytest.mark.parametrize("limited", ["redis://127.0.0.1:1/0"], indirect=True)
def test_redis_down_fails_open(limited: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="filmshelf.ratelimit")
    with client_from(limited, "127.0.2.2") as client:
        statuses = [client.get("/3/no/such/route").status_code for _ in range(10)]
    assert statuses == [404] * 10
    assert any("cannot reach Redis" in record.getMessage() for record in caplog.records)
