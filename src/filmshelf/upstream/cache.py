"""The read-through store: stored upstream answers while fresh, one upstream call per key, stale on failure.

How a catalog read that goes upstream is answered (`Upstream.answer`):

* **offline** (`FILMSHELF_UPSTREAM_MODE=offline`): the stored answer, whatever its age
  (`offline`), else 404 / 34 (`offline-miss`). No HTTP client exists in this mode.
* a stored answer younger than its TTL: served (`hit`). 200s live `FILMSHELF_UPSTREAM_TTL`
  (default a day), upstream 404 / 34 answers at most 10 minutes.
* otherwise the upstream is asked — once per key and process however many requests wait for
  it (single flight); the flight first re-reads the store, so a request that arrives after
  another request (or another process) stored the answer makes no call. A 200 is stored
  (`miss`; `revalidated` when a stored ETag got a 304) and, for a title's details, the title
  is upserted into the local catalog through `catalog.importer`'s row mapping.
* when the upstream fails (cannot connect, times out, 5xx, refuses filmshelf's token, sends
  something that is not TMDB JSON) or rate-limits (429): the stored answer if there is one,
  however old (`stale`); else 502 / 43 (`unavailable`) or, while backing off after a 429,
  503 / 9 with `Retry-After` (`backoff`). A 429 is honoured: no call is made until its
  `Retry-After` has passed (10 s if absent); after a failure none for 5 s.
* other upstream 4xx answers with a TMDB error body (400 / 22 bad page, 422 / 5 ...) are passed
  on as they are and not stored: they are about the request, not the resource.

The pause after a 429 or a failure and the single flight are per process; see README.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from enum import StrEnum

import msgspec

from filmshelf.catalog import importer
from filmshelf.clock import Clock
from filmshelf.settings import Settings
from filmshelf.storage import upstream as store
from filmshelf.storage.engine import Database
from filmshelf.storage.upstream import StoredAnswer
from filmshelf.upstream import rules
from filmshelf.upstream.client import Reply, UpstreamClient, UpstreamError

log = logging.getLogger("filmshelf.upstream")


class Source(StrEnum):
    """Where an answer came from; sent to the client as `X-Filmshelf-Upstream`."""

    LOCAL = "local"  # the local catalog answered (set by the ASGI seam, not here)
    HIT = "hit"  # stored, within its TTL
    MISS = "miss"  # fetched from the upstream just now
    REVALIDATED = "revalidated"  # stored, past its TTL, confirmed unchanged by the upstream (304)
    STALE = "stale"  # stored, past its TTL; the upstream failed or is being backed off
    OFFLINE = "offline"  # offline mode: stored, whatever its age
    OFFLINE_MISS = "offline-miss"  # offline mode: nothing stored (404 / 34)
    UNAVAILABLE = "unavailable"  # nothing stored and the upstream failed (502 / 43)
    BACKOFF = "backoff"  # nothing stored and the upstream asked us to wait (503 / 9)


@dataclass(frozen=True, slots=True)
class Answer:
    """What to send back: a JSON body as is, or one of filmshelf's TMDB errors (`error_code`)."""

    status: int
    source: Source
    body: bytes | None = None
    error_code: int | None = None
    error_detail: str | None = None
    age: int | None = None
    retry_after: int | None = None

    @property
    def settled(self) -> bool:
        """True when the upstream answered the read (a body to pass on), False for filmshelf's
        own 404 / 34, 502 / 43 and 503 / 9."""
        return self.error_code is None


@dataclass(frozen=True, slots=True)
class Found:
    """What the store holds for a plan: its exact answer, and whether the read belongs upstream."""

    exact: StoredAnswer | None
    # A stored 200 for this very read, or a title whose details came from the upstream: such
    # reads are answered from the store/upstream first, never by the local catalog.
    upstream_first: bool


@dataclass(slots=True)
class Stats:
    """Counters of this process (for logs and tests): upstream calls made, requests that waited
    on another request's call."""

    calls: int = 0
    joined: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


_NOT_FOUND = 34


def _tmdb_error_code(body: bytes) -> int | None:
    """The `status_code` of a TMDB error body, or None when `body` is not one."""
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(data, dict):
        return None
    code = data.get("status_code")
    if isinstance(code, int) and not isinstance(code, bool) and data.get("success") is not True:
        return code
    return None


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(msgspec.json.decode(body), dict)
    except msgspec.DecodeError:
        return False


class Upstream:
    """The read-through store of one process (see the module docstring)."""

    def __init__(self, settings: Settings, db: Database, clock: Clock, *, client: UpstreamClient | None = None) -> None:
        self.db = db
        self.clock = clock
        self.ttl = settings.upstream_ttl
        self.offline = settings.upstream_mode == "offline"
        self.client: UpstreamClient | None = None
        if not self.offline:
            assert settings.upstream_url is not None and settings.upstream_token is not None
            self.client = client or UpstreamClient(settings.upstream_url, settings.upstream_token)
        self.stats = Stats()
        self._flights: dict[str, asyncio.Future[Answer]] = {}
        self._paused_until = 0.0
        self._paused_by_429 = False

    # --- the store ------------------------------------------------------------------------------

    async def lookup(self, plan: rules.Plan) -> Found:
        """Read what the store holds for `plan` (one prepared, indexed statement)."""
        async with self.db.read() as conn:
            found = await store.lookup(conn, plan.key_hash, media_type=plan.media_type, media_id=plan.media_id)
        exact = found.exact
        return Found(exact=exact, upstream_first=(exact is not None and exact.status == 200) or found.title_is_upstream)

    def _from_store(self, stored: StoredAnswer, source: Source, now: float) -> Answer:
        age = max(0, int(now - stored.fetched_at))
        if stored.status == 200:
            return Answer(status=200, source=source, body=stored.body, age=age)
        return Answer(status=404, source=source, error_code=_NOT_FOUND, age=age)

    def _count(self, answer: Answer) -> Answer:
        self.stats.by_source[answer.source] = self.stats.by_source.get(answer.source, 0) + 1
        return answer

    # --- answering ------------------------------------------------------------------------------

    async def answer(self, plan: rules.Plan, found: Found) -> Answer:
        """Answer `plan` from the store or the upstream (the caller is already authenticated)."""
        now = self.clock.now()
        exact = found.exact
        if self.offline:
            if exact is not None:
                return self._count(self._from_store(exact, Source.OFFLINE, now))
            return self._count(Answer(status=404, source=Source.OFFLINE_MISS, error_code=_NOT_FOUND))
        if exact is not None and rules.is_fresh(exact.status, exact.fetched_at, now, self.ttl):
            return self._count(self._from_store(exact, Source.HIT, now))
        if self._paused(now):
            return self._count(self._fallback(exact, now))
        return self._count(await self._flight(plan, force=False))

    async def fetch(self, plan: rules.Plan, *, force: bool = False) -> Answer:
        """Warm the store for `plan` (`filmshelf catalog fetch`): a fresh stored answer is kept
        unless `force`; otherwise the upstream is asked, as for a request."""
        if self.offline:
            raise RuntimeError("offline mode never asks the upstream")
        now = self.clock.now()
        if self._paused(now):
            async with self.db.read() as conn:
                return self._fallback(await store.get(conn, plan.key_hash), now)
        return await self._flight(plan, force=force)

    def paused_for(self) -> float:
        """Seconds until the upstream may be asked again (0 when it may be now)."""
        return max(0.0, self._paused_until - self.clock.now())

    def backing_off(self) -> bool:
        """True while the upstream's 429 asks filmshelf to wait."""
        return self._paused_by_429 and self._paused(self.clock.now())

    def _paused(self, now: float) -> bool:
        return now < self._paused_until

    def _pause(self, now: float, seconds: float, *, by_429: bool) -> None:
        until = now + seconds
        if until > self._paused_until:
            self._paused_until = until
            self._paused_by_429 = by_429

    def _fallback(self, stored: StoredAnswer | None, now: float) -> Answer:
        """No fresh answer and no upstream: the stored one however old, else an error."""
        if stored is not None:
            return self._from_store(stored, Source.STALE, now)
        wait = max(1, int(self._paused_until - now + 0.999)) if self._paused(now) else None
        if self._paused(now) and self._paused_by_429:
            return Answer(
                status=503,
                source=Source.BACKOFF,
                error_code=9,
                error_detail=f"the upstream catalog asked filmshelf to wait; try again in {wait} s",
                retry_after=wait,
            )
        return Answer(
            status=502,
            source=Source.UNAVAILABLE,
            error_code=43,
            error_detail="the upstream catalog could not be reached",
            retry_after=wait,
        )

    async def _flight(self, plan: rules.Plan, *, force: bool) -> Answer:
        """One upstream call per key in this process; every concurrent request shares its answer."""
        key = plan.key_hash
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._fetch(plan, force=force))
            self._flights[key] = flight

            def done(finished: asyncio.Future[Answer]) -> None:
                if self._flights.get(key) is finished:
                    del self._flights[key]

            flight.add_done_callback(done)
        else:
            self.stats.joined += 1
        # shield: a client that goes away does not cancel the call (nor the store write) others wait on.
        return await asyncio.shield(flight)

    async def _fetch(self, plan: rules.Plan, *, force: bool) -> Answer:
        assert self.client is not None
        async with self.db.read() as conn:
            current = await store.get(conn, plan.key_hash)
        now = self.clock.now()
        if not force and current is not None and rules.is_fresh(current.status, current.fetched_at, now, self.ttl):
            return self._from_store(current, Source.HIT, now)
        if self._paused(now):
            return self._fallback(current, now)
        self.stats.calls += 1
        etag = current.etag if current is not None and current.status == 200 else None
        try:
            reply = await self.client.get(plan, etag=etag)
        except UpstreamError as exc:
            log.warning("upstream %s failed: %s", plan.key, exc)
            return self._failed(current)
        return await self._take(plan, current, reply)

    def _failed(self, current: StoredAnswer | None) -> Answer:
        now = self.clock.now()
        self._pause(now, rules.FAILURE_PAUSE, by_429=False)
        return self._fallback(current, now)

    async def _take(self, plan: rules.Plan, current: StoredAnswer | None, reply: Reply) -> Answer:
        """Turn the upstream's reply into an answer, storing what is worth storing."""
        now = self.clock.now()
        status = reply.status
        if status == 200:
            if not _is_json_object(reply.body):
                log.warning("upstream %s: 200 without a JSON object body", plan.key)
                return self._failed(current)
            await self._store(plan, 200, reply.body, reply.etag, now)
            return Answer(status=200, source=Source.MISS, body=reply.body, age=0)
        if status == 304 and current is not None and current.status == 200:
            async with self.db.write() as conn:
                await store.touch(conn, plan.key_hash, fetched_at=now)
            return self._from_store(replace(current, fetched_at=now), Source.REVALIDATED, now)
        code = _tmdb_error_code(reply.body)
        if status == 404 and code == _NOT_FOUND:
            await self._store(plan, 404, reply.body, None, now)
            return Answer(status=404, source=Source.MISS, error_code=_NOT_FOUND, age=0)
        if status == 429:
            wait = rules.retry_after_seconds(reply.retry_after, now)
            log.warning("upstream rate limit on %s: no upstream calls for %.0f s", plan.key, wait)
            self._pause(now, wait, by_429=True)
            return self._fallback(current, now)
        if 400 <= status < 500 and status not in {401, 403, 404, 407} and code is not None:
            # About the request itself (a bad page, bad parameters): the client's to see.
            return Answer(status=status, source=Source.MISS, body=reply.body)
        if status in {401, 403}:
            log.error("upstream refused filmshelf's token (HTTP %s): check FILMSHELF_UPSTREAM_TOKEN", status)
        else:
            log.warning("upstream %s answered HTTP %s", plan.key, status)
        return self._failed(current)

    async def _store(self, plan: rules.Plan, status: int, body: bytes, etag: str | None, now: float) -> None:
        await store_answer(self.db, plan, status=status, body=body, etag=etag, fetched_at=now)

    async def aclose(self) -> None:
        """Close the HTTP client's connections."""
        if self.client is not None:
            await self.client.aclose()


