"""A real filmshelf in this process, for other projects' tests: start it once, reset it per test.

`Instance` serves `create_app` with uvicorn on a free loopback port, in a daemon thread with its
own event loop, over a throwaway SQLite file with the sample catalog. `FilmshelfServer` is what a
test holds: the helpers of docs/testing-with-filmshelf.md (users, apps, sign-in without a browser,
approvals, seeding, the clock). Nothing here imports pytest; `filmshelf.testing.plugin` does.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn

from filmshelf.accounts import media, users
from filmshelf.app import create_app
from filmshelf.auth import apps as app_rules
from filmshelf.auth import request_tokens, v3_approval
from filmshelf.catalog import popularity
from filmshelf.catalog.importer import import_sample_if_empty
from filmshelf.clock import FixedClock
from filmshelf.errors import FilmshelfError
from filmshelf.lists import service as lists
from filmshelf.ratelimit import MemoryBuckets, RateLimiter
from filmshelf.services import Services
from filmshelf.settings import Argon2Params, Settings
from filmshelf.storage.engine import open_database
from filmshelf.storage.migrate import upgrade
from filmshelf.storage.reset import wipe_user_data

T = TypeVar("T")
# argon2id at 64 KiB and one pass: a hash costs well under a millisecond. The production
# parameters (settings.Argon2Params()) are for production; a test server never holds real passwords.
CHEAP_ARGON2 = Argon2Params.cheap()
DEFAULT_PASSWORD_SUFFIX = "-password"  # noqa: S105 - a test account's default, not a secret
DEVELOPER = "developer"


class FilmshelfTestingError(Exception):
    """A helper could not do what it was asked; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    """An account made by `make_user`: its login and both of TMDB's ids."""

    username: str
    password: str
    account_id: int
    account_object_id: str


@dataclass(frozen=True, slots=True)
class App:
    """An app made by `make_app`: its v3 API key and its API read access token."""

    api_key: str
    read_access_token: str
    name: str
    owner: User
    id: int

    @property
    def headers(self) -> dict[str, str]:
        """`Authorization: Bearer <read access token>`."""
        return {"Authorization": f"Bearer {self.read_access_token}"}


def in_thread(work: Callable[[], T]) -> T:
    """Run blocking work (which may call asyncio.run) in a thread of its own.

    Start-up may happen while an event loop runs in this thread (pytest-asyncio, Playwright),
    where asyncio.run would refuse to start.
    """
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="filmshelf-setup")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


class Instance:
    """One filmshelf server of this process (one per pytest-xdist worker), reset between tests."""

    def __init__(self, workdir: Path | None = None) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="filmshelf-test-")) if workdir is None else workdir
        self.database_url = f"sqlite:///{self.workdir / 'filmshelf.sqlite3'}"
        self.started_at = time.time()
        self.clock = FixedClock(self.started_at)
        url = self.database_url
        in_thread(lambda: upgrade(url))
        in_thread(lambda: asyncio.run(_load_catalog(url)))
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose protocol says
        # TCP, and without it every response waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.settings = Settings(
            database_url=url,
            secret_key=secrets.token_urlsafe(48),
            public_url=self.base_url,
            data_dir=self.workdir,
            rate_limit_per_second=0,
            argon2=CHEAP_ARGON2,
            stats_refresh_seconds=0,  # no background task moves the figures under a test
        )
        self.app = create_app(self.settings, clock=self.clock)
        self.services: Services = self.app.state.services
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", loop="asyncio", access_log=False)
        self._server = uvicorn.Server(config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="filmshelf-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.close()
                raise FilmshelfTestingError("the filmshelf test server did not start")
            time.sleep(0.005)

    def _serve(self, sock: socket.socket) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._server.serve(sockets=[sock]))
        finally:
            self._loop.close()
            sock.close()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's event loop (the database belongs to it) and wait."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    def reset(self) -> None:
        """Forget everything users did: user data, in-process caches and limiters, the clock."""
        self.call(self._reset())
        self.clock.set(time.time())

    async def _reset(self) -> None:
        await forget_everything(self.app)

    def close(self) -> None:
        """Stop the server and remove its files."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


async def forget_everything(app: Any) -> None:
    """Bring a running app (`create_app`'s) back to a fresh start, catalog kept: user data wiped,
    in-process caches and in-memory limiters emptied. Run on the app's event loop; the caller sets
    the clock. filmshelf's own test harness (tests/conftest.py) resets its shared servers with this.
    """
    services: Services = app.state.services
    async with services.db.write() as conn:
        await wipe_user_data(conn, popularity.FORMULA)
    services.app_tokens.clear()
    services.catalog_totals.clear()
    for limiter in (services.limiter, app.state.page_throttle):
        buckets = limiter.buckets if isinstance(limiter, RateLimiter) else getattr(limiter, "buckets", None)
        if isinstance(buckets, MemoryBuckets):
            buckets.clear()


async def _load_catalog(url: str) -> None:
    db = open_database(url)
    try:
        await import_sample_if_empty(db)
    finally:
        await db.dispose()


def token_in(token_or_url: str) -> str:
    """The request token itself, from a token or an approval URL (TMDB's or filmshelf's).

    `.../auth/access?request_token=T` (v4) and `.../authenticate/T` or `.../authenticate/T/allow` (v3).
    """
    if "://" not in token_or_url:
        return token_or_url
    parts = urlsplit(token_or_url)
    found = parse_qs(parts.query).get("request_token")
    if found:
        return found[0]
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) >= 2 and segments[0] == "authenticate":
        return segments[1]
    raise FilmshelfTestingError(f"no request token in {token_or_url!r}")


@dataclass
class FilmshelfServer:
    """A running filmshelf and the helpers a test needs (the `filmshelf_server` fixture)."""

    instance: Instance
    http: httpx.Client = field(init=False)
    _user_numbers: Iterator[int] = field(init=False)
    _app_numbers: Iterator[int] = field(init=False)
    _developer: User | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        # Its own transport: the helpers' calls go to the loopback address, never through the double.
        self.http = httpx.Client(base_url=self.instance.base_url, timeout=30, transport=httpx.HTTPTransport())
        self._user_numbers = itertools.count(1)
        self._app_numbers = itertools.count(1)

    # --- where it is ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, the server's real address."""
        return self.instance.base_url

    @property
    def api_url(self) -> str:
        """The origin a client library is given (`base_url` here; TMDB's own for the double)."""
        return self.instance.base_url

    @property
    def clock(self) -> FixedClock:
        """The server's clock: it moves only when told (`advance_clock`)."""
        return self.instance.clock

    def now(self) -> float:
        """The server's current time (Unix seconds)."""
        return self.instance.clock.now()

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock forward (token and guest-session expiry) without sleeping."""
        self.instance.clock.advance(seconds)

    def reset(self) -> None:
        """Forget everything users did (the fixtures do this before each test of their scope)."""
        self.instance.reset()
        self._user_numbers = itertools.count(1)
        self._app_numbers = itertools.count(1)
        self._developer = None

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of filmshelf's own on the server's event loop."""
        return self.instance.call(coro)

    @property
    def services(self) -> Services:
        """The app's collaborators (database, clock, keys) for what the helpers do not cover."""
        return self.instance.services

    # --- accounts and apps ----------------------------------------------------------------------
    def make_user(
        self, username: str | None = None, password: str | None = None, *, name: str = "", admin: bool = False
    ) -> User:
        """Create an account (user1, user2, ... unless named; password `<username>-password` unless given)."""
        username = username or f"user{next(self._user_numbers)}"
        password = password or username + DEFAULT_PASSWORD_SUFFIX
        services = self.services
        try:
            account = self.call(
                users.create_account(
                    services.db,
                    hasher=services.hasher,
                    username=username,
                    password=password,
                    now=self.now(),
                    name=name,
                    admin=admin,
                )
            )
        except ValueError as exc:  # UsernameRejected, PasswordRejected
            raise FilmshelfTestingError(f"make_user({username!r}): {exc}") from None
        return User(username, password, account.id, account.object_id)

    def make_app(self, owner: User | None = None, name: str | None = None) -> App:
        """Register an app (owned by `owner`, else by an account named `developer` made on first need)."""
        if owner is None:
            if self._developer is None:
                self._developer = self.make_user(DEVELOPER)
            owner = self._developer
        name = name or f"Test app {next(self._app_numbers)}"
        services = self.services
        made = self.call(app_rules.create_app(services.db, owner_id=owner.account_id, name=name, now=self.now()))
        return App(made.api_key, app_rules.read_access_token(made, services.keys), made.name, owner, made.id)

    # --- approvals and sign-in ----------------------------------------------------------------
    def approve(self, request_token: str, user: User) -> None:
        """Approve a request token (v4 or v3, or its approval URL) as `user`, as the Approve button does."""
        self._decide(request_token, user, approve=True)

    def deny(self, request_token: str, user: User) -> None:
        """Deny a request token (v4 or v3, or its approval URL) as `user`."""
        self._decide(request_token, user, approve=False)

    def _decide(self, token_or_url: str, user: User, *, approve: bool) -> None:
        token = token_in(token_or_url)
        recorded = self.call(self._record(token, user, approve=approve))
        if not recorded:
            raise FilmshelfTestingError(f"request token {token[:12]}... was already approved, denied or used")

    async def _record(self, token: str, user: User, *, approve: bool) -> bool:
        services = self.services
        now = self.now()
        try:
            if token.count(".") == 2:  # a v4 request token is a JWT
                pending = request_tokens.read(token, services.keys, now=now)
                async with services.db.read() as conn:
                    app = await app_rules.app_by_api_key(conn, pending.api_key)
                if app is None:
                    raise FilmshelfTestingError("the request token's app no longer exists")
                return await request_tokens.decide(
                    services.db, pending, app_id=app.id, account_id=user.account_id, approve=approve, now=now
                )
            async with services.db.write() as conn:
                waiting = await v3_approval.pending(conn, request_token=token, now=now)
                return await v3_approval.decide(conn, waiting, account_id=user.account_id, allow=approve, now=now)
        except v3_approval.TokenUnusable as exc:
            raise FilmshelfTestingError(
                f"v3 request token {token[:12]}... cannot be decided: {exc.reason.name}"
            ) from None
        except FilmshelfError as exc:
            raise FilmshelfTestingError(f"request token {token[:12]}... cannot be decided: {exc}") from None

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 300:
            raise FilmshelfTestingError(
                f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
            )
        body: dict[str, Any] = response.json()
        return body

    def request_token(self, app: App, redirect_to: str | None = None) -> str:
        """A v4 request token of `app` (POST /4/auth/request_token)."""
        body = {} if redirect_to is None else {"redirect_to": redirect_to}
        token: str = self._json(self.http.post("/4/auth/request_token", headers=app.headers, json=body))[
            "request_token"
        ]
        return token

    def sign_in(self, app: App, user: User) -> str:
        """The whole v4 sign-in without a browser: request token, approval, exchange; the access token."""
        token = self.request_token(app)
        self.approve(token, user)
        answer = self._json(self.http.post("/4/auth/access_token", headers=app.headers, json={"request_token": token}))
        access_token: str = answer["access_token"]
        return access_token

    def v3_request_token(self, app: App) -> str:
        """A v3 request token of `app` (GET /3/authentication/token/new)."""
        answer = self._json(self.http.get("/3/authentication/token/new", params={"api_key": app.api_key}))
        token: str = answer["request_token"]
        return token

    def v3_session(self, app: App, user: User) -> str:
        """The v3 sign-in without a browser: request token, approval, session; the session_id."""
        token = self.v3_request_token(app)
        self.approve(token, user)
        answer = self._json(
            self.http.post(
                "/3/authentication/session/new", params={"api_key": app.api_key}, json={"request_token": token}
            )
        )
        session_id: str = answer["session_id"]
        return session_id

    def guest_session(self, app: App) -> str:
        """A v3 guest session of `app` (GET /3/authentication/guest_session/new); its guest_session_id."""
        answer = self._json(self.http.get("/3/authentication/guest_session/new", params={"api_key": app.api_key}))
        guest_session_id: str = answer["guest_session_id"]
        return guest_session_id

    # --- seeding ----------------------------------------------------------------------------------
    def favorite(self, user: User, media_type: str, media_id: int) -> None:
        """Mark a catalog title as `user`'s favorite."""
        self._mark("favorite", user, media_type, media_id)

    def watchlist(self, user: User, media_type: str, media_id: int) -> None:
        """Put a catalog title on `user`'s watchlist."""
        self._mark("watchlist", user, media_type, media_id)

    def _mark(self, kind: media.MarkKind, user: User, media_type: str, media_id: int) -> None:
        async def work() -> None:
            async with self.services.db.write() as conn:
                await media.set_mark(
                    conn,
                    kind=kind,
                    account_id=user.account_id,
                    media_type=media.parse_media_type(media_type),
                    media_id=media_id,
                    on=True,
                    now=self.now(),
                )

        self._seed(f"{kind} {media_type} {media_id}", work())

    def rate(self, user: User, media_type: str, media_id: int, value: float) -> None:
        """Rate a catalog title as `user` (0.5 to 10 in steps of 0.5); its vote figures move as by the API."""

        async def work() -> None:
            async with self.services.db.write() as conn:
                await media.rate(
                    conn,
                    account_id=user.account_id,
                    media_type=media.parse_media_type(media_type),
                    media_id=media_id,
                    value=media.parse_rating(value),
                    now=self.now(),
                )

        self._seed(f"rate {media_type} {media_id}", work())

    def create_list(
        self,
        user: User,
        name: str,
        items: Iterable[tuple[str, int]] = (),
        *,
        description: str = "",
        public: bool = True,
    ) -> int:
        """Create a v4 list of `user` holding `items` ((media_type, media_id) pairs, in order); its id."""
        wanted = [lists.ItemInput(media.parse_media_type(kind), number) for kind, number in items]

        async def work() -> int:
            async with self.services.db.write() as conn:
                list_id = await lists.create_list(
                    conn,
                    account_id=user.account_id,
                    name=name,
                    description=description,
                    public=public,
                    iso_639_1=None,
                    iso_3166_1=None,
                    now=self.now(),
                )
                if wanted:
                    outcomes = await lists.add_items(
                        conn, list_id=list_id, account_id=user.account_id, items=wanted, now=self.now()
                    )
                    missing = [f"{one.media_type} {one.media_id}" for one in outcomes if not one.success]
                    if missing:
                        raise FilmshelfTestingError(f"not in the catalog (or repeated): {', '.join(missing)}")
                return list_id

        return self._seed(f"create_list {name!r}", work())

    def _seed(self, what: str, coro: Coroutine[Any, Any, T]) -> T:
        try:
            return self.call(coro)
        except FilmshelfError as exc:
            raise FilmshelfTestingError(f"{what}: {exc}") from None

    def close(self) -> None:
        """Close the helpers' HTTP client (the server itself belongs to the instance)."""
        self.http.close()
