#!/usr/bin/env python3
"""`make bench`: load filmshelf on loopback with wrk and print one table against a baseline.

The baseline is a bare Starlette hello-world in the same Python, measured in the same run
(these machines are shared and noisy: ratios hold, absolute figures drift). Every load goes to
127.0.0.1 only and is bounded in time. Synthetic titles (ids above 10,000,000) exist only in the
throw-away benchmark databases.

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_ADMIN = os.environ.get("FILMSHELF_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "benchmark password"


# --- processes ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def rss_mb(self) -> float:
        """Resident memory of the server process and its children (workers), in MB."""
        pids = [self.process.pid]
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        pids += [int(pid) for pid in children.split()]
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            total += int(match.group(1)) if match else 0
        return total / 1024

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


def start(cmd: list[str], env: dict[str, str], url: str, probe: str = "/openapi.json") -> Server:
    process = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + probe, timeout=2).status_code < 500:
                return Server(process, url)
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"server {' '.join(cmd)} did not start")


def filmshelf(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([PY, "-m", "filmshelf", *args], env=env, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"filmshelf {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def serve(env: dict[str, str], workers: int = 1) -> Server:
    port = free_port()
    return start(
        [PY, "-m", "filmshelf", "serve", "--port", str(port), "--workers", str(workers)],
        env,
        f"http://127.0.0.1:{port}",
    )


# --- wrk -----------------------------------------------------------------------------------------
@dataclass
class Figures:
    name: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    non2xx: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(name: str, out: str) -> Figures:
    figures = Figures(name)
    if match := re.search(r"Requests/sec:\s+([\d.]+)", out):
        figures.rps = float(match.group(1))
    if match := re.search(r"\n\s+50%\s+(\S+)", out):
        figures.p50_ms = _ms(match.group(1))
    if match := re.search(r"\n\s+99%\s+(\S+)", out):
        figures.p99_ms = _ms(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        figures.errors = sum(int(x) for x in match.groups())
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        figures.non2xx = int(match.group(1))
    return figures


def wrk(name: str, url: str, *, script: Path | None, duration: int, connections: int, warmup: int = 3) -> Figures:
    base = ["wrk", "-t2", f"-c{connections}", "--latency", "--timeout", "5s"]
    if script:
        base += ["-s", str(script)]
    if warmup:
        subprocess.run([*base, f"-d{warmup}s", url], capture_output=True, text=True)
    out = subprocess.run([*base, f"-d{duration}s", url], capture_output=True, text=True).stdout
    return parse_wrk(name, out)


def wrk_parallel(name: str, urls: list[str], *, script: Path | None, duration: int, connections: int) -> Figures:
    """Several wrk processes at once (one per instance); throughput summed, worst percentiles kept."""
    per = max(1, connections // len(urls))
    for url in urls:  # warm-up
        base = ["wrk", "-t1", f"-c{per}", "-d2s"] + (["-s", str(script)] if script else [])
        subprocess.run([*base, url], capture_output=True)
    procs = []
    for url in urls:
        base = ["wrk", "-t1", f"-c{per}", "--latency", "--timeout", "5s", f"-d{duration}s"]
        base += ["-s", str(script)] if script else []
        procs.append(subprocess.Popen([*base, url], stdout=subprocess.PIPE, text=True))
    parts = [parse_wrk(name, p.communicate()[0]) for p in procs]
    return Figures(
        name,
        rps=sum(p.rps for p in parts),
        p50_ms=max(p.p50_ms for p in parts),
        p99_ms=max(p.p99_ms for p in parts),
        errors=sum(p.errors for p in parts),
        non2xx=sum(p.non2xx for p in parts),
    )


def lua(path: Path, *, method: str, headers: dict[str, str], body: str | None = None) -> Path:
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    body_line = f"wrk.body = {json.dumps(body)}" if body is not None else ""
    path.write_text(f'wrk.method = "{method}"\n{header_lines}\n{body_line}\n')
    return path


def lua_random_paths(path: Path, paths: list[str], *, headers: dict[str, str]) -> Path:
    """Each request GETs one of `paths`, picked at random (seeded per thread)."""
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    listed = ",\n".join(json.dumps(p) for p in paths)
    path.write_text(
        f"""
{header_lines}
local paths = {{
{listed}
}}
function init(args)
  math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""
    )
    return path


