"""Configuration, read from FILMSHELF_* environment variables (only by `from_env`)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

MIN_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class Argon2Params:
    """argon2id costs for password hashes: argon2-cffi's defaults (RFC 9106 low-memory profile).

    Production keeps these; tests pass cheap ones (`Argon2Params(time_cost=1, memory_kib=64,
    parallelism=1)`) because a production hash costs 64 MiB and most of a second of CPU.
    """

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


class SettingsError(ValueError):
    """The configuration cannot be used as given."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a filmshelf process needs to know about its surroundings."""

    database_url: str
    secret_key: str
    public_url: str = "http://127.0.0.1:8000"
    data_dir: Path = field(default_factory=lambda: Path("var"))
    redis_url: str | None = None
    # Requests per second allowed per client IP and per API key; 0 turns the limiter off.
    rate_limit_per_second: int = 50
    rate_limit_burst: int = 100
    max_body_bytes: int = 1_048_576
    access_token_days: int = 365
    log_requests: bool = False
    argon2: Argon2Params = Argon2Params()
    # FILMSHELF_SIGNUP=open lets anyone create an account on /signup; closed (the default) leaves
    # account creation to `filmshelf users create` and administrators.
    signup_open: bool = False

    def __post_init__(self) -> None:
        if len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(
                f"FILMSHELF_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes "
                "(leave it unset and filmshelf generates one)"
            )
        if not self.public_url.startswith(("http://", "https://")):
            raise SettingsError("FILMSHELF_PUBLIC_URL must start with http:// or https://")

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
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from FILMSHELF_* variables, creating the data folder and secret if needed."""
        env = dict(os.environ if environ is None else environ)
        data_dir = Path(env.get("FILMSHELF_DATA_DIR", "var"))
        database_url = env.get("FILMSHELF_DATABASE_URL") or f"sqlite:///{data_dir / 'filmshelf.sqlite3'}"
        secret = env.get("FILMSHELF_SECRET_KEY") or load_or_create_secret(data_dir)
        limit = int(env.get("FILMSHELF_RATE_LIMIT", "50"))
        return cls(
            database_url=database_url,
            secret_key=secret,
            public_url=env.get("FILMSHELF_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            data_dir=data_dir,
            redis_url=env.get("FILMSHELF_REDIS_URL") or None,
            rate_limit_per_second=limit,
            rate_limit_burst=int(env.get("FILMSHELF_RATE_LIMIT_BURST", str(limit * 2))),
            log_requests=env.get("FILMSHELF_ACCESS_LOG", "") in {"1", "true", "yes"},
            signup_open=_signup(env.get("FILMSHELF_SIGNUP", "closed")),
        )


def _signup(value: str) -> bool:
    """FILMSHELF_SIGNUP: `open` or `closed`."""
    if value.strip().lower() not in {"open", "closed", ""}:
        raise SettingsError(f"FILMSHELF_SIGNUP must be open or closed, not {value!r}")
    return value.strip().lower() == "open"


def load_or_create_secret(data_dir: Path) -> str:
    """Return the secret stored in `data_dir`, generating it (mode 0600) on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not both write a secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret
