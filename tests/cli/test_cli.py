"""The `filmshelf` command, run as a real subprocess against a temporary SQLite file."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FILMSHELF = [sys.executable, "-m", "filmshelf"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = dict(os.environ)
    values.pop("FILMSHELF_SECRET_KEY", None)
    values.update(
        FILMSHELF_DATA_DIR=str(tmp_path / "data"),
        FILMSHELF_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    )
    return values


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FILMSHELF, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_users_and_apps(env: dict[str, str], tmp_path: Path) -> None:
    created = run(env, "users", "create", "carol", "--password-stdin", stdin="a long enough password\n")
    assert created.returncode == 0, created.stderr
    match = re.search(r"account_id (\d+), account_object_id ([0-9a-f]{24})", created.stdout)
    assert match
    object_id = match.group(2)
    # The secret was generated once, with owner-only permissions.
    secret = tmp_path / "data" / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600

    app = run(env, "apps", "create", "--owner", "carol", "--name", "Carol's app", "--json")
    assert app.returncode == 0, app.stderr
    data = json.loads(app.stdout)
    assert set(data) == {"api_key", "read_access_token"}
    assert re.fullmatch(r"[0-9a-f]{32}", data["api_key"])
    assert claims(data["read_access_token"]) == {
        "aud": data["api_key"],
        "nbf": claims(data["read_access_token"])["nbf"],
        "sub": object_id,
        "scopes": ["api_read"],
        "version": 1,
    }
    generated = secret.read_text()
    assert len(generated.strip()) >= 43  # 48 random bytes, URL-safe base64
    assert "carol" in run(env, "users", "list").stdout
    listing = run(env, "apps", "list")
    assert data["api_key"] in listing.stdout and "Carol's app" in listing.stdout
    # Reused on later runs, never regenerated: tokens signed before a restart stay valid.
    assert secret.read_text() == generated
    again = json.loads(run(env, "apps", "create", "--owner", "carol", "--name", "Second", "--json").stdout)
    assert secret.read_text() == generated
    from filmshelf.auth.tokens import Keys, TokenKind, verify

    keys = Keys.derive(generated.strip())
    for token in (data["read_access_token"], again["read_access_token"]):
        assert verify(token, keys, TokenKind.APP, now=claims(token)["nbf"] + 1)["sub"] == object_id


def test_refusals(env: dict[str, str]) -> None:
    short = run(env, "users", "create", "dave", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 8" in short.stderr
    bad_name = run(env, "users", "create", "no spaces allowed", "--password-stdin", stdin="long enough pass\n")
    assert bad_name.returncode == 1
    assert run(env, "users", "create", "dave", "--password-stdin", stdin="long enough pass\n").returncode == 0
    dup = run(env, "users", "create", "DAVE", "--password-stdin", stdin="long enough pass\n")
    assert dup.returncode == 1 and "taken" in dup.stderr
    missing = run(env, "apps", "create", "--owner", "nobody", "--name", "x")
    assert missing.returncode == 1 and "no such user" in missing.stderr


def test_weak_secret_is_refused(env: dict[str, str]) -> None:
    env["FILMSHELF_SECRET_KEY"] = "too-short"
    result = run(env, "db", "upgrade")
    assert result.returncode == 2 and "at least 32 bytes" in result.stderr


def test_serve_refuses_workers_on_sqlite(env: dict[str, str]) -> None:
    result = run(env, "serve", "--workers", "2", "--port", "0")
    assert result.returncode == 2 and "PostgreSQL" in result.stderr