def discovery_paths(count: int = 2000, seed: int = 11) -> tuple[list[str], list[str]]:
    """(random /3/movie/popular pages, random /3/discover/movie filter sets) for wrk.

    The discover set mixes a genre (or two, AND or OR), a year range, a vote-count floor and any
    of TMDB's 14 sort orders: about 150,000 combinations, so most totals are not cached.
    """
    import random

    rng = random.Random(seed)
    genres = [28, 12, 16, 35, 80, 99, 18, 10751, 14, 36, 27, 10402, 9648, 10749, 878, 53, 10752, 37]
    sorts = [
        f"{key}.{way}"
        for key in (
            "popularity",
            "revenue",
            "primary_release_date",
            "title",
            "original_title",
            "vote_average",
            "vote_count",
        )
        for way in ("asc", "desc")
    ]
    popular = [f"/3/movie/popular?page={rng.randint(1, 500)}" for _ in range(count)]
    discover = []
    for _ in range(count):
        first, second = rng.sample(genres, 2)
        genre = rng.choice([str(first), f"{first},{second}", f"{first}|{second}"])
        start = rng.randint(1920, 2020)
        discover.append(
            f"/3/discover/movie?with_genres={genre.replace('|', '%7C')}"
            f"&primary_release_date.gte={start}-01-01&primary_release_date.lte={start + rng.randint(1, 10)}-12-31"
            f"&vote_count.gte={rng.choice([0, 10, 100])}&sort_by={rng.choice(sorts)}&page={rng.randint(1, 3)}"
        )
    return popular, discover


def discovery_rows(
    url: str, headers: dict[str, str], workdir: Path, *, label: str, duration: int, connections: int
) -> list[tuple[Figures, str]]:
    """The discovery scenarios (issue 11) against one server: (figures, target) pairs."""
    popular_paths, discover_paths = discovery_paths()
    fixed = "/3/discover/movie?with_genres=28&vote_count.gte=100&sort_by=vote_average.desc"
    scenarios = [
        (f"GET /3/movie/popular page 1 ({label})", url + "/3/movie/popular", None, ">= 0.10x, p99 <= 50 ms"),
        (
            f"GET /3/movie/popular random page 1-500 ({label})",
            url + "/3/movie/popular",
            lua_random_paths(workdir / "popular.lua", popular_paths, headers=headers),
            ">= 0.05x, p99 <= 100 ms",
        ),
        (f"GET /3/trending/all/day page 1 ({label})", url + "/3/trending/all/day", None, ">= 0.05x, p99 <= 100 ms"),
        (f"GET {fixed} ({label})", url + fixed, None, ">= 0.10x, p99 <= 50 ms"),
        (
            f"GET /3/discover/movie, 2,000 random filter sets ({label})",
            url + "/3/discover/movie",
            lua_random_paths(workdir / "discover.lua", discover_paths, headers=headers),
            "p99 <= 250 ms",
        ),
    ]
    found = []
    for name, target_url, script, target in scenarios:
        script = script or lua(workdir / "discovery-get.lua", method="GET", headers=headers)
        found.append((wrk(name, target_url, script=script, duration=duration, connections=connections), target))
    return found


