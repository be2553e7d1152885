"""Every mistake at the command line: one or two lines saying what is wrong and what to do, a non-zero exit,
never a traceback (issue 9 §3). Run in process through Typer's CliRunner (no server), except where the real
`python -m filmshelf` entry point itself is what is tested.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import Result

from filmshelf import __version__
from filmshelf.cli import app
from tests.cli.support import Cli


def short_failure(result: Result, code: int, *fragments: str) -> None:
    """Exit `code`, one or two lines on stderr starting `error:`, each fragment in them, nothing on stdout."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == code, (result.exit_code, result.output)
    assert 1 <= len(lines) <= 2 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert result.stdout == ""


def in_use_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


# --- the command itself -------------------------------------------------------------------------------------
def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"filmshelf {__version__}\n"


def every_command() -> dict[str, Any]:
    """Every command and group of `filmshelf` (the root is ""), from the Typer app itself."""
    found: dict[str, Any] = {}

    def walk(command: Any, path: list[str]) -> None:
        found[" ".join(path)] = command
        if isinstance(command, TyperGroup):
            for name, sub in sorted(command.commands.items()):
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = every_command()


def test_the_help_test_sees_every_command() -> None:
    assert {"", "serve", "db upgrade", "catalog fetch", "access list", "access revoke", "data export"} <= set(COMMANDS)
    assert len(COMMANDS) > 25


@pytest.mark.parametrize("name", COMMANDS, ids=lambda name: name or "filmshelf")
def test_help_shows_flags_as_flags(cli: Cli, name: str) -> None:
    text = cli(*name.split(), "--help", COLUMNS="200").stdout
    # Typer's rich help showed `<bool>` after every flag, as if it took a value, and `--demo --no-demo`;
    # an option without a metavar shows its Python type (`--user <str>`, `--concurrency <int range>`).
    assert "<bool>" not in text and "--no-" not in text, text
    options = [line.strip() for line in text.splitlines() if line.strip().startswith("--")]
    assert options and not any(re.search(r"<[A-Za-z]", line) for line in options), options
    flags = [opt for param in COMMANDS[name].params if getattr(param, "is_flag", False) for opt in param.opts]
    assert name not in {"", "serve", "catalog import"} or flags, name  # --version, --demo, --sample...
    for flag in {"--help", *flags}:
        line = next(line for line in options if line.startswith(flag + " "))
        after = line[len(flag) :]
        assert after.startswith("  ") and not after.strip().isupper(), line  # help text follows, no metavar
    # Arguments are named as in the usage line, in capitals, never by their Python name (`{targets}...`).
    usage = text.splitlines()[0]
    assert not re.search(r"[{\[][a-z_]+[}\]]", usage) and "...]..." not in usage and "...}..." not in usage, usage
    if name == "serve":
        assert "--port PORT" in text and "1<=x<=65535" in text and "--workers N" in text


# --- configuration ------------------------------------------------------------------------------------------
MALFORMED_DATABASE_URLS = ["mysql://root@localhost/films", "postgresql://postgres@127.0.0.1:99999/films"]
MALFORMED_DATABASE_URLS += [
    "sqlite://films.db",
    "postgresql://postgres@[::1/films",  # urllib cannot split it (an unclosed IPv6 bracket)
    "postgresql://postgres@127.0.0.1:5432/films?sslmode=bogus",  # an option only asyncpg's own URL reader takes
    "postgresql://postgres@127.0.0.1:5432/films?sslmode",  # a query that is not name=value
    "postgresql://postgres@127.0.0.1:5432/films?gsslib=bogus",  # a known option whose value asyncpg refuses
]


