"""examples/app_with_double: movienight's own tests pass against the double, unchanged, and the same
app runs against `filmshelf serve --ephemeral` (the way a suite in another language would use it)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "examples" / "app_with_double"


def test_movienight_suite_passes_against_the_double() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:schemathesis", "-p", "no:hypothesispytest", str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=EXAMPLE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("5 passed"), result.stdout


def test_movienight_runs_against_an_ephemeral_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {name: value for name, value in os.environ.items() if not name.startswith("FILMSHELF_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "filmshelf", "serve", "--ephemeral", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        creds = json.loads(server.stdout.readline())
        app = subprocess.run(
            [
                sys.executable,
                str(EXAMPLE / "movienight.py"),
                "--base-url",
                creds["base_url"],
                "--api-key",
                creds["api_key"],
                "--username",
                creds["username"],
                # One argument: a generated password may begin with "-".
                f"--password={creds['password']}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert app.returncode == 0, app.stdout + app.stderr
        lines = app.stdout.splitlines()
        assert lines[0].startswith("popular: ") and lines[0].count(",") == 2
        assert lines[1] == "signed in as demo"
        assert lines[2].startswith("watchlist: ") and lines[3].startswith("tonight: ")
        assert lines[3].removeprefix("tonight: ") in lines[2]
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
