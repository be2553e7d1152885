"""Nothing acknowledged is lost: SIGKILL the server mid-writes, restart, every 2xx write is there."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.scaleout.test_two_instances import CSRF, PASSWORD, free_port

pytestmark = pytest.mark.slow


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "filmshelf", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "filmshelf", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def test_acknowledged_list_items_survive_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "kill9.sqlite3"
    env = dict(os.environ)
    env.update(
        FILMSHELF_DATABASE_URL=f"sqlite:///{database}",
        FILMSHELF_DATA_DIR=str(tmp_path / "data"),
        FILMSHELF_RATE_LIMIT="0",
    )
    cli(env, "db", "upgrade")
    cli(env, "catalog", "import", "--sample")
    cli(env, "users", "create", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    app = json.loads(cli(env, "apps", "create", "--owner", "alice", "--name", "kill9", "--json"))
    app_headers = {"Authorization": f"Bearer {app['read_access_token']}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(env, port)
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/4/auth/request_token", headers=app_headers).json()["request_token"]
        login = client.get("/login")
        client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "next": "/", "_csrf_token": CSRF.findall(login.text)[0]},
        )
        page = client.get("/auth/access", params={"request_token": token})
        client.post(
            "/auth/access",
            data={"request_token": token, "decision": "approve", "_csrf_token": CSRF.findall(page.text)[0]},
        )
        access = client.post("/4/auth/access_token", headers=app_headers, json={"request_token": token}).json()
        user = {"Authorization": f"Bearer {access['access_token']}"}
        list_id = client.post("/4/list", headers=user, json={"name": "kill9", "iso_639_1": "en"}).json()["id"]
    movie_ids = [
        int(json.loads(line)["id"])
        for line in (Path(__file__).parents[2] / "src/filmshelf/catalog/data/sample_movies.jsonl")
        .read_text()
        .splitlines()
    ]
    acknowledged: set[int] = set()
    rng = random.Random(9)
    pending = list(movie_ids)
    kills = 0
    try:
        while pending and kills < 5:
            stop = threading.Event()

            def killer(proc: subprocess.Popen[bytes] = process, stop: threading.Event = stop) -> None:
                time.sleep(rng.uniform(0.2, 0.8))
                os.killpg(proc.pid, signal.SIGKILL)
                stop.set()

            threading.Thread(target=killer, daemon=True).start()
            with httpx.Client(base_url=base, timeout=5) as client:
                while pending and not stop.is_set():
                    movie = pending[0]
                    try:
                        response = client.post(
                            f"/4/list/{list_id}/items",
                            headers=user,
                            json={"items": [{"media_type": "movie", "media_id": movie}]},
                        )
                    except httpx.HTTPError:
                        break  # the server died under this request: not acknowledged
                    if response.status_code in (200, 201) and response.json()["results"][0]["success"]:
                        acknowledged.add(movie)
                    pending.pop(0)
            process.wait(timeout=20)
            kills += 1
            process = start(env, port)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    assert kills >= 3 and len(acknowledged) > 20
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT media_id FROM list_items WHERE list_id = ?", (list_id,))}
        count = conn.execute("SELECT item_count FROM lists WHERE id = ?", (list_id,)).fetchone()[0]
    assert acknowledged <= stored
    assert count == len(stored)
