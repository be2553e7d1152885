"""Configuration, read from FILMSHELF_* environment variables (only by `from_env`)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

MIN_SECRET_BYTES = 32
# Stored upstream answers are served for a day before the upstream is asked again.
DEFAULT_UPSTREAM_TTL = 86_400.0
UPSTREAM_MODES = ("online", "offline")
UPSTREAM_PREFERENCES = ("local", "upstream")


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
    # Upstream mode (README "Upstream mode"): an origin such as https://api.themoviedb.org, the
    # TMDB API read access token filmshelf sends there, how long stored answers are served
    # without asking again (seconds), "online" or "offline" (serve only what is stored), and
    # which answers a catalog read first: the local catalog ("local") or the upstream ("upstream").
    upstream_url: str | None = None
    upstream_token: str | None = field(default=None, repr=False)
    upstream_ttl: float = DEFAULT_UPSTREAM_TTL
    upstream_mode: str = "online"
    upstream_prefer: str = "local"

    def __post_init__(self) -> None:
        if len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(
                f"FILMSHELF_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes "
                "(leave it unset and filmshelf generates one)"
            )
        if not self.public_url.startswith(("http://", "https://")):
            raise SettingsError("FILMSHELF_PUBLIC_URL must start with http:// or https://")
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
            upstream_url=(env.get("FILMSHELF_UPSTREAM_URL") or "").strip().rstrip("/") or None,
            upstream_token=(env.get("FILMSHELF_UPSTREAM_TOKEN") or "").strip() or None,
            upstream_ttl=_seconds(env.get("FILMSHELF_UPSTREAM_TTL"), DEFAULT_UPSTREAM_TTL, "FILMSHELF_UPSTREAM_TTL"),
            upstream_mode=(env.get("FILMSHELF_UPSTREAM_MODE") or "online").strip().lower(),
            upstream_prefer=(env.get("FILMSHELF_UPSTREAM_PREFER") or "local").strip().lower(),
        )


def _seconds(raw: str | None, default: float, name: str) -> float:
    """A duration in seconds from the environment (`3600`, `90.5`); unset or empty is `default`."""
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw.strip()[:20]!r}") from None


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