async def store_answer(
    db: Database, plan: rules.Plan, *, status: int, body: bytes, etag: str | None, fetched_at: float
) -> bool:
    """Store an upstream answer (200 or 404) under `plan`; return whether a catalog title was written.

    For a title's details the title's row in the local catalog is written first, as an import
    writes it (`catalog.importer`: same mapping, only when new or changed, list copies refreshed),
    then the answer. Details the importer refuses (a title over 512 characters, ...) are logged
    and still stored and served, but that title cannot go on lists."""
    wrote_title = False
    if status == 200 and plan.details and plan.media_type is not None and plan.media_id is not None:
        try:
            record = importer.detail_record(body, plan.media_type, plan.media_id)
        except importer.BadLineError as exc:
            log.warning("upstream %s: not usable as a catalog title: %s", plan.key, exc)
        else:
            counts = await importer.import_records(db, [record], now=fetched_at)
            wrote_title = bool(counts.added or counts.updated)
    async with db.write() as conn:
        await store.put(
            conn,
            key_hash=plan.key_hash,
            path=plan.path,
            query=plan.query,
            media_type=plan.media_type,
            media_id=plan.media_id,
            details=plan.details,
            status=status,
            body=body,
            etag=etag if status == 200 else None,
            fetched_at=fetched_at,
        )
    return wrote_title
