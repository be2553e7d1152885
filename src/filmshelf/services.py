"""The process-wide collaborators handed to routes: settings, database, clock, keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from filmshelf.accounts.passwords import Hasher
from filmshelf.auth.apps import VerifiedAppTokens
from filmshelf.auth.tokens import Keys
from filmshelf.catalog.discover import TotalsCache
from filmshelf.clock import Clock
from filmshelf.ratelimit import RateLimiter
from filmshelf.settings import Settings
from filmshelf.storage.engine import Database

if TYPE_CHECKING:  # imported only when upstream mode is on (it brings httpx)
    from filmshelf.upstream.cache import Upstream


@dataclass(slots=True)
class Services:
    """Everything a request handler needs besides the request; built once by `create_app`."""

    settings: Settings
    db: Database
    clock: Clock
    keys: Keys
    limiter: RateLimiter | None = None
    # argon2id with the settings' parameters, behind the per-process gate (accounts.passwords).
    hasher: Hasher = field(default_factory=Hasher)
    app_tokens: VerifiedAppTokens = field(default_factory=VerifiedAppTokens)
    # Totals of discovery pages (catalog/discover.py), kept a few seconds.
    catalog_totals: TotalsCache = field(default_factory=TotalsCache)
    # The upstream read-through store; None unless upstream mode is on (README "Upstream mode").
    upstream: Upstream | None = None
