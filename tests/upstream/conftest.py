"""Two filmshelf servers: an upstream (standing in for TMDB) and a downstream pointed at it.

The upstream is one server for the whole session (starting one costs seconds): an SQLite copy
of the sample catalog plus a few titles the downstream does not hold (ids from 9,000,000 up),
behind a recording ASGI wrapper that keeps every request it received (path, query, headers) and
can be told to fail, answer 429, or hold requests; each test starts with a clean recorder.
The downstream runs on each engine (the `database_url` fixture). On PostgreSQL the `titles`
table is shared by the whole run, so titles the downstream upserted are removed again.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete

from filmshelf.accounts import users
from filmshelf.catalog import importer
from filmshelf.clock import FixedClock
from filmshelf.settings import Settings
from filmshelf.storage.engine import open_database
from filmshelf.storage.tables import titles
from tests.conftest import SECRET, AppCreds, LiveServer, in_thread, start_server

# Titles only the upstream holds (TMDB detail objects, as `catalog import` takes them).
UPSTREAM_MOVIE = {
    "id": 9_000_001,
    "title": "The Upstream Only",
    "original_title": "L'Amont",
    "original_language": "fr",
    "release_date": "2001-02-03",
    "genres": [{"id": 18, "name": "Drama"}, {"id": 35, "name": "Comedy"}],
    "overview": "A film the downstream has never heard of.",
    "popularity": 12.5,
    "vote_average": 7.5,
    "vote_count": 120,
    "adult": False,
    "video": False,
    "poster_path": "/upstream-poster.jpg",
    "backdrop_path": "/upstream-backdrop.jpg",
    "runtime": 101,
    "revenue": 1234567,
    "origin_country": ["FR"],
}
UPSTREAM_TV = {
    "id": 9_000_002,
    "name": "Upstream Series",
    "original_name": "Upstream Series",
    "original_language": "en",
    "first_air_date": "2010-01-01",
    "genres": [{"id": 18, "name": "Drama"}],
    "overview": "A series the downstream has never heard of.",
    "popularity": 3.0,
    "vote_average": 8.0,
    "vote_count": 10,
    "adult": False,
    "poster_path": "/series.jpg",
    "backdrop_path": None,
    "episode_run_time": [45],
    "origin_country": ["GB"],
}
EXTRA_MOVIES = [
    {"id": 9_000_010 + n, "title": f"Upstream Extra {n}", "original_title": f"Upstream Extra {n}"} for n in range(3)
]
FIRST_UPSTREAM_ID = 9_000_000
NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
INVALID_KEY = {
    "success": False,
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
}


@dataclass
class Seen:
    """One request the upstream received."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]

    def header(self, name: str) -> list[str]:
        """Every value of header `name` (lower case)."""
        return [value for key, value in self.headers if key == name]


@dataclass
class Recorder:
    """ASGI wrapper in front of the upstream filmshelf: records, and fails or holds on request."""

    app: Any
    seen: list[Seen] = field(default_factory=list)
    # (status, headers, body) to answer instead of the upstream app.
    fault: tuple[int, dict[str, str], bytes] | None = None
    # Requests wait for this event before being answered (single-flight test).
    hold: threading.Event | None = None
    # JSON answers for routes filmshelf itself does not serve, as TMDB would answer them.
    tmdb_only: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.seen.append(
            Seen(
                method=scope["method"],
                path=scope["path"],
                query=scope["query_string"].decode(),
                headers=[(key.decode().lower(), value.decode()) for key, value in scope["headers"]],
            )
        )
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait, 30)
        answer: tuple[int, dict[str, str], bytes] | None = self.fault
        if answer is None and scope["path"] in self.tmdb_only:
            answer = (200, {}, json.dumps(self.tmdb_only[scope["path"]]).encode())
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = answer
        raw = [(b"content-type", b"application/json"), *((k.encode(), v.encode()) for k, v in headers.items())]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def calls(self, path: str | None = None) -> list[Seen]:
        """Requests received (for `path` only, when given)."""
        return [seen for seen in list(self.seen) if path is None or seen.path == path]


@dataclass
class Pair:
    """The upstream and the downstream filmshelf, and credentials for both."""

    upstream: LiveServer
    recorder: Recorder
    upstream_token: str
    downstream: LiveServer
    creds: AppCreds
    account: users.Account

    def get(self, path: str, **params: Any) -> httpx.Response:
        """GET `path` from the downstream with its app's read token."""
        return self.downstream.client.get(path, headers=self.creds.headers, params=params)

    def direct(self, path: str, **params: Any) -> httpx.Response:
        """GET `path` from the upstream itself (what the downstream should relay)."""
        count = len(self.recorder.seen)
        response = self.upstream.client.get(
            path, headers={"Authorization": f"Bearer {self.upstream_token}"}, params=params
        )
        del self.recorder.seen[count:]  # not a call the downstream made
        return response