@pytest.mark.parametrize("url", MALFORMED_DATABASE_URLS)
@pytest.mark.parametrize("command", [["users", "list"], ["db", "upgrade"], ["serve"]], ids=" ".join)
def test_malformed_database_url(cli: Cli, url: str, command: list[str]) -> None:
    short_failure(cli(*command, FILMSHELF_DATABASE_URL=url), 2, "FILMSHELF_DATABASE_URL=", "use sqlite:///PATH")
    assert list(cli.folder.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FILMSHELF_RATE_LIMIT", "fast"),
        ("FILMSHELF_RATE_LIMIT_BURST", "1e3"),
        ("FILMSHELF_HEADER_TIMEOUT", "soon"),
        ("FILMSHELF_BODY_TIMEOUT", "-5"),
        ("FILMSHELF_MAX_CONNECTIONS", "many"),
    ],
)
@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"]], ids=" ".join)
def test_non_numbers_in_numeric_variables(cli: Cli, name: str, value: str, command: list[str]) -> None:
    short_failure(cli(*command, **{name: value}), 2, f"configuration: {name} must be", repr(value))
    assert list(cli.folder.iterdir()) == []  # refused before anything was created


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--port", "0"], "'--port'"),
        (["--port", "65536"], "'--port'"),
        (["--port", "http"], "'--port'"),
        (["--workers", "0"], "'--workers'"),
    ],
)
def test_serve_option_out_of_range(cli: Cli, args: list[str], fragment: str) -> None:
    short_failure(cli("serve", *args), 2, "Invalid value for " + fragment, "see `filmshelf serve --help`")
    assert list(cli.folder.iterdir()) == []


def test_workers_above_one_need_postgresql(cli: Cli) -> None:
    short_failure(cli("serve", "--workers", "2"), 2, "--workers above 1 needs PostgreSQL", "--workers 1")


def test_missing_folders(cli: Cli) -> None:
    missing = cli.folder / "no" / "such"
    result = cli("db", "upgrade", FILMSHELF_DATA_DIR=str(missing / "data"))
    short_failure(result, 2, f"the folder {missing} does not exist", "FILMSHELF_DATA_DIR")
    for command in [["serve"], ["db", "upgrade"]]:
        result = cli(*command, FILMSHELF_DATABASE_URL=f"sqlite:///{missing}/films.sqlite3")
        short_failure(result, 1, f"the folder {missing} for the SQLite database does not exist", "create it")
        assert list(cli.folder.iterdir()) == []  # refused before the data folder and its secret were written


# --- a database that is not there ----------------------------------------------------------------------------
NOT_CREATING = [
    ["users", "list"],
    ["users", "create", "carol", "--password-stdin"],
    ["apps", "list"],
    ["apps", "create", "--owner", "carol", "--name", "App"],
    ["catalog", "import", "--sample"],
]


@pytest.mark.parametrize("command", NOT_CREATING, ids=lambda c: " ".join(c[:2]))
def test_commands_run_elsewhere_create_nothing_and_say_where_they_looked(cli: Cli, command: list[str]) -> None:
    result = cli(*command, stdin="a long enough password\n")
    looked = str(cli.folder / "var" / "filmshelf.sqlite3")
    short_failure(result, 1, f"no filmshelf database at {looked}", "FILMSHELF_DATABASE_URL is unset", "db upgrade")
    assert list(cli.folder.iterdir()) == []
    named = cli.folder / "elsewhere.sqlite3"
    result = cli(*command, stdin="a long enough password\n", FILMSHELF_DATABASE_URL=f"sqlite:///{named}")
    short_failure(result, 1, f"no filmshelf database at {named} (from FILMSHELF_DATABASE_URL)")
    assert list(cli.folder.iterdir()) == []


def test_a_database_without_filmshelf_tables_or_not_a_database(cli: Cli) -> None:
    empty = cli.folder / "empty.sqlite3"
    sqlite3.connect(empty).close()
    short_failure(cli("users", "list", FILMSHELF_DATABASE_URL=f"sqlite:///{empty}"), 1, "holds no filmshelf tables")
    garbage = cli.folder / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database, just text " * 100)
    result = cli("users", "list", FILMSHELF_DATABASE_URL=f"sqlite:///{garbage}")
    short_failure(result, 1, f"{garbage} cannot be used as an SQLite database")