def lua_token_stream(path: Path, tokens_file: Path, *, headers: dict[str, str]) -> Path:
    """Each request exchanges the next never-used approved request token (threads take disjoint halves)."""
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    path.write_text(
        f"""
local counter = 0
local threads = {{}}
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  tokens = {{}}
  local n = 0
  for line in io.lines("{tokens_file}") do
    n = n + 1
    if n % 2 == tid - 1 then tokens[#tokens + 1] = line end
  end
  index = 0
end
wrk.method = "POST"
{header_lines}
function request()
  index = index + 1
  local token = tokens[index] or "exhausted"
  return wrk.format(nil, nil, nil, '{{"request_token":"' .. token .. '"}}')
end
"""
    )
    return path


# --- seeding -------------------------------------------------------------------------------------
@dataclass
class Seeded:
    read_token: str
    access_token: str
    account_object_id: str
    list_id: int
    api_key: str


def approve(base_url: str, token: str) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as browser:
        login = browser.get("/login")
        browser.post(
            "/login",
            data={"username": "bench", "password": PASSWORD, "next": "/", "_csrf_token": CSRF.findall(login.text)[0]},
        )
        page = browser.get("/auth/access", params={"request_token": token})
        browser.post(
            "/auth/access",
            data={"request_token": token, "decision": "approve", "_csrf_token": CSRF.findall(page.text)[0]},
        )


def seed(env: dict[str, str], workdir: Path, *, titles: int) -> Seeded:
    """User, app, `titles` synthetic titles, a 10,000-item list and 20 favorites, all through filmshelf."""
    filmshelf(env, "db", "upgrade")
    filmshelf(env, "catalog", "import", "--sample")
    export = workdir / f"titles-{titles}-rich.json.gz"
    if not export.exists():
        subprocess.run(
            [PY, str(ROOT / "bench" / "gen_export.py"), str(export), "--lines", str(titles), "--rich"],
            check=True,
            capture_output=True,
        )
    filmshelf(env, "catalog", "import", str(export))
    filmshelf(env, "users", "create", "bench", "--password-stdin", stdin=PASSWORD + "\n")
    app = json.loads(filmshelf(env, "apps", "create", "--owner", "bench", "--name", "bench", "--json"))
    server = serve(env)
    try:
        app_headers = {"Authorization": f"Bearer {app['read_access_token']}"}
        with httpx.Client(base_url=server.url, timeout=120) as client:
            token = client.post("/4/auth/request_token", headers=app_headers).json()["request_token"]
            approve(server.url, token)
            exchanged = client.post("/4/auth/access_token", headers=app_headers, json={"request_token": token}).json()
            user = {"Authorization": f"Bearer {exchanged['access_token']}"}
            list_id = client.post("/4/list", headers=user, json={"name": "Ten thousand", "iso_639_1": "en"}).json()[
                "id"
            ]
            for start in range(0, 10_000, 1000):
                items = [{"media_type": "movie", "media_id": 10_000_001 + i} for i in range(start, start + 1000)]
                response = client.post(f"/4/list/{list_id}/items", headers=user, json={"items": items})
                assert response.status_code in (200, 201), response.text
            session = client.post(
                "/3/authentication/session/convert/4",
                headers=app_headers,
                json={"access_token": exchanged["access_token"]},
            ).json()["session_id"]
            account = client.get("/3/account", headers=app_headers, params={"session_id": session}).json()
            for movie in (550, 13, 680, 155, 27205, 603, 278, 238, 10_000_100, 10_000_200, 10_000_300):
                client.post(
                    f"/3/account/{account['id']}/favorite",
                    headers=app_headers,
                    params={"session_id": session},
                    json={"media_type": "movie", "media_id": movie, "favorite": True},
                )
    finally:
        server.stop()
    return Seeded(app["read_access_token"], exchanged["access_token"], exchanged["account_id"], list_id, app["api_key"])


