#!/usr/bin/env python3
"""Run examples/tmdb_app.py against a filmshelf whose catalog comes from a second filmshelf.

Starts two `filmshelf serve` processes of this checkout on free loopback ports, each with its
own temporary SQLite database:

* the **upstream** stands in for api.themoviedb.org: the bundled sample catalog and an app whose
  API read access token the downstream uses;
* the **downstream** is what the app talks to: an empty catalog, a user and the app's own
  credentials, and `FILMSHELF_UPSTREAM_URL` / `_TOKEN` pointing at the upstream
  (`FILMSHELF_UPSTREAM_PREFER=upstream` by default, `--prefer local` for the other order).

Then runs the app against the downstream, prints its calls (with `X-Filmshelf-Upstream`), stops
both servers and exits with the app's status (0 when every call was answered).

    .venv/bin/python examples/through_upstream.py [--prefer upstream|local] [--keep]
        [--upstream-python ../other-checkout/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tmdb_app  # noqa: E402

PASSWORD = secrets.token_urlsafe(18)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def filmshelf(env: dict[str, str], *args: str, stdin: str | None = None, python: str = sys.executable) -> str:
    done = subprocess.run(
        [python, "-m", "filmshelf", *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"filmshelf {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def read_token(env: dict[str, str], owner: str, python: str = sys.executable) -> str:
    filmshelf(env, "users", "create", owner, "--password-stdin", stdin=PASSWORD + "\n", python=python)
    created = json.loads(
        filmshelf(env, "apps", "create", "--owner", owner, "--name", f"{owner}'s app", "--json", python=python)
    )
    return str(created["read_access_token"])


@contextmanager
def serving(env: dict[str, str], log: Path, python: str = sys.executable) -> Iterator[str]:
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [python, "-m", "filmshelf", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"filmshelf did not start; see {log}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--prefer", choices=["upstream", "local"], default="upstream")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (databases, logs)")
    parser.add_argument(
        "--upstream-python",
        default=sys.executable,
        help="the Python (of another checkout's virtualenv) that runs the upstream; default this one",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="filmshelf-upstream-"))
    base = {key: value for key, value in os.environ.items() if not key.startswith("FILMSHELF_")}
    base.update(FILMSHELF_SECRET_KEY=secrets.token_urlsafe(48), FILMSHELF_RATE_LIMIT="0")

    def env_for(name: str) -> dict[str, str]:
        (work / name).mkdir()
        return dict(
            base, FILMSHELF_DATA_DIR=str(work / name), FILMSHELF_DATABASE_URL=f"sqlite:///{work / name / 'db.sqlite3'}"
        )

    try:
        upstream_env = env_for("upstream")
        python = args.upstream_python
        filmshelf(upstream_env, "db", "upgrade", python=python)
        filmshelf(upstream_env, "catalog", "import", "--sample", python=python)
        upstream_token = read_token(upstream_env, "upstream-owner", python)
        downstream_env = env_for("downstream")
        filmshelf(downstream_env, "db", "upgrade")
        app_token = read_token(downstream_env, "viewer")
        with serving(upstream_env, work / "upstream.log", python) as upstream_url:
            downstream_env.update(
                FILMSHELF_UPSTREAM_URL=upstream_url,
                FILMSHELF_UPSTREAM_TOKEN=upstream_token,
                FILMSHELF_UPSTREAM_PREFER=args.prefer,
            )
            with serving(downstream_env, work / "downstream.log") as downstream_url:
                print(f"upstream {upstream_url}, downstream {downstream_url} (prefer {args.prefer})")
                calls = tmdb_app.run(downstream_url, app_token, "viewer", PASSWORD)
        missed = [call for call in calls if not call.answered]
        print(f"{len(calls) - len(missed)} of {len(calls)} calls answered")
        return 1 if missed else 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