def test_serve_and_db_upgrade_create_it_and_then_the_others_find_it(cli: Cli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("users", "create", "carol", "--password-stdin", stdin="a long enough password\n").exit_code == 0
    listed = cli("users", "list", COLUMNS="200")
    assert listed.exit_code == 0 and "carol" in listed.stdout


def test_db_upgrade_creates_the_data_folder_also_when_the_secret_comes_from_the_environment(cli: Cli) -> None:
    result = cli("db", "upgrade", FILMSHELF_SECRET_KEY="s" * 40)
    assert result.exit_code == 0, result.output
    data_dir = cli.folder / "var"
    assert (data_dir / "filmshelf.sqlite3").is_file() and data_dir.stat().st_mode & 0o777 == 0o700
    assert not (data_dir / "secret_key").exists()  # the secret is the environment's


def test_apps_create_needs_the_servers_secret(cli: Cli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    assert cli("users", "create", "carol", "--password-stdin", stdin="a long enough password\n").exit_code == 0
    (cli.folder / "var" / "secret_key").unlink()
    result = cli("apps", "create", "--owner", "carol", "--name", "App")
    short_failure(result, 2, "no secret key", str(cli.folder / "var" / "secret_key"), "FILMSHELF_SECRET_KEY")
    assert not (cli.folder / "var" / "secret_key").exists()  # not quietly replaced by a new one


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("", "needs a name"), ("   ", "needs a name"), ("tab\there", "control characters"), ("x" * 129, "at most 128")],
)
def test_apps_create_refuses_a_bad_name(cli: Cli, name: str, fragment: str) -> None:
    short_failure(cli("apps", "create", "--owner", "carol", "--name", name), 2, "--name: ", fragment, '--name "')


def test_apps_create_unknown_owner(cli: Cli) -> None:
    assert cli("db", "upgrade").exit_code == 0
    short_failure(cli("apps", "create", "--owner", "nobody", "--name", "App"), 1, "no such user: nobody")


# --- the port --------------------------------------------------------------------------------------------------
def test_a_busy_port_is_reported_before_any_credentials(cli: Cli) -> None:
    with in_use_port() as busy:
        port = busy.getsockname()[1]
        result = cli("serve", "--demo", "--port", str(port))
    short_failure(result, 1, f"port {port} on 127.0.0.1 is already in use", "--port")
    assert not (cli.folder / "var" / "demo.json").exists()  # no demo user was made, nothing was printed


def test_an_address_that_is_not_here(cli: Cli) -> None:
    short_failure(cli("serve", "--host", "no-such-host.invalid"), 1, "cannot listen on 'no-such-host.invalid'")


# --- catalog import ----------------------------------------------------------------------------------------------
@pytest.fixture
def upgraded(cli: Cli) -> Cli:
    assert cli("db", "upgrade").exit_code == 0
    return cli


def test_import_refuses_a_file_that_is_not_what_it_claims(upgraded: Cli) -> None:
    folder = upgraded.folder
    (folder / "plain.json.gz").write_text('{"id": 1, "original_title": "x"}\n')
    (folder / "table.csv").write_text("id,title\n1,x\n")
    (folder / "array.json").write_text('[{"id": 1, "original_title": "x"}]\n')
    (folder / "empty.jsonl").write_text("\n\n")
    (folder / "broken.gz").write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    expected = {
        "plain.json.gz": "its name ends .gz but it is not gzip-compressed",
        "table.csv": "it is not JSON lines",
        "array.json": "it is not JSON lines",
        "empty.jsonl": "it holds no lines",
        "broken.gz": "it is not a readable gzip file",
    }
    for name, reason in expected.items():
        result = upgraded("catalog", "import", str(folder / name))
        short_failure(result, 1, f"{folder / name} is not an import file: {reason}", "nothing was imported")
    # A good file given with a wrong one: nothing is imported at all.
    good = folder / "good.jsonl"
    good.write_text('{"id": 10000001, "original_title": "Synthetic good title", "popularity": 1.0}\n')
    short_failure(upgraded("catalog", "import", str(good), str(folder / "table.csv")), 1, "table.csv")
    result = upgraded("catalog", "import", str(good), COLUMNS="200")
    assert result.exit_code == 0 and "added 1, updated 0, unchanged 0, skipped 0" in result.stdout


def test_import_fails_when_nothing_could_be_imported(upgraded: Cli) -> None:
    bad = upgraded.folder / "bad.jsonl"
    bad.write_text('{"id": 10000001}\n{"title": "no id"}\n')
    result = upgraded("catalog", "import", str(bad), COLUMNS="200")
    assert result.exit_code == 1 and "skipped 2 (bad lines)" in result.stdout
    assert "error: nothing could be imported" in result.stderr
    assert result.stderr.count("bad line ") == 2


