"""Test harness: the real app on a real loopback socket, on SQLite and on PostgreSQL.

Every API test gets a `server` fixture parametrised over both engines. SQLite tests get a fresh
copy of a migrated database file; PostgreSQL tests share one throw-away database created for
this run (dropped at the end) and have the user-data tables truncated before each test. When
`CI=true`, a PostgreSQL server that cannot be reached fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn

from filmshelf.accounts import users
from filmshelf.app import create_app
from filmshelf.auth import apps as app_rules
from filmshelf.auth import request_tokens
from filmshelf.clock import FixedClock
from filmshelf.services import Services
from filmshelf.settings import Argon2Params, Settings
from filmshelf.storage.migrate import upgrade
from filmshelf.testing.server import forget_everything

T = TypeVar("T")
PG_ADMIN_URL = os.environ.get("FILMSHELF_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
SECRET = "test-secret-" + "k" * 40
# argon2id at 64 KiB and one pass: a hash takes well under a millisecond instead of most of a
# second. The production parameters are tested in tests/accounts/test_passwords.py.
START = 1_790_000_000.0  # the test clock's start
CHEAP_ARGON2 = Argon2Params(time_cost=1, memory_kib=64, parallelism=1)
ENGINES = ["sqlite", "postgresql"]


def in_thread(work: Callable[[], T]) -> T:
    """Run blocking set-up work (which may call asyncio.run) in its own thread.

    Playwright's sync API keeps an event loop running in the main thread, where asyncio.run
    would refuse to start.
    """
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def _load_sample_catalog(url: str) -> None:
    try:
        from filmshelf.catalog.importer import import_sample_if_empty
    except ImportError:  # the catalog package lands with the lists issue
        return
    from filmshelf.storage.engine import open_database

    async def run() -> None:
        db = open_database(url)
        try:
            await import_sample_if_empty(db)
        finally:
            await db.dispose()

    in_thread(lambda: asyncio.run(run()))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the sample catalog, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    url = f"sqlite:///{path}"
    in_thread(lambda: upgrade(url))
    _load_sample_catalog(url)
    return path


def _pg_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _pg_admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://"), timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    in_thread(lambda: asyncio.run(run()))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throw-away PostgreSQL database for this run, migrated, with the sample catalog."""
    name = f"filmshelf_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        _pg_admin(f'CREATE DATABASE "{name}"')
    except (OSError, Exception) as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required in CI: {exc!r}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc!r}")
    url = _pg_url(name)
    try:
        in_thread(lambda: upgrade(url))
        _load_sample_catalog(url)
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wipe(url: str) -> None:
    """Empty a database of everything users did, catalog kept (storage/reset.py, ~2-20 ms)."""
    from filmshelf.catalog import popularity
    from filmshelf.storage.engine import open_database
    from filmshelf.storage.reset import wipe_user_data

    async def run() -> None:
        db = open_database(url)
        try:
            async with db.write() as conn:
                await wipe_user_data(conn, popularity.FORMULA)
        finally:
            await db.dispose()

    in_thread(lambda: asyncio.run(run()))


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The database engine of one test: every engine-parametrised test runs once per engine."""
    name: str = request.param
    return name


@pytest.fixture
def database_url(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean database URL for one test, on each engine.

    A test that also uses `server` gets the database of that (shared) server, emptied.
    """
    if "server" in request.fixturenames:
        return _shared_database(engine, request)
    if engine == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "filmshelf.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    _wipe(url)
    return url


def _shared_database(engine: str, request: pytest.FixtureRequest) -> str:
    """The database of this run's shared server for `engine` (`server` empties it before each test)."""
    if engine == "sqlite":
        folder: Path = request.getfixturevalue("shared_folder")
        path = folder / "shared.sqlite3"
        if not path.exists():
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    return url


@dataclass
class LiveServer:
    """A filmshelf app served by uvicorn on a loopback port, in a background thread."""

    base_url: str
    clock: FixedClock
    services: Services
    loop: asyncio.AbstractEventLoop
    engine: str
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base_url, timeout=30)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's event loop (the database belongs to it)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def create_user(self, username: str = "alice", password: str = "correct horse battery") -> users.Account:
        """Create an account directly (as `filmshelf users create` does)."""
        return self.call(
            users.create_account(
                self.services.db,
                hasher=self.services.hasher,
                username=username,
                password=password,
                now=self.clock.now(),
            )
        )

    def create_app(self, owner: users.Account, name: str = "Test app") -> AppCreds:
        """Register an app; return it with its read access token."""
        app = self.call(app_rules.create_app(self.services.db, owner_id=owner.id, name=name, now=self.clock.now()))
        return AppCreds(app=app, read_token=app_rules.read_access_token(app, self.services.keys))

    def request_token(self, creds: AppCreds, body: dict[str, Any] | None = None) -> str:
        """POST /4/auth/request_token and return the token."""
        response = self.client.post("/4/auth/request_token", headers=creds.headers, json=body or {})
        assert response.status_code == 200, response.text
        token: str = response.json()["request_token"]
        return token

    def decide(self, token: str, account: users.Account, creds: AppCreds, *, approve: bool = True) -> bool:
        """Record the user's decision without the browser (the pages are tested on their own)."""
        pending = request_tokens.read(token, self.services.keys, now=self.clock.now())
        return self.call(
            request_tokens.decide(
                self.services.db,
                pending,
                app_id=creds.app.id,
                account_id=account.id,
                approve=approve,
                now=self.clock.now(),
            )
        )

    def sign_in(self, account: users.Account, creds: AppCreds) -> str:
        """Request token -> approval -> exchange; return the user access token."""
        token = self.request_token(creds)
        assert self.decide(token, account, creds)
        response = self.client.post("/4/auth/access_token", headers=creds.headers, json={"request_token": token})
        assert response.status_code == 200, response.text
        access_token: str = response.json()["access_token"]
        return access_token


