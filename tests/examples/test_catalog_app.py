"""examples/catalog_app.py, unchanged, against a live filmshelf: every call it makes is answered (2xx)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LiveServer

SCRIPT = Path(__file__).resolve().parent.parent.parent / "examples" / "catalog_app.py"


# One engine: the script exercises routes whose SQL is tested on both engines elsewhere.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_example_app_runs_against_a_live_server(server: LiveServer) -> None:
    account = server.create_user("demo", "demo password for the example")
    creds = server.create_app(account, "Example app")
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--base-url",
            server.base_url,
            "--token",
            creds.read_token,
            "--username",
            "demo",
            "--password",
            "demo password for the example",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].endswith("calls, 0 failed"), lines[-1]
    assert int(lines[-1].split()[0]) >= 40
    # The rows, the title page and the signed-in steps really had content.
    assert any(line.startswith("     popular: ") and len(line) > 30 for line in lines)
    assert any("signed in as demo" in line for line in lines)
    assert any("vote_average 8.5 from 1 votes" in line for line in lines)
    assert any(line.startswith("     list 'Watch next': 4 items") for line in lines)