_TOKEN_SCRIPT = """
import asyncio, sys, time
from filmshelf.settings import Settings
from filmshelf.auth.tokens import Keys
from filmshelf.auth import request_tokens, apps
from filmshelf.storage.engine import open_database
from filmshelf.storage.tables import request_tokens as rt_table, accounts
from sqlalchemy import insert, select

async def main():
    settings = Settings.from_env()
    keys = Keys.derive(settings.secret_key)
    db = open_database(settings.database_url)
    async with db.read() as conn:
        app = await apps.app_by_api_key(conn, sys.argv[1])
        account_id = await conn.scalar(select(accounts.c.id).where(accounts.c.username_key == "bench"))
    now = time.time()
    tokens, rows = [], []
    for _ in range(int(sys.argv[3])):
        token = request_tokens.issue(app, keys, now=now, redirect_to=None)
        pending = request_tokens.read(token, keys, now=now)
        tokens.append(token)
        rows.append(dict(jti=pending.jti, app_id=app.id, account_id=account_id, state="approved",
                         expires_at=now + 3000, decided_at=now))
    async with db.write() as conn:
        for start in range(0, len(rows), 5000):
            await conn.run(insert(rt_table), rows[start:start + 5000])
    await db.dispose()
    open(sys.argv[2], "w").write("\\n".join(tokens) + "\\n")

asyncio.run(main())
"""


def make_tokens(env: dict[str, str], api_key: str, path: Path, count: int) -> Path:
    """`count` approved, never-used request tokens of the bench app, written one a line."""
    subprocess.run([PY, "-c", _TOKEN_SCRIPT, api_key, str(path), str(count)], env=env, check=True)
    return path


