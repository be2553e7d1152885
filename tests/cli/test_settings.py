"""Reading the configuration: every mistake is a SettingsError naming the variable (pure, no server)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from filmshelf.settings import (
    Settings,
    SettingsError,
    check_database_url,
    database_from_env,
    ensure_private_dir,
    redact_url,
    write_private_file,
)

SECRET = "s" * 40


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    base = {"FILMSHELF_DATA_DIR": str(tmp_path / "data"), "FILMSHELF_SECRET_KEY": SECRET}
    base.update(values)
    return base


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root@localhost/films", "does not support 'mysql'"),
        ("films.sqlite3", "not a URL"),
        ("sqlite://films.sqlite3", "three slashes"),
        ("sqlite:///", "names no file"),
        ("sqlite:///:memory:", "in-memory"),
        ("postgresql://postgres@127.0.0.1:54x2/films", "port"),
        ("postgresql://postgres@127.0.0.1:0/films", "port"),
        ("postgresql://postgres@127.0.0.1:70000/films", "port"),
        ("postgresql://postgres@/films", "names no host"),
        ("postgresql://postgres@127.0.0.1:5432", "names no database"),
        ("postgresql://postgres@127.0.0.1:5432/", "names no database"),
        ("postgresql://postgres@[::1/films", "cannot be read as a URL (Invalid IPv6 URL)"),
        ("postgresql://postgres@[::1]:5432x/films", "port"),
        ("postgresql://postgres@127.0.0.1/films?ssl=true", "cannot pass the option 'ssl'"),  # SQLAlchemy's name
        ("postgresql://postgres@127.0.0.1/films?application_name=x", "cannot pass the option 'application_name'"),
        ("postgresql://postgres@127.0.0.1/films?host", "query options cannot be read (bad query field: 'host')"),
        ("postgresql://postgres@127.0.0.1/films?port=5432&", "query options cannot be read"),
    ],
)
def test_malformed_database_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(SettingsError) as refused:
        check_database_url(url)
    message = str(refused.value)
    assert message.startswith("FILMSHELF_DATABASE_URL=") and reason in message
    assert "sqlite:///PATH" in message and "postgresql://USER@HOST:5432/DATABASE" in message


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///var/filmshelf.sqlite3",
        "sqlite:////srv/filmshelf/films.sqlite3",
        "postgresql://postgres@127.0.0.1:5432/films",
        "postgres://user:pw@db.example.org/films",
        "postgresql+asyncpg://user@db/films",
        "postgresql:///films?host=/run/postgresql",
        "postgresql://postgres@[::1]:5432/films",
        "postgresql://postgres@db/films?target_session_attrs=read-write&passfile=/etc/filmshelf/pgpass",
        "postgresql://filmshelf@db.example.org/films?sslmode=verify-full&sslrootcert=/etc/filmshelf/ca.pem",
        "postgresql://postgres@127.0.0.1/films?sslmode=require&dbname=other",
    ],
)
def test_usable_database_urls_pass(url: str) -> None:
    assert check_database_url(url) == url


def test_a_password_in_the_url_never_reaches_a_message() -> None:
    with pytest.raises(SettingsError) as refused:
        check_database_url("postgresql://films:hunter2secret@db:99999/films")
    assert "hunter2secret" not in str(refused.value) and "films:***@db:99999" in str(refused.value)
    with pytest.raises(SettingsError) as unreadable:
        check_database_url("postgresql://films:hunter2secret@[::1/films")
    assert "hunter2secret" not in str(unreadable.value) and "films:***@[::1/films" in str(unreadable.value)
    assert redact_url("postgresql://u@h/d") == "postgresql://u@h/d"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FILMSHELF_RATE_LIMIT", "fast", "must be a whole number, got 'fast'"),
        ("FILMSHELF_RATE_LIMIT", "2.5", "must be a whole number"),
        ("FILMSHELF_RATE_LIMIT", "-1", "between 0 and 1000000"),
        ("FILMSHELF_RATE_LIMIT_BURST", "lots", "FILMSHELF_RATE_LIMIT_BURST must be a whole number"),
        ("FILMSHELF_HEADER_TIMEOUT", "ten", "must be a number (seconds)"),
        ("FILMSHELF_HEADER_TIMEOUT", "0", "between 0.1 and 3600"),
        ("FILMSHELF_BODY_TIMEOUT", "nan", "must be a number (seconds)"),
        ("FILMSHELF_KEEP_ALIVE_TIMEOUT", "inf", "must be a number (seconds)"),
        ("FILMSHELF_MAX_CONNECTIONS", "0", "between 1 and 1000000"),
        ("FILMSHELF_ACCESS_LOG", "maybe", "must be 1 or 0"),
        ("FILMSHELF_PUBLIC_URL", "films.example.org", "must start with http:// or https://"),
        ("FILMSHELF_PUBLIC_URL", "http://", "name a host"),
        ("FILMSHELF_SECRET_KEY", "short", "at least 32 bytes"),
    ],
)
def test_bad_values_name_the_variable_and_create_nothing(tmp_path: Path, name: str, value: str, expected: str) -> None:
    environ = env(tmp_path, **{name: value})
    if name == "FILMSHELF_SECRET_KEY":
        environ[name] = value
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(environ, create=True)
    assert name in str(refused.value) and expected in str(refused.value)
    assert not (tmp_path / "data").exists()


def test_numbers_and_flags_are_read(tmp_path: Path) -> None:
    settings = Settings.from_env(
        env(
            tmp_path,
            FILMSHELF_RATE_LIMIT=" 7 ",
            FILMSHELF_HEADER_TIMEOUT="1.5",
            FILMSHELF_BODY_TIMEOUT="2",
            FILMSHELF_KEEP_ALIVE_TIMEOUT="3",
            FILMSHELF_MAX_CONNECTIONS="12",
            FILMSHELF_ACCESS_LOG="on",
        )
    )
    assert (settings.rate_limit_per_second, settings.rate_limit_burst) == (7, 14)
    assert (settings.header_timeout, settings.body_timeout, settings.keep_alive_timeout) == (1.5, 2.0, 3.0)
    assert settings.max_connections == 12 and settings.log_requests is True
    defaults = Settings.from_env(env(tmp_path, FILMSHELF_ACCESS_LOG="0"))
    assert (defaults.header_timeout, defaults.body_timeout, defaults.max_connections) == (10.0, 30.0, 1000)
    assert defaults.log_requests is False


def test_without_create_nothing_is_made_and_a_missing_secret_is_an_error(tmp_path: Path) -> None:
    environ = {"FILMSHELF_DATA_DIR": str(tmp_path / "data")}
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(environ, create=False)
    assert "no secret key" in str(refused.value) and str(tmp_path / "data" / "secret_key") in str(refused.value)
    assert not (tmp_path / "data").exists()
    created = Settings.from_env(environ, create=True)
    assert Settings.from_env(environ, create=False).secret_key == created.secret_key


def test_default_database_says_where_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    default = database_from_env({})
    assert default.url == "sqlite:///var/filmshelf.sqlite3" and not default.from_env
    assert default.sqlite_path == tmp_path / "var" / "filmshelf.sqlite3"
    assert str(tmp_path / "var" / "filmshelf.sqlite3") in default.describe()
    assert "FILMSHELF_DATABASE_URL is unset" in default.describe()
    named = database_from_env({"FILMSHELF_DATABASE_URL": "postgresql://u:pw@h/films"})
    assert named.sqlite_path is None and named.describe() == "postgresql://u:***@h/films (from FILMSHELF_DATABASE_URL)"


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_private_folder_and_file_modes_do_not_depend_on_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        folder = tmp_path / "data"
        ensure_private_dir(folder)
        target = folder / "demo.json"
        target.write_text("{}")
        target.chmod(0o644)  # an older, looser file is rewritten
        write_private_file(target, '{"password": "x"}')
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == '{"password": "x"}'
    assert [p.name for p in folder.iterdir()] == ["demo.json"]  # no temporary file left behind


def test_a_data_folder_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        ensure_private_dir(tmp_path / "missing" / "data")
    assert f"the folder {tmp_path / 'missing'} does not exist" in str(refused.value)
    (tmp_path / "file").write_text("")
    with pytest.raises(SettingsError, match="is a file"):
        ensure_private_dir(tmp_path / "file")


def test_the_public_url_derived_from_host_and_port() -> None:
    from filmshelf.serving import public_url_for

    assert public_url_for("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert public_url_for("0.0.0.0", 80) == "http://127.0.0.1:80"  # noqa: S104
    assert public_url_for("::", 8000) == "http://[::1]:8000"
    assert public_url_for("::1", 8000) == "http://[::1]:8000"
    assert public_url_for("films.local", 8000) == "http://films.local:8000"


def test_the_connection_cap_fits_under_the_open_files_limit() -> None:
    from filmshelf.serving import RESERVED_FILES, connection_cap

    assert connection_cap(1000, 65_536) == 1000
    assert connection_cap(1000, 1024) == 1024 - RESERVED_FILES
    assert connection_cap(5, 10) == 1