@dataclass
class AppCreds:
    """An app and its API read access token."""

    app: app_rules.App
    read_token: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header with the read token."""
        return {"Authorization": f"Bearer {self.read_token}"}


def bearer(token: str) -> dict[str, str]:
    """An Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}


def start_server(
    settings: Settings, clock: FixedClock, wrap: Callable[[Any], Any] | None = None
) -> tuple[uvicorn.Server, threading.Thread, str, Any]:
    """Serve `create_app(settings)` on 127.0.0.1 with a free port, in a thread.

    `wrap` puts an ASGI wrapper around the app (tests that record what a server received).
    """
    app = create_app(settings, clock=clock)
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP, and
    # without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    served = app if wrap is None else wrap(app)
    config = uvicorn.Config(served, log_level="warning", lifespan="on", loop="asyncio", access_log=False)
    server = uvicorn.Server(config)
    loop_holder: dict[str, asyncio.AbstractEventLoop] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop_holder["loop"] = loop
        loop.run_until_complete(server.serve(sockets=[sock]))
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{port}", (app, loop_holder["loop"])


@pytest.fixture
def make_settings(tmp_path: Path) -> Any:
    """Build Settings for a test database."""

    def build(database_url: str, **changes: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "secret_key": SECRET,
            "public_url": "http://127.0.0.1:8000",
            "data_dir": tmp_path / "data",
            "rate_limit_per_second": 0,
            "argon2": CHEAP_ARGON2,
        }
        values.update(changes)
        return Settings(**values)

    return build


@dataclass
class SharedServer:
    """One running server per engine for the whole run (per xdist worker): starting the app costs
    far more than most tests, so `server` reuses it and resets what a test can leave behind."""

    uvicorn: uvicorn.Server
    thread: threading.Thread
    base_url: str
    app: Any
    loop: asyncio.AbstractEventLoop
    clock: FixedClock


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the shared servers keep their SQLite file and data folder."""
    return tmp_path_factory.mktemp("shared")


@pytest.fixture(scope="session")
def shared_servers() -> Iterator[dict[str, SharedServer]]:
    """The shared servers, started on first use by `server`, stopped at the end of the run."""
    started: dict[str, SharedServer] = {}
    yield started
    for shared in started.values():
        shared.uvicorn.should_exit = True
        shared.thread.join(timeout=20)


@pytest.fixture
def server(
    engine: str,
    database_url: str,
    shared_servers: dict[str, SharedServer],
    shared_folder: Path,
    make_settings: Any,
) -> Iterator[LiveServer]:
    """The real app on a loopback port, over a clean database, with a controllable clock.

    One server per engine is shared by every test that uses this fixture; its database is emptied
    and its in-memory state reset before each test. Tests that need other settings start their own
    server with `start_server(make_settings(database_url, ...))`.
    """
    shared = shared_servers.get(engine)
    if shared is None:
        clock = FixedClock(START)
        # No background refresh of the activity figures: a round landing mid-test would reorder
        # titles; the tests that need one run it themselves.
        settings = make_settings(database_url, data_dir=shared_folder / f"data-{engine}", stats_refresh_seconds=0)
        uv, thread, base_url, (app, loop) = start_server(settings, clock)
        shared = shared_servers[engine] = SharedServer(uv, thread, base_url, app, loop, clock)
    # Wipe the user data, the caches and in-memory limiters, as the pytest plugin does; then the clock.
    asyncio.run_coroutine_threadsafe(forget_everything(shared.app), shared.loop).result(timeout=60)
    shared.clock.set(START)
    live = LiveServer(
        base_url=shared.base_url,
        clock=shared.clock,
        services=shared.app.state.services,
        loop=shared.loop,
        engine=engine,
    )
    try:
        yield live
    finally:
        live.client.close()


@pytest.fixture
def alice(server: LiveServer) -> users.Account:
    """A user account."""
    return server.create_user("alice")


@pytest.fixture
def app_creds(server: LiveServer, alice: users.Account) -> AppCreds:
    """An app owned by alice."""
    return server.create_app(alice, "Alice's app")
