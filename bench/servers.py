#!/usr/bin/env python3
"""uvicorn against granian as filmshelf's server: the same app, the same database, the same run.

Seeds one throw-away SQLite database (as `make bench` does), then serves it alternately with
uvicorn (uvloop, httptools) and granian (ASGI, uvloop), one worker each, and loads each with wrk
against `POST /4/auth/request_token` and page 1 of a 10,000-item list. Rounds alternate
(u, g, u, g, ...) so drift on a shared machine hits both; the best round of each is kept and
the ratio granian / uvicorn printed, with the server's CPU time per request (all its
processes and threads, from /proc): on a shared machine the CPU time per request holds when
req/s drifts with the neighbours' load. A third server, uvicorn started directly (without
filmshelf's connection limits), shows what those limits cost. Loopback only, bounded in time.

    .venv/bin/python bench/servers.py [--duration 8] [--rounds 2] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PY, Figures, Server, free_port, lua, seed, start, wrk


def cpu_seconds(server: Server) -> float:
    """User + system CPU time of every process of the server's process group (all its threads and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == server.process.pid:  # fields[2] is the process group id
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def serve_uvicorn(env: dict[str, str]) -> Server:
    port = free_port()
    return start(
        [PY, "-m", "filmshelf", "serve", "--port", str(port), "--workers", "1"], env, f"http://127.0.0.1:{port}"
    )


def serve_stock_uvicorn(env: dict[str, str]) -> Server:
    """uvicorn without filmshelf's connection limits (to see what they cost)."""
    port = free_port()
    cmd = [PY, "-m", "uvicorn", "--loop", "uvloop", "--http", "httptools", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--log-level", "warning", "--no-access-log", "filmshelf.asgi:app"]
    return start(cmd, env, f"http://127.0.0.1:{port}")


def serve_granian(env: dict[str, str]) -> Server:
    port = free_port()
    cmd = [PY, "-m", "granian", "--interface", "asgi", "--loop", "uvloop", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "1", "--log-level", "warning", "filmshelf.asgi:app"]
    return start(cmd, env, f"http://127.0.0.1:{port}")


SERVERS = [("uvicorn", serve_uvicorn), ("granian", serve_granian), ("uvicorn-stock", serve_stock_uvicorn)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--titles", type=int, default=20_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="filmshelf-servers-"))
    best: dict[tuple[str, str], Figures] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    try:
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
        scenarios = [
            (
                "POST /4/auth/request_token",
                "/4/auth/request_token",
                lua(workdir / "rt.lua", method="POST", headers=app_h, body="{}"),
            ),
            (
                "GET /4/list/{id} page 1 of 10,000",
                f"/4/list/{seeded.list_id}?page=1&sort_by=original_order.asc",
                lua(workdir / "list.lua", method="GET", headers=user_h),
            ),
        ]
        for round_no in range(args.rounds):
            for name, launch in SERVERS:
                server = launch(env)
                try:
                    for label, path, script in scenarios:
                        # Warm-up first (wrk's own), then CPU time is counted over the measured run only.
                        wrk(label, server.url + path, script=script, duration=2, connections=args.connections, warmup=0)
                        before = cpu_seconds(server)
                        figures = wrk(
                            f"{label} ({name})",
                            server.url + path,
                            script=script,
                            duration=args.duration,
                            connections=args.connections,
                            warmup=0,
                        )
                        used = cpu_seconds(server) - before
                        requests = figures.rps * args.duration
                        figures.extra["cpu_us"] = used / requests * 1e6 if requests else 0.0
                        print(
                            f"round {round_no + 1} {name:<13} {label:<36} {figures.rps:>8.0f} req/s  "
                            f"p50 {figures.p50_ms:6.2f} ms  p99 {figures.p99_ms:6.2f} ms  "
                            f"server CPU {figures.extra['cpu_us']:6.0f} us/req  "
                            f"errors {figures.errors} non2xx {figures.non2xx}",
                            flush=True,
                        )
                        key = (name, label)
                        if key not in best or figures.rps > best[key].rps:
                            best[key] = figures
                        cpu.setdefault(key, []).append(figures.extra["cpu_us"])
                finally:
                    server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    names = [name for name, _ in SERVERS]
    print(
        f"{'1 worker, SQLite, best of ' + str(args.rounds):<40}"
        + "".join(f"{n:>15}" for n in names)
        + f"{'granian/uvicorn':>17}"
    )
    for label, _, _ in scenarios:
        rps = [best[(name, label)].rps for name in names]
        p99 = [best[(name, label)].p99_ms for name in names]
        ratio = rps[1] / rps[0]
        print(f"{label:<40}" + "".join(f"{r:>11.0f} r/s" for r in rps) + f"{ratio:>16.2f}x")
        print(f"{'  p99':<40}" + "".join(f"{p:>12.2f} ms" for p in p99))
        median_cpu = [sorted(cpu[(name, label)])[len(cpu[(name, label)]) // 2] for name in names]
        print(f"{'  server CPU per request (median)':<40}" + "".join(f"{c:>12.0f} us" for c in median_cpu))
    return 0


if __name__ == "__main__":
    sys.exit(main())