# --- PostgreSQL ----------------------------------------------------------------------------------
@contextmanager
def pg_database() -> Iterator[str | None]:
    import asyncpg

    name = f"filmshelf_bench_{secrets.token_hex(3)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL unavailable ({exc!r}); skipping the PostgreSQL rows")
        yield None
        return
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the run -------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--import-lines", type=int, default=1_000_000)
    parser.add_argument("--titles", type=int, default=100_000, help="synthetic titles in the served catalog")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument(
        "--only", choices=("all", "catalog"), default="all", help="catalog: the baseline and the discovery rows only"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make bench does it when root)")
        return 2
    duration, conns = args.duration, args.connections
    catalog_only = args.only == "catalog"
    workdir = Path(tempfile.mkdtemp(prefix="filmshelf-bench-"))
    rows: list[Figures] = []
    targets: dict[str, str] = {}
    try:
        # Baseline.
        port = free_port()
        hello = start(
            [PY, str(ROOT / "bench" / "hello_starlette.py"), str(port)],
            dict(os.environ),
            f"http://127.0.0.1:{port}",
            probe="/",
        )
        baseline = wrk(
            "baseline: bare Starlette hello (1 worker)",
            hello.url + "/",
            script=None,
            duration=duration,
            connections=conns,
        )
        hello.stop()
        rows.append(baseline)

        # SQLite.
        env = dict(os.environ)
        env.update(
            FILMSHELF_DATA_DIR=str(workdir / "data"),
            FILMSHELF_DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
            FILMSHELF_SECRET_KEY="bench-secret-" + "b" * 40,
            FILMSHELF_RATE_LIMIT="0",
        )
        print(f"seeding SQLite with {args.titles:,} synthetic titles and a 10,000-item list ...", flush=True)
        seeded = seed(env, workdir, titles=args.titles)
        app_h = {"Authorization": f"Bearer {seeded.read_token}", "Content-Type": "application/json"}
        user_h = {"Authorization": f"Bearer {seeded.access_token}"}
        server = serve(env)
        url = server.url
        for figures, target in discovery_rows(
            url,
            {"Authorization": f"Bearer {seeded.read_token}"},
            workdir,
            label=f"SQLite, {args.titles // 1000}k titles",
            duration=duration,
            connections=conns,
        ):
            rows.append(figures)
            targets[figures.name] = target
        if catalog_only:
            server.stop()
            report(rows, baseline, targets)
            shutil.rmtree(workdir, ignore_errors=True)
            return 0
        tokens = make_tokens(env, seeded.api_key, workdir / "tokens.txt", count=120_000)
        rows.append(
            wrk(
                "POST /4/auth/request_token (SQLite, 1 worker)",
                url + "/4/auth/request_token",
                script=lua(workdir / "rt.lua", method="POST", headers=app_h, body="{}"),
                duration=duration,
                connections=conns,
            )
        )
        targets[rows[-1].name] = ">= 0.35x"
        rows.append(
            wrk(
                "POST /4/auth/access_token (SQLite, fresh tokens)",
                url + "/4/auth/access_token",
                script=lua_token_stream(workdir / "at.lua", tokens, headers=app_h),
                duration=duration,
                connections=conns,
                warmup=0,
            )
        )
        targets[rows[-1].name] = ">= 0.12x, p99 <= 50 ms"
        for sort in ("original_order.asc", "vote_average.desc"):
            rows.append(
                wrk(
                    f"GET /4/list/{{id}} page 1 of 10,000, {sort} (SQLite)",
                    f"{url}/4/list/{seeded.list_id}?page=1&sort_by={sort}",
                    script=lua(workdir / "list.lua", method="GET", headers=user_h),
                    duration=duration,
                    connections=conns,
                )
            )
            targets[rows[-1].name] = ">= 0.15x, p99 <= 50 ms"
        rows.append(
            wrk(
                "GET /4/account/{id}/movie/favorites (SQLite)",
                f"{url}/4/account/{seeded.account_object_id}/movie/favorites",
                script=lua(workdir / "fav.lua", method="GET", headers=user_h),
                duration=duration,
                connections=conns,
            )
        )
        rss = server.rss_mb()
        server.stop()
        rows.append(
            Figures(
                f"server RSS with {args.titles:,}+ titles (1 worker, after load)",
                note=f"{rss:.0f} MB",
                extra={"rss": rss},
            )
        )
        targets[rows[-1].name] = "< 150 MB"

        # Import of a generated export into a fresh database.
        export = workdir / "import.json.gz"
        subprocess.run(
            [PY, str(ROOT / "bench" / "gen_export.py"), str(export), "--lines", str(args.import_lines)],
            check=True,
            capture_output=True,
        )
        import_env = env | {"FILMSHELF_DATABASE_URL": f"sqlite:///{workdir}/import.sqlite3"}
        filmshelf(import_env, "db", "upgrade")
        started = time.monotonic()
        filmshelf(import_env, "catalog", "import", str(export))
        seconds = time.monotonic() - started
        rows.append(
            Figures(
                f"catalog import, {args.import_lines:,} export lines (SQLite)",
                note=f"{seconds:.1f} s, {args.import_lines / seconds:,.0f} lines/s",
                extra={"s": seconds},
            )
        )
        targets[rows[-1].name] = "< 60 s"

        if not args.skip_pg:
            with pg_database() as pg_url:
                if pg_url:
                    pg_env = env | {"FILMSHELF_DATABASE_URL": pg_url, "FILMSHELF_DATA_DIR": str(workdir / "pgdata")}
                    print("seeding PostgreSQL ...", flush=True)
                    pg_seeded = seed(pg_env, workdir, titles=20_000)
                    app_pg = {"Authorization": f"Bearer {pg_seeded.read_token}", "Content-Type": "application/json"}
                    user_pg = {"Authorization": f"Bearer {pg_seeded.access_token}"}
                    rt_script = lua(workdir / "rt-pg.lua", method="POST", headers=app_pg, body="{}")
                    list_script = lua(workdir / "list-pg.lua", method="GET", headers=user_pg)
                    list_path = f"/4/list/{pg_seeded.list_id}?page=1&sort_by=vote_average.desc"
                    one = serve(pg_env, workers=1)
                    rows.append(
                        wrk(
                            "POST /4/auth/request_token (PostgreSQL, 1 worker)",
                            one.url + "/4/auth/request_token",
                            script=rt_script,
                            duration=duration,
                            connections=conns,
                        )
                    )
                    targets[rows[-1].name] = ">= 0.35x"
                    single = wrk(
                        "GET list page 1 (PostgreSQL, one instance)",
                        one.url + list_path,
                        script=list_script,
                        duration=duration,
                        connections=conns,
                    )
                    rows.append(single)
                    one.stop()
                    two = serve(pg_env, workers=2)
                    rows.append(
                        wrk(
                            "POST /4/auth/request_token (PostgreSQL, 2 workers)",
                            two.url + "/4/auth/request_token",
                            script=rt_script,
                            duration=duration,
                            connections=conns,
                        )
                    )
                    targets[rows[-1].name] = ">= 0.6x"
                    two.stop()
                    first, second = serve(pg_env), serve(pg_env)
                    same = (
                        httpx.get(first.url + list_path, headers=user_pg).json()
                        == httpx.get(second.url + list_path, headers=user_pg).json()
                    )
                    pair = wrk_parallel(
                        "GET list page 1 (PostgreSQL, two instances)",
                        [first.url + list_path, second.url + list_path],
                        script=list_script,
                        duration=duration,
                        connections=conns,
                    )
                    pair.note = f"{pair.rps / single.rps:.2f}x one instance; same answers: {same}"
                    pair.extra = {"scale": pair.rps / single.rps, "same": same}
                    rows.append(pair)
                    targets[rows[-1].name] = ">= 1.6x one instance"
                    first.stop()
                    second.stop()
                    one = serve(pg_env, workers=1)
                    for figures, target in discovery_rows(
                        one.url,
                        {"Authorization": f"Bearer {pg_seeded.read_token}"},
                        workdir,
                        label="PostgreSQL, 20k titles",
                        duration=duration,
                        connections=conns,
                    ):
                        rows.append(figures)
                        targets[figures.name] = target
                    one.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(rows, baseline, targets)
    return 0


