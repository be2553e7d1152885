"""Configuration, read from FILMSHELF_* environment variables (only by the `*_from_env` functions).

Every value is checked when it is read: a mistake becomes a `SettingsError` whose message names
the variable, says what is wrong and what would be accepted, so the command line can print it in
one or two lines instead of failing later with a traceback.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

MIN_SECRET_BYTES = 32
DEFAULT_DATA_DIR = "var"
SQLITE_FILE_NAME = "filmshelf.sqlite3"
SECRET_FILE_NAME = "secret_key"  # noqa: S105 (a file name, not a secret)
# The data folder is its owner's alone (issue 9 §1.4), and so are the secrets kept in it.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_FILES = (SECRET_FILE_NAME, "demo.json")
DATABASE_URL_HELP = "use sqlite:///PATH (a file) or postgresql://USER@HOST:5432/DATABASE"
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")
# The query options of a PostgreSQL URL, as asyncpg reads them (libpq's names): every connection
# filmshelf opens is opened by asyncpg from the URL (`storage.engine.postgres_engine`), so these
# reach the server the same way when a command checks the database, migrates it or serves. Any
# other name is refused by name rather than failing later (asyncpg would send it to the server as
# a run-time setting).
POSTGRES_URL_OPTIONS: tuple[str, ...] = ("host", "port", "user", "password", "database", "dbname", "passfile")
POSTGRES_URL_OPTIONS += ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl", "sslnegotiation")
POSTGRES_URL_OPTIONS += ("ssl_min_protocol_version", "ssl_max_protocol_version")
POSTGRES_URL_OPTIONS += ("target_session_attrs", "krbsrvname", "gsslib")
# Stored upstream answers are served for a day before the upstream is asked again.
DEFAULT_UPSTREAM_TTL = 86_400.0
UPSTREAM_MODES = ("online", "offline")
UPSTREAM_PREFERENCES = ("local", "upstream")
N = TypeVar("N", int, float)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """argon2id costs for password hashes: argon2-cffi's defaults (RFC 9106 low-memory profile).

    Production keeps these; tests pass cheap ones (`Argon2Params(time_cost=1, memory_kib=64,
    parallelism=1)`) because a production hash costs 64 MiB and most of a second of CPU.
    """

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4

    @classmethod
    def cheap(cls) -> Argon2Params:
        """64 KiB and one pass (well under a millisecond a hash): only for throwaway servers that hold
        no real password (`filmshelf serve --ephemeral`, `filmshelf.testing`)."""
        return cls(time_cost=1, memory_kib=64, parallelism=1)


class SettingsError(ValueError):
    """The configuration cannot be used as given; the message says what to change."""


@dataclass(frozen=True, slots=True)
class DatabaseLocation:
    """Which database a process uses, and how that was decided (for messages that say where we looked)."""

    url: str
    data_dir: Path
    from_env: bool  # True when FILMSHELF_DATABASE_URL named it, False for the default SQLite file

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an SQLite file."""
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, absolute, or None for PostgreSQL."""
        if not self.is_sqlite:
            return None
        return Path(self.url.split(":///", 1)[1].split("?", 1)[0]).absolute()

    def describe(self) -> str:
        """Where the database is, and which setting said so."""
        where = str(self.sqlite_path) if self.sqlite_path is not None else redact_url(self.url)
        if self.from_env:
            return f"{where} (from FILMSHELF_DATABASE_URL)"
        return (
            f"{where} (the default {self.data_dir}/{SQLITE_FILE_NAME} in the current folder, "
            "as FILMSHELF_DATABASE_URL is unset)"
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a filmshelf process needs to know about its surroundings."""

    database_url: str
    secret_key: str
    public_url: str = "http://127.0.0.1:8000"
    data_dir: Path = field(default_factory=lambda: Path(DEFAULT_DATA_DIR))
    redis_url: str | None = None
    # Requests per second allowed per client IP and per API key; 0 turns the limiter off.
    rate_limit_per_second: int = 50
    rate_limit_burst: int = 100
    max_body_bytes: int = 1_048_576
    access_token_days: int = 365
    log_requests: bool = False
    argon2: Argon2Params = Argon2Params()
    # How `filmshelf serve` guards its sockets (seconds, and connections per worker process).
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive_timeout: float = 5.0
    max_connections: int = 1000
    # Upstream mode (README "Upstream mode"): an origin such as https://api.themoviedb.org, the
    # TMDB API read access token filmshelf sends there, how long stored answers are served
    # without asking again (seconds), "online" or "offline" (serve only what is stored), and
    # which answers a catalog read first: the local catalog ("local") or the upstream ("upstream").
    upstream_url: str | None = None
    upstream_token: str | None = field(default=None, repr=False)
    upstream_ttl: float = DEFAULT_UPSTREAM_TTL
    upstream_mode: str = "online"
    upstream_prefer: str = "local"
    # FILMSHELF_SIGNUP=open lets anyone create an account on /signup; closed (the default) leaves
    # account creation to `filmshelf users create` and administrators.
    signup_open: bool = False
    # How often each server process refreshes the titles' activity figures (list adds, ageing
    # windows: catalog/popularity.py); 0 turns the schedule off.
    stats_refresh_seconds: float = 60.0

    def __post_init__(self) -> None:
        if len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(
                f"FILMSHELF_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes "
                "(leave it unset and filmshelf generates one)"
            )
        check_public_url(self.public_url)
        self._check_upstream()

    def _check_upstream(self) -> None:
        if self.upstream_mode not in UPSTREAM_MODES:
            raise SettingsError(f"FILMSHELF_UPSTREAM_MODE must be online or offline, not {self.upstream_mode[:20]!r}")
        if self.upstream_prefer not in UPSTREAM_PREFERENCES:
            raise SettingsError(
                f"FILMSHELF_UPSTREAM_PREFER must be local or upstream, not {self.upstream_prefer[:20]!r}"
            )
        if not (self.upstream_ttl >= 0) or self.upstream_ttl == float("inf"):
            raise SettingsError("FILMSHELF_UPSTREAM_TTL must be a number of seconds, 0 or more")
        token = self.upstream_token
        if token is not None and (not token.isascii() or not token.isprintable() or " " in token):
            raise SettingsError("FILMSHELF_UPSTREAM_TOKEN must be a token (printable ASCII, no spaces)")
        if self.upstream_url is None:
            if token is not None and self.upstream_mode == "online":
                raise SettingsError("FILMSHELF_UPSTREAM_TOKEN is set but FILMSHELF_UPSTREAM_URL is not")
            return
        try:
            url = urlsplit(self.upstream_url)
            url.port  # noqa: B018 (raises on a bad port)
        except ValueError as exc:
            raise SettingsError(f"FILMSHELF_UPSTREAM_URL cannot be read: {exc}") from None
        if url.scheme not in {"http", "https"} or not url.hostname or url.username or url.password:
            raise SettingsError(
                "FILMSHELF_UPSTREAM_URL must be an http(s) origin such as https://api.themoviedb.org "
                "(filmshelf appends /3/...), without user name or password"
            )
        if url.query or url.fragment or self.upstream_url.rstrip("/").endswith("/3"):
            raise SettingsError(
                "FILMSHELF_UPSTREAM_URL is the origin only, e.g. https://api.themoviedb.org: "
                "no query, no fragment, no trailing /3 (filmshelf appends /3/...)"
            )
        if self.upstream_mode == "online" and not self.upstream_token:
            raise SettingsError(
                "FILMSHELF_UPSTREAM_TOKEN (a TMDB API read access token) is required with FILMSHELF_UPSTREAM_URL"
            )

    @property
    def upstream_enabled(self) -> bool:
        """True when catalog reads may be answered from the upstream store (online or offline)."""
        return self.upstream_mode == "offline" or self.upstream_url is not None

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry `Secure` when the public URL is https."""
        return self.public_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an SQLite file."""
        return self.database_url.startswith("sqlite")

    def with_(self, **changes: object) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, create: bool = True) -> Settings:
        """Build settings from FILMSHELF_* variables.

        With `create` (the server and `db upgrade`), a missing data folder (0700) and secret
        (0600) are created. Without it, nothing is created: a missing secret is a SettingsError,
        because a new one would sign tokens that the running server refuses.
        """
        env = dict(os.environ if environ is None else environ)
        location, values = _values_from_env(env)
        # Last: nothing is created on disk while another value could still be refused.
        given_secret = env.get("FILMSHELF_SECRET_KEY")
        if given_secret:
            settings = cls(secret_key=given_secret, **values)  # type: ignore[arg-type]
            if create:
                # The data folder holds the default database and the demo password all the same.
                ensure_private_dir(location.data_dir)
            else:
                tighten_data_dir(location.data_dir)
            return settings
        if create:
            secret = load_or_create_secret(location.data_dir)
        else:
            secret = load_secret(location.data_dir)
            tighten_data_dir(location.data_dir)
        return cls(secret_key=secret, **values)  # type: ignore[arg-type]

    @classmethod
    def check_env(cls, environ: Mapping[str, str] | None = None) -> None:
        """Check every FILMSHELF_* variable as `from_env(create=True)` would, creating nothing.

        `serve` and `db upgrade` call this first, so that a mistake found later (a missing
        database) is reported before the data folder and its secret are written.
        """
        env = dict(os.environ if environ is None else environ)
        location, values = _values_from_env(env)
        secret = env.get("FILMSHELF_SECRET_KEY") or "x" * MIN_SECRET_BYTES  # a stored or new one will do
        cls(secret_key=secret, **values)  # type: ignore[arg-type]
        check_private_dir(location.data_dir)


