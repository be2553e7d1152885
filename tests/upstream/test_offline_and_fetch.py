"""`filmshelf catalog fetch` warms the store from the upstream; an offline downstream replays it.

Also: with upstream mode off (the default), and in offline mode, no HTTP client is ever made.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from filmshelf.cli.catalog import catalog_app
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import open_database
from filmshelf.storage.tables import upstream_answers
from tests.conftest import SECRET, LiveServer, in_thread
from tests.upstream.conftest import (
    NOT_FOUND,
    UPSTREAM_MOVIE,
    UPSTREAM_TV,
    Servers,
    Upstream,
    remove_upstream_titles,
)

MOVIE = f"/3/movie/{UPSTREAM_MOVIE['id']}"
TV = f"/3/tv/{UPSTREAM_TV['id']}"


@pytest.fixture
def async_clients_made(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every httpx.AsyncClient constructed in this process while the test runs."""
    made: list[object] = []
    original = httpx.AsyncClient.__init__

    def counting(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "__init__", counting)
    return made


async def title(server: LiveServer, media_type: str, media_id: int) -> Any:
    async with server.services.db.read() as conn:
        return await catalog_rows.get_title(conn, media_type, media_id)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(env: dict[str, str], *args: str) -> Ran:
    """`filmshelf catalog ARGS` in process (Typer's runner, in its own thread for asyncio.run)."""
    runner = CliRunner()
    result = in_thread(lambda: runner.invoke(catalog_app, list(args), env=env, color=False))
    return Ran(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def fetch(env: dict[str, str], *args: str) -> Ran:
    """`filmshelf catalog fetch ARGS`."""
    return cli(env, "fetch", *args)


def wipe_upstream_answers(url: str) -> None:
    async def run() -> None:
        db = open_database(url)
        try:
            async with db.write() as conn:
                await conn.run(delete(upstream_answers))
        finally:
            await db.dispose()

    in_thread(lambda: asyncio.run(run()))


def test_fetch_then_replay_offline(
    servers: Servers,
    upstream_server: Upstream,
    tmp_path: Path,
    async_clients_made: list[object],
) -> None:
    upstream, recorder, token = upstream_server.live, upstream_server.recorder, upstream_server.token
    env = dict(os.environ)
    env.update(
        FILMSHELF_DATABASE_URL=servers.database_url,
        FILMSHELF_SECRET_KEY=SECRET,
        FILMSHELF_DATA_DIR=str(tmp_path / "cli"),
        FILMSHELF_UPSTREAM_URL=upstream.base_url,
        FILMSHELF_UPSTREAM_TOKEN=token,
    )
    targets = ["movie:9000001", "tv:9000002", "/3/movie/9000010?language=de-DE&api_key=dropped", "movie:9099999"]
    first = fetch(env, *targets, "--append-to-response", "credits")
    assert first.returncode == 0, first.stderr
    assert "catalog fetch: fetched 3, fresh 0, not found 1, failed 0; 4 in" in first.stdout
    assert "not found upstream: movie:9099999" in first.stderr
    assert sorted((seen.path, seen.query) for seen in recorder.calls()) == sorted(
        [
            (MOVIE, "append_to_response=credits"),
            (TV, "append_to_response=credits"),
            ("/3/movie/9000010", "language=de-DE"),
            ("/3/movie/9099999", "append_to_response=credits"),
        ]
    )
    assert {seen.header("authorization")[0] for seen in recorder.calls()} == {f"Bearer {token}"}
    again = fetch(env, *targets, "--append-to-response", "credits")
    assert again.returncode == 0, again.stderr
    assert "catalog fetch: fetched 0, fresh 3, not found 1, failed 0" in again.stdout
    assert len(recorder.calls()) == 4
    forced = fetch(env, "movie:9000001", "--force", "--append-to-response", "credits")
    assert "fetched 1, fresh 0" in forced.stdout
    assert len(recorder.calls()) == 5

    refused = fetch(env, "movie:abc", "/3/account", "person:1")
    assert refused.returncode == 2
    assert "not a catalog read filmshelf may fetch: movie:abc" in refused.stderr
    assert "/3/account" in refused.stderr
    offline_env = dict(env, FILMSHELF_UPSTREAM_MODE="offline")
    assert fetch(offline_env, "movie:1").returncode == 2

    # Recorded once, exported to a file; a CI database starts without them and imports the file.
    recordings = tmp_path / "recordings.jsonl.gz"
    exported = cli(env, "export-answers", str(recordings))
    assert exported.returncode == 0, exported.stderr
    assert "exported 4 upstream answers" in exported.stdout
    wipe_upstream_answers(servers.database_url)
    remove_upstream_titles(servers.database_url)
    ci_env = {key: value for key, value in env.items() if not key.startswith("FILMSHELF_UPSTREAM")}
    imported = cli(ci_env, "import-answers", str(recordings))
    assert imported.returncode == 0, imported.stderr
    assert "imported 4 upstream answers (3 catalog titles written), skipped 0 bad lines" in imported.stdout
    bad = tmp_path / "bad.jsonl"
    body = '"fetched_at": 1.0, "body": {"id": 1}'
    bad.write_text(
        f'{{"path": "/3/account", "query": "", "status": 200, {body}}}\n'
        f'{{"path": "/3/movie/1", "query": "api_key=x", "status": 200, {body}}}\n'
        f'{{"path": "/3/movie/1", "query": "", "status": 500, {body}}}\n'
        '{"path": "/3/movie/1", "query": "", "status": 200, "fetched_at": 1.0, "body": [1]}\n'
        "not json\n"
    )
    refused_lines = cli(ci_env, "import-answers", str(bad))
    assert refused_lines.returncode == 1
    assert "imported 0 upstream answers" in refused_lines.stdout
    assert "skipped 5 bad lines" in refused_lines.stdout
    for number in range(1, 6):
        assert f"bad.jsonl:{number}:" in refused_lines.stderr

    # The upstream goes away for good; a CI run replays what was stored, offline.
    async_clients_made.clear()  # the fetches above ran in this process; the offline server must make none
    recorder.fault = (500, {}, b"{}")
    offline = servers.downstream(upstream_mode="offline", upstream_url=None, upstream_token=None)
    assert offline.services.upstream is not None
    assert offline.services.upstream.client is None
    owner = offline.create_user("ci")
    creds = offline.create_app(owner, "CI")
    recorder.fault = None
    expected = upstream.client.get(
        MOVIE, params={"append_to_response": "credits"}, headers={"Authorization": f"Bearer {token}"}
    )
    del recorder.seen[5:]
    before = len(recorder.calls())

    def get(path: str, **params: str) -> httpx.Response:
        return offline.client.get(path, headers=creds.headers, params=params)

    replay = get(MOVIE, append_to_response="credits")
    assert (replay.status_code, replay.headers["x-filmshelf-upstream"]) == (200, "offline")
    assert replay.json() == expected.json()
    assert get("/3/movie/9000010", language="de-DE").json()["title"] == "Upstream Extra 0"
    for path in (MOVIE, "/3/movie/9000010", "/3/movie/9000011", "/3/person/31"):
        missing = get(path)
        assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
        assert missing.headers["x-filmshelf-upstream"] == "offline-miss"
    stored_404 = get("/3/movie/9099999", append_to_response="credits")
    assert (stored_404.status_code, stored_404.headers["x-filmshelf-upstream"]) == (404, "offline")
    # Days later it is still served: offline answers do not expire.
    offline.clock.advance(30 * 86400)
    assert get(MOVIE, append_to_response="credits").headers["x-filmshelf-upstream"] == "offline"
    # Titles the fetch stored are in the catalog (lists and favorites can use them).
    for media_type, media_id in (("movie", 9_000_001), ("tv", 9_000_002), ("movie", 9_000_010)):
        assert offline.call(title(offline, media_type, media_id)) is not None
    assert len(recorder.calls()) == before
    assert async_clients_made == []


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_upstream_off_by_default_makes_no_client(server: LiveServer, async_clients_made: list[object]) -> None:
    creds = server.create_app(server.create_user())
    assert server.services.settings.upstream_url is None
    assert server.services.upstream is None
    for path in ("/3/movie/9000001", "/3/person/31", "/3/movie/9000001/credits"):
        response = server.client.get(path, headers=creds.headers)
        assert response.status_code == 404
        assert "x-filmshelf-upstream" not in response.headers
    # What the local catalog answers (issue 11 §1) is answered locally, and says nothing of upstream.
    for path in ("/3/movie/550/credits", "/3/trending/all/day"):
        response = server.client.get(path, headers=creds.headers)
        assert response.status_code == 200
        assert "x-filmshelf-upstream" not in response.headers
    assert server.client.get("/3/movie/550", headers=creds.headers).status_code == 200
    assert async_clients_made == []
