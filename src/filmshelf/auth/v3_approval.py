"""The user's decision on a v3 request token, made on the `/authenticate/{request_token}` page.

The classic v3 flow: an app gets a request token (`GET /3/authentication/token/new`), sends the
user's browser to `/authenticate/{request_token}?redirect_to=...`, and after the user allowed it
trades the token for a session (`POST /3/authentication/session/new`).

Invariants: only a token that is `new`, unexpired and of a live app can be decided; Allow is the
same compare-and-set as `validate_with_login` (`new` -> `validated`, binding the signed-in
account), Deny moves it to `denied`, so a token is decided once and a denied one never makes a
session. The browser is then sent to the app's `redirect_to` with `request_token` and
`approved=true` or `denied=true` added to its query, as TMDB does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from urllib.parse import quote

from filmshelf.auth.apps import App, app_by_api_key
from filmshelf.auth.sessions import MAX_SECRET_LENGTH, digest
from filmshelf.storage import sessions as session_rows
from filmshelf.storage.engine import Conn


class Unusable(enum.Enum):
    """Why a request token cannot be decided (each has its own page)."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    DECIDED = "decided"


class TokenUnusable(Exception):
    """The request token cannot be allowed or denied."""

    def __init__(self, reason: Unusable) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PendingV3Token:
    """A request token waiting for the user's decision, with the app that asked for it."""

    token_hash: str
    app: App
    expires_at: float


async def pending(conn: Conn, *, request_token: str, now: float) -> PendingV3Token:
    """The undecided request token, or TokenUnusable (unknown or its app revoked / expired / decided)."""
    if not request_token or len(request_token) > MAX_SECRET_LENGTH:
        raise TokenUnusable(Unusable.UNKNOWN)
    token_hash = digest(request_token)
    row = await session_rows.request_token_of_app(conn, token_hash)
    if row is None:
        raise TokenUnusable(Unusable.UNKNOWN)
    app = await app_by_api_key(conn, row.api_key)
    if app is None or app.id != row.app_id:
        raise TokenUnusable(Unusable.UNKNOWN)
    if row.state != "new":
        raise TokenUnusable(Unusable.DECIDED)
    if row.expires_at <= now:
        raise TokenUnusable(Unusable.EXPIRED)
    return PendingV3Token(token_hash=token_hash, app=app, expires_at=row.expires_at)


async def decide(conn: Conn, token: PendingV3Token, *, account_id: int, allow: bool, now: float) -> bool:
    """Record Allow (validated for `account_id`) or Deny; False when the token was decided or expired meanwhile."""
    if allow:
        return await session_rows.validate_request_token(
            conn, token_hash=token.token_hash, app_id=token.app.id, account_id=account_id, now=now
        )
    return await session_rows.deny_request_token(conn, token_hash=token.token_hash, app_id=token.app.id, now=now)


def callback_url(redirect_to: str, request_token: str, *, allowed: bool) -> str:
    """`redirect_to` (already validated) with `request_token` and `approved=true` / `denied=true` added.

    The parameters go at the end of the query, before any fragment; an existing query is kept.
    """
    base, hash_mark, fragment = redirect_to.partition("#")
    separator = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        separator = ""
    outcome = "approved=true" if allowed else "denied=true"
    return f"{base}{separator}request_token={quote(request_token, safe='')}&{outcome}{hash_mark}{fragment}"