def _values_from_env(env: Mapping[str, str]) -> tuple[DatabaseLocation, dict[str, object]]:
    """The database and every setting but the secret, each checked (`Settings.from_env`)."""
    location = database_from_env(env)
    limit = _number(env, "FILMSHELF_RATE_LIMIT", 50, minimum=0, maximum=1_000_000)
    values = {
        "database_url": location.url,
        "public_url": check_public_url(
            (env.get("FILMSHELF_PUBLIC_URL", "").strip() or "http://127.0.0.1:8000").rstrip("/")
        ),
        "data_dir": location.data_dir,
        "redis_url": env.get("FILMSHELF_REDIS_URL") or None,
        "rate_limit_per_second": limit,
        "rate_limit_burst": _number(env, "FILMSHELF_RATE_LIMIT_BURST", limit * 2, minimum=0, maximum=2_000_000),
        "log_requests": _flag(env, "FILMSHELF_ACCESS_LOG"),
        "signup_open": _signup(env.get("FILMSHELF_SIGNUP", "closed")),
        "header_timeout": _number(env, "FILMSHELF_HEADER_TIMEOUT", 10.0, minimum=0.1, maximum=3600.0),
        "body_timeout": _number(env, "FILMSHELF_BODY_TIMEOUT", 30.0, minimum=0.1, maximum=3600.0),
        "keep_alive_timeout": _number(env, "FILMSHELF_KEEP_ALIVE_TIMEOUT", 5.0, minimum=0.1, maximum=3600.0),
        "max_connections": _number(env, "FILMSHELF_MAX_CONNECTIONS", 1000, minimum=1, maximum=1_000_000),
        "upstream_url": (env.get("FILMSHELF_UPSTREAM_URL") or "").strip().rstrip("/") or None,
        "upstream_token": (env.get("FILMSHELF_UPSTREAM_TOKEN") or "").strip() or None,
        "upstream_ttl": _seconds(env.get("FILMSHELF_UPSTREAM_TTL"), DEFAULT_UPSTREAM_TTL, "FILMSHELF_UPSTREAM_TTL"),
        "upstream_mode": (env.get("FILMSHELF_UPSTREAM_MODE") or "online").strip().lower(),
        "upstream_prefer": (env.get("FILMSHELF_UPSTREAM_PREFER") or "local").strip().lower(),
        "stats_refresh_seconds": _number(env, "FILMSHELF_STATS_REFRESH_SECONDS", 60.0, minimum=0.0, maximum=86_400.0),
    }
    return location, values


