"""The request/storage seam: authenticate before the transaction, re-check inside it, and never
await anything but SQL while a write transaction is open (issue 9, item 3)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from filmshelf.api.guards import Caller, transaction_for
from filmshelf.auth.access_tokens import verify_access_token
from filmshelf.auth.apps import app_by_api_key
from filmshelf.clock import FixedClock
from filmshelf.errors import InvalidApiKey, InvalidToken
from filmshelf.storage import auth as auth_rows
from tests.conftest import AppCreds, LiveServer, bearer, start_server

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_limited(database_url: str, make_settings: Any) -> Iterator[LiveServer]:
    """A server whose rate limiter lives in Redis (so authentication awaits the network)."""
    settings = make_settings(database_url, rate_limit_per_second=10_000, rate_limit_burst=10_000, redis_url=REDIS_URL)
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


def test_parallel_writes_with_a_redis_limiter_all_succeed(redis_limited: LiveServer) -> None:
    """10 parallel list creations: before the seam, SQLite answered some with 500 'database is locked'
    after blocking the whole event loop (an unrelated read waited behind them)."""
    server = redis_limited
    alice = server.create_user("alice")
    creds = server.create_app(alice)
    token = server.sign_in(alice, creds)
    statuses: list[int] = []
    barrier = threading.Barrier(11)

    def create(index: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            barrier.wait()
            response = client.post("/4/list", headers=bearer(token), json={"name": f"list {index}", "iso_639_1": "en"})
            statuses.append(response.status_code)

    def read() -> None:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            barrier.wait()
            statuses.append(client.get("/3/movie/550", headers=creds.headers).status_code + 1000)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(10)] + [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * 10 + [1200]
    listed = server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(token)).json()
    assert listed["total_results"] == 10


def _revoked_inside(server: LiveServer, caller: Caller) -> type[Exception] | None:
    async def attempt() -> type[Exception] | None:
        try:
            async with transaction_for(server.services, caller):
                return None
        except (InvalidToken, InvalidApiKey) as exc:
            return type(exc)

    return server.call(attempt())


def test_a_token_revoked_after_authentication_changes_nothing(server: LiveServer, app_creds: AppCreds) -> None:
    """The token row is read again inside the write transaction."""
    alice = server.create_user("bob")
    token = server.sign_in(alice, app_creds)

    async def authenticate() -> Caller:
        async with server.services.db.read() as conn:
            user = await verify_access_token(conn, token, server.services.keys, now=server.clock.now())
            app = await app_by_api_key(conn, user.api_key)
        assert app is not None
        return Caller(app=app, user=user)

    caller = server.call(authenticate())
    assert _revoked_inside(server, caller) is None

    async def revoke() -> None:
        async with server.services.db.write() as conn:
            await auth_rows.revoke_access_token(conn, jti=caller.user.jti, now=server.clock.now())  # type: ignore[union-attr]

    server.call(revoke())
    assert _revoked_inside(server, caller) is InvalidToken
    assert _revoked_inside(server, Caller(app=caller.app)) is None


def test_an_app_revoked_after_authentication_changes_nothing(server: LiveServer, app_creds: AppCreds) -> None:
    caller = Caller(app=app_creds.app)
    assert _revoked_inside(server, caller) is None

    async def revoke() -> None:
        async with server.services.db.write() as conn:
            from sqlalchemy import update

            from filmshelf.storage.tables import apps

            await conn.run(update(apps).where(apps.c.id == app_creds.app.id).values(revoked_at=server.clock.now()))

    server.call(revoke())
    assert _revoked_inside(server, caller) is InvalidApiKey
