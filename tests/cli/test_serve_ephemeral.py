"""`filmshelf serve --ephemeral`: a real process on a free port, its JSON line read as a script would.

The credentials work on the API (read token, API key, the demo login), the database is a new
temporary one whatever FILMSHELF_DATABASE_URL says, and SIGTERM ends it cleanly with the
temporary folder removed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.cli.support import FILMSHELF_VARS, Cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_ephemeral_prints_working_credentials_and_removes_its_database(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name not in FILMSHELF_VARS}
    env["FILMSHELF_DATABASE_URL"] = f"sqlite:///{tmp_path}/not-this-one.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "filmshelf", "serve", "--ephemeral", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        creds = json.loads(line)
        assert set(creds) == {
            "base_url",
            "public_url",
            "api_key",
            "read_access_token",
            "username",
            "password",
            "account_id",
            "account_object_id",
            "database",
        }
        folder = Path(creds["database"].removeprefix("sqlite:///")).parent
        assert folder.is_dir() and folder != tmp_path
        with httpx.Client(base_url=creds["base_url"], timeout=30) as client:
            # Connecting right after the line works: the socket listens before it is printed.
            movie = client.get("/3/movie/11", headers={"Authorization": f"Bearer {creds['read_access_token']}"})
            assert movie.status_code == 200 and movie.json()["title"] == "Star Wars"
            token = client.get("/3/authentication/token/new", params={"api_key": creds["api_key"]}).json()
            login = {
                "username": creds["username"],
                "password": creds["password"],
                "request_token": token["request_token"],
            }
            validated = client.post(
                "/3/authentication/token/validate_with_login", params={"api_key": creds["api_key"]}, json=login
            )
            assert validated.status_code == 200, validated.text
            session = client.post(
                "/3/authentication/session/new",
                params={"api_key": creds["api_key"]},
                json={"request_token": token["request_token"]},
            ).json()["session_id"]
            account = client.get("/3/account", params={"api_key": creds["api_key"], "session_id": session}).json()
            assert (account["id"], account["username"]) == (creds["account_id"], "demo")
        assert not (tmp_path / "not-this-one.sqlite3").exists()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not folder.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_ephemeral_refuses_workers(cli: Cli) -> None:
    result = cli("serve", "--ephemeral", "--workers", "2")
    assert result.exit_code == 2 and "error: --ephemeral serves one process" in result.output