def database_from_env(environ: Mapping[str, str] | None = None) -> DatabaseLocation:
    """The database named by FILMSHELF_DATABASE_URL, or the default SQLite file in the data folder."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("FILMSHELF_DATA_DIR") or DEFAULT_DATA_DIR)
    url = env.get("FILMSHELF_DATABASE_URL", "").strip()
    if url:
        return DatabaseLocation(url=check_database_url(url), data_dir=data_dir, from_env=True)
    return DatabaseLocation(url=f"sqlite:///{data_dir / SQLITE_FILE_NAME}", data_dir=data_dir, from_env=False)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for messages (also for a URL that cannot be parsed)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        # Not a URL urllib can read (an unclosed IPv6 bracket...): hide whatever sits between
        # `user:` and the last `@` of the part before the path.
        return re.sub(r"^([^:/?#]*://[^:/?#@]*:)[^/?#]*@", r"\1***@", url)
    if password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{netloc[1]}").geturl()


def database_url_refused(url: str, why: str) -> SettingsError:
    """The error for a FILMSHELF_DATABASE_URL that cannot be used: the URL (password hidden), why, what works."""
    return SettingsError(f"FILMSHELF_DATABASE_URL={redact_url(url)!r} is not usable: {why}; {DATABASE_URL_HELP}")


def check_database_url(url: str) -> str:
    """Return `url` if filmshelf can use it, else raise SettingsError saying why."""

    def refuse(why: str) -> SettingsError:
        return database_url_refused(url, why)

    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise refuse(f"it cannot be read as a URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if not url.startswith("sqlite:///"):
            raise refuse("an SQLite URL has three slashes before the path (four for an absolute path)")
        path = url[len("sqlite:///") :].split("?", 1)[0]
        if not path or path.endswith("/"):
            raise refuse("it names no file")
        if path == ":memory:":
            raise refuse("an in-memory database would lose everything at exit")
        return url
    if scheme in _POSTGRES_SCHEMES:
        try:
            port = parts.port
        except ValueError:
            raise refuse("the port is not a number from 1 to 65535") from None
        if port == 0:
            raise refuse("the port is not a number from 1 to 65535")
        try:
            options = parse_qs(parts.query, strict_parsing=True) if parts.query else {}
        except ValueError as exc:
            raise refuse(f"its query options cannot be read ({exc})") from None
        unknown = sorted(set(options) - set(POSTGRES_URL_OPTIONS))
        if unknown:
            raise refuse(
                f"filmshelf cannot pass the option {unknown[0]!r} to PostgreSQL "
                f"(it understands {', '.join(POSTGRES_URL_OPTIONS)})"
            )
        if not parts.hostname and "host" not in options:
            raise refuse("it names no host")
        if not parts.path.strip("/"):
            raise refuse("it names no database (the part after the last /)")
        return url
    if not scheme:
        raise refuse("it is not a URL")
    raise refuse(f"filmshelf does not support {scheme!r}")


def check_public_url(url: str) -> str:
    """Return `url` if it can be the public base URL, else raise SettingsError."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"FILMSHELF_PUBLIC_URL={url!r} must start with http:// or https:// and name a host, "
            "e.g. https://films.example.org"
        )
    return url


