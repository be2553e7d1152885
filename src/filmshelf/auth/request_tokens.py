"""v4 request tokens: issue, approve, deny and exchange.

Invariants: a request token is a signed JWT bound to one app (`aud`), valid 15 minutes; creating
one writes nothing. It is single use (RFC 6749 §4.1.2, RFC 6819 §5.1.5.4): approval records a
row, exchange flips `approved` to `used` in one conditional UPDATE, and a replayed exchange also
revokes the access token the first exchange minted (RFC 6749 §4.1.2 "SHOULD revoke"). A client
that retries a timed-out exchange therefore loses its token: strict by design. Exchange by any
other app is refused (RFC 9700 §4.5, code injection). The signing key is the server secret, so
the 96-bit `jti` does not need to resist guessing on its own: a token without a valid signature
is refused before any lookup.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NoReturn

from filmshelf.auth import access_tokens
from filmshelf.auth.apps import App
from filmshelf.auth.tokens import Keys, TokenError, TokenKind, new_object_id, sign, verify
from filmshelf.errors import InvalidRequestToken, TokenNotApproved
from filmshelf.storage import auth as auth_rows
from filmshelf.storage.engine import Conn, Database

LIFETIME_SECONDS = 900


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """What a verified request token says."""

    jti: str
    api_key: str
    expires_at: float
    redirect_to: str | None


def issue(app: App, keys: Keys, *, now: float, redirect_to: str | None) -> str:
    """A new request token for `app` (claims as TMDB's: aud, nbf, jti, scopes, version, exp)."""
    claims: dict[str, Any] = {
        "aud": app.api_key,
        "nbf": now,
        "jti": new_object_id(),
        "scopes": ["pending_request_token"],
        "version": 2,
        "exp": int(now) + LIFETIME_SECONDS,
    }
    if redirect_to is not None:
        claims["redirect_to"] = redirect_to
    return sign(claims, keys, TokenKind.REQUEST)


def read(token: str, keys: Keys, *, now: float, api_key: str | None = None) -> PendingRequest:
    """Verify a request token (of `api_key`'s app when given); raise InvalidRequestToken."""
    try:
        claims = verify(
            token,
            keys,
            TokenKind.REQUEST,
            now=now,
            audience=api_key,
            required=("aud", "jti", "exp", "scopes"),
        )
    except TokenError as exc:
        raise InvalidRequestToken(detail=exc.reason) from exc
    if claims.get("scopes") != ["pending_request_token"] or not isinstance(claims.get("jti"), str):
        raise InvalidRequestToken()
    redirect_to = claims.get("redirect_to")
    return PendingRequest(
        jti=claims["jti"],
        api_key=str(claims["aud"]),
        expires_at=float(claims["exp"]),
        redirect_to=redirect_to if isinstance(redirect_to, str) else None,
    )


async def decide(
    db: Database, pending: PendingRequest, *, app_id: int, account_id: int, approve: bool, now: float
) -> bool:
    """Record the user's decision; False when the token was already decided (or used)."""
    async with db.write() as conn:
        return await auth_rows.record_decision(
            conn,
            jti=pending.jti,
            app_id=app_id,
            account_id=account_id,
            state="approved" if approve else "denied",
            expires_at=pending.expires_at,
            now=now,
        )


async def state_of(conn: Conn, jti: str) -> str | None:
    """approved | denied | used, or None while pending."""
    row = await auth_rows.decision(conn, jti)
    return None if row is None else str(row.state)


@dataclass(frozen=True, slots=True)
class Exchanged:
    """The result of a successful exchange."""

    access_token: str
    account_object_id: str


class ExchangeRefused(enum.Enum):
    """Why an exchange gave no token (the route raises after the transaction commits)."""

    NOT_APPROVED = "not approved"  # 422 / 41
    INVALID = "invalid"  # 401 / 33


async def exchange(
    conn: Conn, pending: PendingRequest, app: App, keys: Keys, *, now: float
) -> Exchanged | ExchangeRefused:
    """Trade an approved request token of `app` for a user access token, exactly once.

    A refusal is returned, not raised: the replay of a spent token revokes the access token it
    minted, and that revocation must commit with the transaction.
    """
    minted = access_tokens.prepare(app, now=now)
    account_id = await auth_rows.claim_approved(conn, jti=pending.jti, app_id=app.id, access_jti=minted.jti, now=now)
    if account_id is not None:
        object_id = await access_tokens.record(conn, minted, account_id=account_id)
        return Exchanged(access_token=minted.token_for(object_id, keys), account_object_id=object_id)
    row = await auth_rows.decision(conn, pending.jti)
    if row is None:
        return ExchangeRefused.NOT_APPROVED
    if row.state == "used" and row.access_jti:
        # Replay of a spent token: the token minted from it may be in the wrong hands.
        await auth_rows.revoke_access_token(conn, jti=row.access_jti, now=now)
    return ExchangeRefused.INVALID


def raise_refusal(refusal: ExchangeRefused) -> NoReturn:
    """The TMDB error of a refused exchange."""
    if refusal is ExchangeRefused.NOT_APPROVED:
        raise TokenNotApproved()
    raise InvalidRequestToken()