def test_import_of_a_damaged_gzip_keeps_what_it_read_and_fails(upgraded: Cli) -> None:
    lines = b"".join(
        b'{"id": %d, "original_title": "Synthetic damaged-file title %d", "popularity": 1.0}\n' % (10_000_001 + i, i)
        for i in range(5000)
    )
    packed = gzip.compress(lines)
    damaged = upgraded.folder / "damaged.json.gz"
    damaged.write_bytes(packed[: len(packed) // 2])
    result = upgraded("catalog", "import", str(damaged), "--batch-size", "100", COLUMNS="200")
    assert result.exit_code == 1 and "could not be read to the end" in result.stderr
    assert "cannot read further" in result.stderr
    added = int(result.stdout.split("added ")[1].split(",")[0])
    assert 0 < added < 5000


# --- the real entry point ---------------------------------------------------------------------------------------
def test_the_console_script_prints_the_same_short_lines(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILMSHELF_")}
    env["FILMSHELF_DATABASE_URL"] = "oracle://scott@tiger/films"
    result = subprocess.run(
        [sys.executable, "-m", "filmshelf", "users", "list"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: configuration: FILMSHELF_DATABASE_URL='oracle://scott@tiger/films'")
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(json.dumps(result.stderr))  # plain text, no rich box
    assert "Traceback" not in result.stderr and "╭" not in result.stderr


# --- PostgreSQL that is not there (the messages come from the server's answers) ------------------------------------
@pytest.fixture
def pg_server() -> str:
    """`postgresql://USER@HOST:PORT` of the test server (no database part)."""
    from tests.conftest import IN_CI, PG_ADMIN_URL

    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql+asyncpg://", "postgresql://")
    parts = urlsplit(server)
    try:
        socket.create_connection((parts.hostname or "localhost", parts.port or 5432), timeout=5).close()
    except OSError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {server} is required in CI: {exc!r}")
        pytest.skip(f"PostgreSQL not reachable at {server}: {exc!r}")
    return server


@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"], ["users", "list"]], ids=" ".join)
def test_a_postgresql_database_that_does_not_exist(cli: Cli, pg_server: str, command: list[str]) -> None:
    name = f"filmshelf_never_created_{os.getpid()}"
    result = cli(*command, FILMSHELF_DATABASE_URL=f"{pg_server}/{name}", FILMSHELF_SECRET_KEY="k" * 40)
    parts = urlsplit(pg_server)
    createdb = f"createdb -h {parts.hostname} -p {parts.port or 5432} -U {parts.username} {name}"
    short_failure(result, 1, f"has no database '{name}'", createdb)
    assert list(cli.folder.iterdir()) == []  # refused before the data folder was made
    result = cli(*command, FILMSHELF_DATABASE_URL=f"{pg_server}/{name}")
    short_failure(result, 1, f"has no database '{name}'", createdb)
    assert list(cli.folder.iterdir()) == []  # nor its secret written


def test_the_server_named_is_the_one_in_the_query(cli: Cli, pg_server: str) -> None:
    # host and port given as query options (as for a local socket): asyncpg uses them, and so
    # must the message, not the default localhost:5432.
    parts = urlsplit(pg_server)
    name = f"filmshelf_never_created_{os.getpid()}"
    url = f"postgresql://{parts.username}@/{name}?host={parts.hostname}&port={parts.port or 5432}"
    result = cli("users", "list", FILMSHELF_DATABASE_URL=url)
    createdb = f"createdb -h {parts.hostname} -p {parts.port or 5432} -U {parts.username} {name}"
    short_failure(result, 1, f"PostgreSQL at {parts.hostname}:{parts.port or 5432} has no database '{name}'", createdb)


def test_an_unknown_postgresql_role(cli: Cli, pg_server: str) -> None:
    parts = urlsplit(pg_server)
    url = f"postgresql://no_such_role_here@{parts.hostname}:{parts.port or 5432}/postgres"
    short_failure(cli("users", "list", FILMSHELF_DATABASE_URL=url), 1, "refused role 'no_such_role_here'", "createuser")


def test_an_unreachable_postgresql_server(cli: Cli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        result = cli("users", "list", FILMSHELF_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/films")
    short_failure(result, 1, f"cannot reach PostgreSQL at 127.0.0.1:{port}", "is the server running")


# --- files to write --------------------------------------------------------------------------------------------
WRITING = {
    "catalog export-answers": ["catalog", "export-answers"],
    "data export": ["data", "export", "--user", "carol", "--format", "tmdb", "--output"],
}


@pytest.mark.parametrize("command", WRITING.values(), ids=WRITING.keys())
def test_a_file_to_write_in_a_folder_that_is_not_there(upgraded: Cli, command: list[str]) -> None:
    folder = upgraded.folder
    what = "--output" if "--output" in command else "PATH"
    (folder / "plain-file").write_text("not a folder\n")
    before = sorted(folder.rglob("*"))
    cases = {
        folder / "no" / "such" / "x.gz": f"{what}: the folder {folder / 'no' / 'such'} does not exist",
        folder / "plain-file" / "x.gz": f"{what}: {folder / 'plain-file'} is not a folder",
        folder: f"{what}: {folder} is a folder",
    }
    for path, message in cases.items():
        short_failure(upgraded(*command, str(path)), 2, message)
    assert sorted(folder.rglob("*")) == before  # nothing written, no half file left


def test_export_answers_that_cannot_be_written_leave_nothing(upgraded: Cli) -> None:
    target = upgraded.folder / "answers.jsonl"
    (upgraded.folder / ".answers.jsonl.partial").mkdir()  # where the file is written before its rename
    short_failure(upgraded("catalog", "export-answers", str(target)), 1, f"cannot write {target}: Is a directory")
    assert not target.exists()
    (upgraded.folder / ".answers.jsonl.partial").rmdir()
    result = upgraded("catalog", "export-answers", str(target))
    assert result.exit_code == 0 and "exported 0 upstream answers" in result.stdout
    assert target.read_bytes() == b"" and list(upgraded.folder.glob(".*partial")) == []


def test_import_answers_says_what_is_wrong_with_a_damaged_gzip(upgraded: Cli) -> None:
    folder = upgraded.folder
    (folder / "header.jsonl.gz").write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    result = upgraded("catalog", "import-answers", str(folder / "header.jsonl.gz"))
    assert result.exit_code == 1 and "imported 0 upstream answers" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "Aborted" not in result.output, result.output
    assert lines[0].startswith(f"error: {folder / 'header.jsonl.gz'} could not be read to the end: ")
    assert "it is not a readable gzip file (" in lines[0] and "export-answers" in lines[1]
    # Cut in the middle: the answers before the cut are kept, and the message says where reading stopped.
    recordings = b"".join(
        b'{"path": "/3/movie/%d", "query": "", "status": 404, "fetched_at": 1.0, "body": {"pad": "%s"}}\n'
        % (9_000_000 + n, os.urandom(1500).hex().encode())
        for n in range(200)
    )
    packed = gzip.compress(recordings)
    (folder / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    result = upgraded("catalog", "import-answers", str(folder / "cut.jsonl.gz"), COLUMNS="200")
    stored = int(result.stdout.split("imported ")[1].split(" ")[0])
    assert result.exit_code == 1 and 0 < stored < 200, result.output
    assert f"it cannot be read past line {stored} (Compressed file ended before" in result.stderr
    assert f"the {stored} answers before the damage were stored" in result.stderr


# --- users create ------------------------------------------------------------------------------------------------
def test_users_create_help_says_the_username_rule_it_enforces(upgraded: Cli) -> None:
    rule = "2 to 32 letters, digits, '_', '.' or '-'"
    assert rule in upgraded("users", "create", "--help", COLUMNS="200").stdout
    password = "a long enough password\n"
    for name in ["a", "x" * 33, "no spaces"]:
        short_failure(upgraded("users", "create", name, "--password-stdin", stdin=password), 1, f"usernames are {rule}")
    for name in ["ab", "y" * 32]:
        result = upgraded("users", "create", name, "--password-stdin", stdin=password)
        assert result.exit_code == 0 and f"created {name}:" in result.stdout, result.output