def _live(settings: Any, clock: FixedClock, wrap: Any = None) -> tuple[LiveServer, Any, threading.Thread]:
    uv, thread, base_url, (app, loop) = start_server(settings, clock, wrap)
    engine = "sqlite" if settings.database_url.startswith("sqlite") else "postgresql"
    live = LiveServer(base_url=base_url, clock=clock, services=app.state.services, loop=loop, engine=engine)
    return live, uv, thread


def _stop(live: LiveServer, uv: Any, thread: threading.Thread) -> None:
    live.client.close()
    uv.should_exit = True
    thread.join(timeout=20)


def _import_upstream_titles(url: str, folder: Path) -> None:
    lines = folder / "upstream_titles.jsonl"
    lines.write_text("\n".join(json.dumps(line) for line in [UPSTREAM_MOVIE, UPSTREAM_TV, *EXTRA_MOVIES]) + "\n")

    async def run() -> None:
        db = open_database(url)
        try:
            counts = await importer.import_files(db, [lines])
            assert counts.added == 2 + len(EXTRA_MOVIES), counts
        finally:
            await db.dispose()

    in_thread(lambda: asyncio.run(run()))


def remove_upstream_titles(url: str) -> None:
    """Delete the titles from 9,000,000 up that a downstream upserted (shared PostgreSQL catalog)."""

    async def run() -> None:
        db = open_database(url)
        try:
            async with db.write() as conn:
                await conn.run(delete(titles).where(titles.c.id >= FIRST_UPSTREAM_ID))
        finally:
            await db.dispose()

    in_thread(lambda: asyncio.run(run()))


class Servers:
    """Starts downstream servers on demand (online, offline, other settings) and stops them all."""

    def __init__(self, make_settings: Any, database_url: str, upstream_url: str, token: str) -> None:
        self.make_settings = make_settings
        self.database_url = database_url
        self.upstream_url = upstream_url
        self.token = token
        self.running: list[tuple[LiveServer, Any, threading.Thread]] = []

    def downstream(self, **changes: Any) -> LiveServer:
        values: dict[str, Any] = {
            "upstream_url": self.upstream_url,
            "upstream_token": self.token,
            "upstream_ttl": 3600.0,
        }
        values.update(changes)
        live, uv, thread = _live(self.make_settings(self.database_url, **values), FixedClock(1_790_000_000.0))
        self.running.append((live, uv, thread))
        return live

    def stop_all(self) -> None:
        for running in reversed(self.running):
            _stop(*running)
        self.running.clear()


@dataclass
class Upstream:
    """The upstream server of this test session, its recorder and its API read access token."""

    live: LiveServer
    recorder: Recorder
    token: str

    def reset(self) -> None:
        """Forget what earlier tests did to the recorder."""
        self.recorder.seen.clear()
        self.recorder.fault = None
        self.recorder.hold = None
        self.recorder.tmdb_only.clear()


@pytest.fixture(scope="session")
def shared_upstream(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    """One upstream filmshelf (SQLite) for the whole session: starting one costs seconds."""
    folder = tmp_path_factory.mktemp("upstream")
    path = folder / "upstream.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    _import_upstream_titles(url, folder)
    holder: dict[str, Recorder] = {}

    def wrap(app: Any) -> Recorder:
        holder["recorder"] = Recorder(app)
        return holder["recorder"]

    settings = Settings(database_url=url, secret_key=SECRET, data_dir=folder / "data", rate_limit_per_second=0)
    live, uv, thread = _live(settings, FixedClock(1_790_000_000.0), wrap)
    owner = live.create_user("upstream-owner")
    token = live.create_app(owner, "filmshelf downstream").read_token
    try:
        yield Upstream(live=live, recorder=holder["recorder"], token=token)
    finally:
        _stop(live, uv, thread)


@pytest.fixture
def upstream_server(shared_upstream: Upstream) -> Upstream:
    """The session's upstream, with a clean recorder."""
    shared_upstream.reset()
    return shared_upstream


def closed_port_url() -> str:
    """An http origin on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def servers(upstream_server: Upstream, database_url: str, make_settings: Any) -> Iterator[Servers]:
    """A factory of downstream servers on the test's database, all pointed at the upstream."""
    if not database_url.startswith("sqlite"):
        remove_upstream_titles(database_url)
    started = Servers(make_settings, database_url, upstream_server.live.base_url, upstream_server.token)
    try:
        yield started
    finally:
        started.stop_all()
        if not database_url.startswith("sqlite"):
            remove_upstream_titles(database_url)


@pytest.fixture
def pair(upstream_server: Upstream, servers: Servers) -> Pair:
    """An online downstream (TTL one hour) and an app and user on it."""
    downstream = servers.downstream()
    account = downstream.create_user("dora")
    creds = downstream.create_app(account, "Dora's app")
    return Pair(
        upstream=upstream_server.live,
        recorder=upstream_server.recorder,
        upstream_token=upstream_server.token,
        downstream=downstream,
        creds=creds,
        account=account,
    )