def verdict(row: Figures, baseline: Figures, target: str) -> str:
    if not target:
        return ""
    ok = True
    ratio = row.rps / baseline.rps if baseline.rps else 0
    if match := re.search(r">= ([\d.]+)x$|>= ([\d.]+)x,", target):
        ok &= ratio >= float(match.group(1) or match.group(2))
    if match := re.search(r"p99 <= (\d+) ms", target):
        ok &= row.p99_ms <= float(match.group(1))
    if "RSS" in row.name:
        ok &= row.extra["rss"] < 150
    if "import" in row.name:
        ok &= row.extra["s"] < 60
    if "two instances" in row.name:
        ok &= row.extra["scale"] >= 1.6 and row.extra["same"]
    if not row.rps and ("x" in target or "p99" in target):
        return "MISSED"
    if row.rps:
        ok &= row.errors == 0 and row.non2xx == 0 and (row.p50_ms == 0 or row.p99_ms <= 10 * row.p50_ms)
    return "met" if ok else "MISSED"


def report(rows: list[Figures], baseline: Figures, targets: dict[str, str]) -> None:
    print()
    print(f"machine: {os.cpu_count()} cores, {platform_text()}; wrk -t2 -c32 (warm-up 3 s), ratios vs baseline")
    header = f"{'scenario':<58} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'non2xx':>6} {'x base':>7}  target / result"
    print(header)
    print("-" * len(header))
    for row in rows:
        target = targets.get(row.name, "")
        if row.rps:
            ratio = row.rps / baseline.rps if baseline.rps else 0
            print(
                f"{row.name:<58} {row.rps:>8.0f} {row.p50_ms:>8.2f} {row.p99_ms:>8.2f} {row.errors:>6} "
                f"{row.non2xx:>6} {ratio:>6.2f}x  {target} {verdict(row, baseline, target)} {row.note}"
            )
        else:
            print(f"{row.name:<58} {row.note:>48}  {target} {verdict(row, baseline, target)}")


def platform_text() -> str:
    import platform

    return f"Python {platform.python_version()}, {platform.machine()}"


if __name__ == "__main__":
    sys.exit(main())
