#!/usr/bin/env python3
"""In-process cost of the discovery rows of `bench/run.py --only catalog` (issue 11).

Builds (once, then reuses) a catalog of the sample plus N synthetic titles with a 10,000-item
list, exactly as bench/run.py seeds it, then times the domain call each route makes
(`catalog.discover.read_page`, with one TotalsCache shared by every call, as a server process
keeps it) for each row, and the first activity refresh a server start runs. No sockets under
load, no wrk: the figures are per call, so they hold on a loaded machine far better than req/s.

    .venv/bin/python bench/discovery_inproc.py --engine sqlite --dir /tmp/fs-discovery
    .venv/bin/python bench/discovery_inproc.py --engine postgresql --dir /tmp/fs-discovery
    .venv/bin/python bench/discovery_inproc.py --engine sqlite --dir /tmp/fs-discovery --profile fixed

Synthetic titles (ids above 10,000,000) only ever go into these throw-away databases; the
PostgreSQL one is `filmshelf_discovery_bench` (`--drop` removes it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py: the same seeding and the same request paths

from filmshelf.catalog import discover, popularity
from filmshelf.catalog.discover import DiscoverParams, TotalsCache
from filmshelf.storage.engine import open_database

PG_NAME = "filmshelf_discovery_bench"
FIXED = "/3/discover/movie?with_genres=28&vote_count.gte=100&sort_by=vote_average.desc"


def params_of(path: str) -> tuple[DiscoverParams, int]:
    """A /3/discover/movie path as the route would parse it: (params, page)."""
    query = dict(parse_qsl(urlsplit(path).query))
    page = int(query.pop("page", "1"))
    return DiscoverParams(**{name.replace(".", "_"): value for name, value in query.items()}), page


def build(engine: str, workdir: Path, titles: int) -> str:
    """The database URL of a seeded catalog, made on the first call."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        FILMSHELF_DATA_DIR=str(workdir / f"data-{engine}"),
        FILMSHELF_SECRET_KEY="bench-secret-" + "b" * 40,
        FILMSHELF_RATE_LIMIT="0",
    )
    if engine == "sqlite":
        path = workdir / f"discovery-{titles}.sqlite3"
        url = f"sqlite:///{path}"
        if path.exists():
            return url
    else:
        url = bench.PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME
        if pg_exists():
            return url
        pg_admin(f'CREATE DATABASE "{PG_NAME}"')
    env["FILMSHELF_DATABASE_URL"] = url
    started = time.perf_counter()
    print(f"seeding {engine} with {titles:,} synthetic titles and a 10,000-item list ...", flush=True)
    bench.seed(env, workdir, titles=titles)
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def pg_admin(sql: str, *args: Any) -> Any:
    import asyncpg

    async def go() -> Any:
        conn = await asyncpg.connect(bench.PG_ADMIN, timeout=5)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(go())


def pg_exists() -> bool:
    return bool(pg_admin("SELECT 1 FROM pg_database WHERE datname = $1", PG_NAME))


def summary(name: str, took: list[float]) -> str:
    ms = sorted(t * 1000 for t in took)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{name:<44} n={len(ms):>4}  mean {statistics.fmean(ms):8.2f}  p50 {ms[len(ms) // 2]:8.2f}  "
        f"p99 {p99:8.2f}  max {ms[-1]:8.2f} ms"
    )


async def measure(url: str, *, calls: int, only: str | None, profile: str | None, refresh: bool) -> None:
    db = open_database(url)
    rng = random.Random(1)
    popular_paths, discover_paths = bench.discovery_paths()
    fixed_params, _ = params_of(FIXED)
    day = discover.today(time.time())

    def named(page: int) -> Callable[[Any, TotalsCache], Awaitable[Any]]:
        wanted, order = discover.named_list("popular", "movie", day)
        return lambda conn, totals: discover.read_page(conn, wanted, order, page=page, totals=totals)

    def trending() -> Callable[[Any, TotalsCache], Awaitable[Any]]:
        query = discover.trending_query("all", "day")
        assert query is not None
        return lambda conn, totals: discover.read_page(conn, *query, page=1, totals=totals)

    def discovered(params: DiscoverParams, page: int) -> Callable[[Any, TotalsCache], Awaitable[Any]]:
        wanted, order = discover.discover_query("movie", params)
        return lambda conn, totals: discover.read_page(conn, wanted, order, page=page, totals=totals)

    def random_popular() -> Callable[[Any, TotalsCache], Awaitable[Any]]:
        return named(int(rng.choice(popular_paths).rsplit("=", 1)[1]))

    def random_discover() -> Callable[[Any, TotalsCache], Awaitable[Any]]:
        return discovered(*params_of(rng.choice(discover_paths)))

    rows: dict[str, Callable[[], Callable[[Any, TotalsCache], Awaitable[Any]]]] = {
        "popular": lambda: named(1),
        "popular-random": random_popular,
        "trending": trending,
        "fixed": lambda: discovered(fixed_params, 1),
        "discover-random": random_discover,
    }
    try:
        if refresh:
            # What a server start runs first (app.py: refresh_stats_forever, last_run None), with a
            # ticker on the same loop: its longest gap is how long requests would have waited.
            gaps: list[float] = []
            done = asyncio.Event()

            async def ticker() -> None:
                last = time.perf_counter()
                while not done.is_set():
                    await asyncio.sleep(0.001)
                    now = time.perf_counter()
                    gaps.append(now - last)
                    last = now

            ticking = asyncio.create_task(ticker())
            started = time.perf_counter()
            refreshed = await db.run_apart(lambda apart: popularity.refresh_recent(apart, now=time.time()))
            refresh_took = time.perf_counter() - started
            done.set()
            await ticking
            print(
                f"first activity refresh: {refreshed:,} titles in {refresh_took * 1000:.0f} ms; "
                f"event loop held at most {max(gaps, default=0) * 1000:.0f} ms at a time"
            )
        for name, make in rows.items():
            if only and name != only:
                continue
            totals = TotalsCache()
            async with db.read() as conn:
                await make()(conn, totals)  # warm: statement compiled, pages cached by the engine
                took: list[float] = []
                profiler = None
                if profile == name:
                    from pyinstrument import Profiler

                    profiler = Profiler(interval=0.0005)
                    profiler.start()
                for _ in range(calls):
                    call = make()
                    started = time.perf_counter()
                    await call(conn, totals)
                    took.append(time.perf_counter() - started)
                if profiler is not None:
                    profiler.stop()
                    print(profiler.output_text(unicode=False, color=False, show_all=False))
            print(summary(name, took), flush=True)
    finally:
        await db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/filmshelf-discovery-bench"))
    parser.add_argument("--titles", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200, help="calls per row")
    parser.add_argument("--only", choices=("popular", "popular-random", "trending", "fixed", "discover-random"))
    parser.add_argument("--profile", choices=("popular", "popular-random", "trending", "fixed", "discover-random"))
    parser.add_argument("--refresh", action="store_true", help="time the first activity refresh first")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL bench database and exit")
    args = parser.parse_args()
    if args.drop:
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        return 0
    url = build(args.engine, args.dir, args.titles)
    asyncio.run(measure(url, calls=args.calls, only=args.only, profile=args.profile, refresh=args.refresh))
    return 0


if __name__ == "__main__":
    sys.exit(main())