def _number(env: Mapping[str, str], name: str, default: N, *, minimum: N, maximum: N) -> N:
    """An int or float variable (the type of `default`), within [minimum, maximum]."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    kind = type(default)
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        what = "a whole number" if kind is int else "a number (seconds)"
        raise SettingsError(f"{name} must be {what}, got {raw!r}")
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, got {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off), got {env[name]!r}")


def check_private_dir(path: Path) -> None:
    """SettingsError unless the data folder is there or `ensure_private_dir` could make it (changes nothing)."""
    if path.is_dir():
        return
    if path.exists():
        raise SettingsError(f"the data folder {path.absolute()} is a file: set FILMSHELF_DATA_DIR to a folder")
    parent = path.absolute().parent
    if not parent.is_dir():
        raise SettingsError(
            f"the folder {parent} does not exist, so the data folder {path.absolute()} cannot be made in it: "
            "create it, or set FILMSHELF_DATA_DIR to a folder that exists"
        )


def ensure_private_dir(path: Path) -> None:
    """Make the data folder 0700 whatever the umask: create it (its parent must exist), or tighten it.

    For commands that write filmshelf's files into the folder (the server, `db upgrade`, the demo
    password): the folder is filmshelf's then, and one left 0755 by an older filmshelf, with a
    0644 secret_key in it, ends 0700 and 0600 (issue 9 §1.4). A shared folder is never changed.
    """
    if path.is_dir():
        _tighten(path, own=True)
        return
    check_private_dir(path)
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        _tighten(path, own=True)  # another process made it at the same moment
        return
    os.chmod(path, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask


def tighten_data_dir(path: Path) -> None:
    """Leave an existing data folder 0700 and its secret_key and demo.json 0600, creating nothing.

    For every other command: only a folder that is filmshelf's (it holds secret_key, demo.json or
    the default database) is changed, and never a shared one. The SQLite files themselves are
    tightened whenever they are opened (storage.files).
    """
    _tighten(path, own=False)


def _tighten(path: Path, *, own: bool) -> None:
    try:
        folder = path.stat()
    except OSError:
        return  # absent: nothing to tighten, and nothing is created here
    # The sticky bit marks a folder shared between users (/tmp): a data folder is never one.
    if not stat.S_ISDIR(folder.st_mode) or folder.st_mode & stat.S_ISVTX:
        return
    private = [path / name for name in PRIVATE_FILES if _is_regular_file(path / name)]
    if not own and not private and not _is_regular_file(path / SQLITE_FILE_NAME):
        return
    for file in private:
        _chmod(file, PRIVATE_FILE_MODE)
    if stat.S_IMODE(folder.st_mode) != PRIVATE_DIR_MODE:
        _chmod(path, PRIVATE_DIR_MODE)


def _is_regular_file(path: Path) -> bool:
    """True for a file itself, False for a symbolic link (chmod would change what it points at)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _chmod(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except (FileNotFoundError, PermissionError):
        pass  # gone meanwhile, or not ours to change (a shared, read-only setup)


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, the file ending mode 0600 whatever it was or the umask is."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_secret(data_dir: Path) -> str:
    """The secret stored in `data_dir`; SettingsError if there is none."""
    path = data_dir / SECRET_FILE_NAME
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        raise SettingsError(
            f"no secret key: FILMSHELF_SECRET_KEY is unset and {path.absolute()} does not exist. Set "
            "FILMSHELF_SECRET_KEY (and FILMSHELF_DATA_DIR) as the server has them, or run this from the folder "
            "where `filmshelf serve` runs"
        ) from None


def _seconds(raw: str | None, default: float, name: str) -> float:
    """A duration in seconds from the environment (`3600`, `90.5`); unset or empty is `default`."""
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw.strip()[:20]!r}") from None


def _signup(value: str) -> bool:
    """FILMSHELF_SIGNUP: `open` or `closed`."""
    if value.strip().lower() not in {"open", "closed", ""}:
        raise SettingsError(f"FILMSHELF_SIGNUP must be open or closed, not {value!r}")
    return value.strip().lower() == "open"


def load_or_create_secret(data_dir: Path) -> str:
    """Return the secret stored in `data_dir`, generating it (mode 0600) on first use."""
    path = data_dir / SECRET_FILE_NAME
    ensure_private_dir(data_dir)  # also tightens a folder and a secret left looser by an older filmshelf
    if path.exists():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not both write a secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return path.read_text().strip()
    os.fchmod(fd, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret
