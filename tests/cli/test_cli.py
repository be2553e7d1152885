"""The `filmshelf` command's happy paths and refusals, in process against a temporary SQLite file."""

from __future__ import annotations

import base64
import json
import re

from filmshelf.auth.tokens import Keys, TokenKind, verify
from tests.cli.support import Cli

PASSWORD = "a long enough password\n"


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    loaded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return loaded


def test_users_and_apps(cli: Cli) -> None:
    cli.use(FILMSHELF_DATA_DIR=str(cli.folder / "data"), COLUMNS="200")
    assert cli("db", "upgrade").exit_code == 0
    # The secret was generated once, with owner-only permissions.
    secret = cli.folder / "data" / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600
    created = cli("users", "create", "carol", "--password-stdin", stdin=PASSWORD)
    assert created.exit_code == 0, created.stderr
    match = re.search(r"account_id (\d+), account_object_id ([0-9a-f]{24})", created.stdout)
    assert match
    object_id = match.group(2)

    app = cli("apps", "create", "--owner", "carol", "--name", "Carol's app", "--json")
    assert app.exit_code == 0, app.stderr
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
    assert "carol" in cli("users", "list").stdout
    listing = cli("apps", "list")
    assert data["api_key"] in listing.stdout and "Carol's app" in listing.stdout
    # Reused on later runs, never regenerated: tokens signed before a restart stay valid.
    assert secret.read_text() == generated
    again = json.loads(cli("apps", "create", "--owner", "carol", "--name", "Second", "--json").stdout)
    assert "app 'Third' (owner carol)" in cli("apps", "create", "--owner", "carol", "--name", "  Third ").stdout
    assert secret.read_text() == generated
    keys = Keys.derive(generated.strip())
    for token in (data["read_access_token"], again["read_access_token"]):
        nbf = claims(token)["nbf"]
        assert isinstance(nbf, float | int)
        assert verify(token, keys, TokenKind.APP, now=nbf + 1)["sub"] == object_id


def test_refusals(cli: Cli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    short = cli("users", "create", "dave", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 8" in short.stderr
    bad_name = cli("users", "create", "no spaces allowed", "--password-stdin", stdin=PASSWORD)
    assert bad_name.exit_code == 1
    assert cli("users", "create", "dave", "--password-stdin", stdin=PASSWORD).exit_code == 0
    dup = cli("users", "create", "DAVE", "--password-stdin", stdin=PASSWORD)
    assert dup.exit_code == 1 and "taken" in dup.stderr


def test_weak_secret_is_refused(cli: Cli) -> None:
    result = cli("db", "upgrade", FILMSHELF_SECRET_KEY="too-short")
    assert result.exit_code == 2 and "at least 32 bytes" in result.stderr
