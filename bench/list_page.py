#!/usr/bin/env python3
"""Time page 1 of a 10,000-item list, over loopback, in two orders.

Seeds a throw-away SQLite database (or the PostgreSQL database given with --database-url, which
must be empty) with 10,000 synthetic movies (ids from 1,900,000,000 up, named "Synthetic bench
NNNNN": benchmark data only), one account, one app and one public list holding all of them,
then serves filmshelf with uvicorn on 127.0.0.1 and times N sequential
`GET /4/list/{id}?sort_by=...` calls with the app's read token for `original_order.asc` and
`vote_average.desc` (plus the last page, 500, for contrast).

    .venv/bin/python bench/list_page.py [--requests 200] [--items 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from filmshelf.accounts import users
from filmshelf.accounts.passwords import Hasher
from filmshelf.app import create_app
from filmshelf.auth import apps as app_rules
from filmshelf.auth.tokens import Keys
from filmshelf.clock import SystemClock
from filmshelf.lists import service
from filmshelf.settings import Settings
from filmshelf.storage.engine import open_database
from filmshelf.storage.migrate import upgrade
from filmshelf.storage.tables import titles
from filmshelf.storage.upsert import upsert

BASE_ID = 1_900_000_000
SECRET = "bench-secret-" + "b" * 40


async def seed(url: str, items: int) -> tuple[int, str]:
    """Create the account, app, titles and list; return (list id, app read token)."""
    db = open_database(url)
    now = time.time()
    try:
        account = await users.create_account(
            db,
            hasher=Hasher(),
            username="bench",
            password="benchmark password",  # noqa: S106
            now=now,
        )
        app = await app_rules.create_app(db, owner_id=account.id, name="bench", now=now)
        rows = [
            {
                "media_type": "movie",
                "id": BASE_ID + n,
                "title": f"Synthetic bench {n:05d}",
                "original_title": f"Synthetic bench {n:05d}",
                "original_language": "en",
                "release_date": f"{1950 + n % 70}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "genre_ids": "[18]",
                "origin_country": "[]",
                "overview": "Synthetic benchmark title.",
                "popularity": float(n % 100),
                "vote_average": round((n * 7919) % 1000 / 100, 2),
                "vote_count": n,
                "adult": False,
                "video": False,
                "runtime": 90 + n % 60,
                "revenue": n * 1000,
                "title_key": f"synthetic bench {n:05d}",
                "updated_at": now,
            }
            for n in range(items)
        ]
        async with db.write() as conn:
            for start in range(0, len(rows), 1000):
                await upsert(conn, titles, rows[start : start + 1000], key=["media_type", "id"], update=["title"])
            list_id = await service.create_list(
                conn,
                account_id=account.id,
                name="Bench",
                description="",
                public=True,
                iso_639_1="en",
                iso_3166_1="US",
                now=now,
            )
            for start in range(0, items, 1000):
                batch = [service.ItemInput("movie", BASE_ID + n) for n in range(start, min(items, start + 1000))]
                await service.add_items(conn, list_id=list_id, account_id=account.id, items=batch, now=now)
        return list_id, app_rules.read_access_token(app, Keys.derive(SECRET))
    finally:
        await db.dispose()


def serve(url: str) -> tuple[uvicorn.Server, threading.Thread, str]:
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        public_url="http://127.0.0.1",
        data_dir=Path(tempfile.gettempdir()),
        rate_limit_per_second=0,
    )
    app = create_app(settings, clock=SystemClock())
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
    # without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{port}"


def measure(client: httpx.Client, path: str, params: dict[str, Any], requests: int) -> list[float]:
    for _ in range(10):  # warm-up
        assert client.get(path, params=params).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path, params=params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and len(response.json()["results"]) == 20, response.text[:200]
    return times


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="an EMPTY database (default: a temp SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        started = time.perf_counter()
        list_id, token = asyncio.run(seed(url, args.items))
        print(f"seeded {args.items} items on {url.split(':')[0]} in {time.perf_counter() - started:.1f} s")
        server, thread, base = serve(url)
        try:
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
                last = -(-args.items // 20)
                print(f"{'request':44} {'median ms':>10} {'p95 ms':>8} {'mean ms':>8}")
                for sort_by, page in [
                    ("original_order.asc", 1),
                    ("vote_average.desc", 1),
                    ("original_order.asc", min(last, 500)),
                    ("vote_average.desc", min(last, 500)),
                ]:
                    times = sorted(
                        measure(client, f"/4/list/{list_id}", {"sort_by": sort_by, "page": page}, args.requests)
                    )
                    label = f"GET /4/list/{list_id}?sort_by={sort_by}&page={page}"
                    p95 = times[int(len(times) * 0.95) - 1]
                    print(f"{label:44} {statistics.median(times):10.2f} {p95:8.2f} {statistics.fmean(times):8.2f}")
        finally:
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main()
