"""Scale-out: separate filmshelf processes behind one PostgreSQL (and one Redis) share every state."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _wipe

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def env(pg_database: str, tmp_path: Path) -> dict[str, str]:
    _wipe(pg_database)
    values = dict(os.environ)
    values.update(
        FILMSHELF_DATABASE_URL=pg_database,
        FILMSHELF_SECRET_KEY="scale-out-shared-secret-" + "s" * 32,
        FILMSHELF_DATA_DIR=str(tmp_path / "data"),
        FILMSHELF_RATE_LIMIT="0",
    )
    return values


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "filmshelf", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Instance:
    """One `filmshelf serve` process."""

    def __init__(self, env: dict[str, str], *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "filmshelf", "serve", "--port", str(self.port), *extra],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"instance on port {self.port} did not start")
            time.sleep(0.1)
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def stop(self) -> None:
        self.client.close()
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def pair(env: dict[str, str]) -> Iterator[tuple[Instance, Instance, dict[str, str]]]:
    cli(env, "users", "create", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    import json

    creds = json.loads(cli(env, "apps", "create", "--owner", "alice", "--name", "Scale app", "--json"))
    first, second = Instance(env), Instance(env)
    try:
        yield first, second, {"Authorization": f"Bearer {creds['read_access_token']}"}
    finally:
        first.stop()
        second.stop()


def approve_in_browser(instance: Instance, token: str) -> None:
    with httpx.Client(base_url=instance.url, timeout=30) as browser:
        login = browser.get("/login")
        browser.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "next": "/", "_csrf_token": CSRF.findall(login.text)[0]},
        )
        page = browser.get("/auth/access", params={"request_token": token})
        assert page.status_code == 200, page.text
        decision = browser.post(
            "/auth/access",
            data={"request_token": token, "decision": "approve", "_csrf_token": CSRF.findall(page.text)[0]},
        )
        assert decision.status_code == 303


def test_two_processes_share_tokens_revocations_and_lists(pair: tuple[Instance, Instance, dict[str, str]]) -> None:
    first, second, app_headers = pair
    token = first.client.post("/4/auth/request_token", headers=app_headers).json()["request_token"]
    approve_in_browser(second, token)
    exchanged = second.client.post("/4/auth/access_token", headers=app_headers, json={"request_token": token})
    assert exchanged.status_code == 200
    access = exchanged.json()["access_token"]
    user = {"Authorization": f"Bearer {access}"}

    created = first.client.post("/4/list", headers=user, json={"name": "Shared", "iso_639_1": "en"})
    assert created.status_code in {200, 201}, created.text
    list_id = created.json()["id"]
    added = first.client.post(
        f"/4/list/{list_id}/items", headers=user, json={"items": [{"media_type": "movie", "media_id": 550}]}
    )
    assert added.status_code in {200, 201}, added.text
    on_first = first.client.get(f"/4/list/{list_id}", headers=user).json()
    on_second = second.client.get(f"/4/list/{list_id}", headers=user).json()
    assert on_first == on_second and on_second["item_count"] == 1

    revoke = first.client.request("DELETE", "/4/auth/access_token", headers=app_headers, json={"access_token": access})
    assert revoke.status_code == 200
    refused = second.client.post("/4/list", headers=user, json={"name": "Nope", "iso_639_1": "en"})
    assert refused.status_code == 401 and refused.json()["status_code"] == 35


def test_rate_limit_holds_across_processes_with_redis(env: dict[str, str]) -> None:
    env = env | {
        "FILMSHELF_REDIS_URL": "redis://127.0.0.1:6379/14",
        "FILMSHELF_RATE_LIMIT": "5",
        "FILMSHELF_RATE_LIMIT_BURST": "10",
    }
    subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], capture_output=True, timeout=10)
    first, second = Instance(env), Instance(env)
    try:
        statuses: list[int] = []
        for index in range(16):
            instance = first if index % 2 == 0 else second
            statuses.append(instance.client.get("/3/no/such/route").status_code)
        # One shared bucket of 10: the two processes together let ~10 through (a token or two
        # may refill while the loop runs), never 10 each.
        assert 10 <= statuses.count(404) <= 12 and statuses.count(429) >= 4
    finally:
        first.stop()
        second.stop()


def test_workers_flag_serves_on_postgresql(env: dict[str, str]) -> None:
    instance = Instance(env, "--workers", "2")
    try:
        responses: list[Any] = [instance.client.get("/3/no/such/route") for _ in range(20)]
        assert {r.status_code for r in responses} == {404}
    finally:
        instance.stop()


def test_revoking_an_approved_app_on_one_instance_ends_it_on_the_other(
    pair: tuple[Instance, Instance, dict[str, str]],
) -> None:
    first, second, app_headers = pair
    token = first.client.post("/4/auth/request_token", headers=app_headers).json()["request_token"]
    approve_in_browser(first, token)
    access = second.client.post("/4/auth/access_token", headers=app_headers, json={"request_token": token})
    user = {"Authorization": f"Bearer {access.json()['access_token']}"}
    assert second.client.post("/4/list", headers=user, json={"name": "Before"}).status_code == 201
    with httpx.Client(base_url=first.url, timeout=30) as browser:
        login = browser.get("/login")
        browser.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "next": "/", "_csrf_token": CSRF.findall(login.text)[0]},
        )
        page = browser.get("/account/access")
        action = re.search(r'action="(/account/access/\d+/revoke)"', page.text)
        assert action, page.text
        revoked = browser.post(action.group(1), data={"_csrf_token": CSRF.findall(page.text)[0]})
        assert revoked.status_code == 303
    refused = second.client.post("/4/list", headers=user, json={"name": "After"})
    assert refused.status_code == 401 and refused.json()["status_code"] == 35
