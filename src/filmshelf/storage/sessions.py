"""SQL for v3 request tokens and v3 sessions (rows keyed by the SHA-256 of the secret, never the secret).

State changes are compare-and-set UPDATEs (`new` -> `validated` -> `used`, or `new` -> `denied` on
the approval page), so a request token is decided once and makes at most one session however many
requests race on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, false, insert, or_, select, update
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn
from filmshelf.storage.records import AccountRow
from filmshelf.storage.tables import access_tokens, accounts, apps, v3_request_tokens, v3_sessions

# Expired request tokens are deleted this long after expiry (kept a while to answer 33, not 17).
PURGE_AFTER_SECONDS = 24 * 3600


async def insert_request_token(conn: Conn, *, token_hash: str, app_id: int, expires_at: float, now: float) -> None:
    """Record a new (unvalidated) request token and purge long-expired ones."""
    await conn.run(delete(v3_request_tokens).where(v3_request_tokens.c.expires_at < now - PURGE_AFTER_SECONDS))
    await conn.run(
        insert(v3_request_tokens).values(token_hash=token_hash, app_id=app_id, state="new", expires_at=expires_at)
    )


async def request_token(conn: Conn, token_hash: str) -> Row[Any] | None:
    """The request token row (app_id, account_id, state, expires_at), or None."""
    stmt = select(
        v3_request_tokens.c.app_id,
        v3_request_tokens.c.account_id,
        v3_request_tokens.c.state,
        v3_request_tokens.c.expires_at,
    ).where(v3_request_tokens.c.token_hash == token_hash)
    return await conn.row(stmt)


async def validate_request_token(conn: Conn, *, token_hash: str, app_id: int, account_id: int, now: float) -> bool:
    """Mark a new, unexpired token of `app_id` validated for `account_id`; False if it was not."""
    stmt = (
        update(v3_request_tokens)
        .where(
            v3_request_tokens.c.token_hash == token_hash,
            v3_request_tokens.c.app_id == app_id,
            v3_request_tokens.c.state == "new",
            v3_request_tokens.c.expires_at > now,
        )
        .values(state="validated", account_id=account_id)
    )
    return await conn.run(stmt) == 1


@dataclass(frozen=True, slots=True)
class RequestTokenOfApp:
    """A v3 request token as the approval page needs it: its state, expiry and live app's API key."""

    state: str
    expires_at: float
    app_id: int
    api_key: str


async def request_token_of_app(conn: Conn, token_hash: str) -> RequestTokenOfApp | None:
    """The request token with the API key of its app, or None (unknown token, or its app revoked)."""
    stmt = (
        select(v3_request_tokens.c.state, v3_request_tokens.c.expires_at, apps.c.id, apps.c.api_key)
        .join(apps, and_(apps.c.id == v3_request_tokens.c.app_id, apps.c.revoked_at.is_(None)))
        .where(v3_request_tokens.c.token_hash == token_hash)
    )
    row = await conn.row(stmt)
    if row is None:
        return None
    return RequestTokenOfApp(
        state=str(row.state), expires_at=float(row.expires_at), app_id=int(row.id), api_key=str(row.api_key)
    )


async def deny_request_token(conn: Conn, *, token_hash: str, app_id: int, now: float) -> bool:
    """Mark a new, unexpired token of `app_id` denied (it can never make a session); False if it was not."""
    stmt = (
        update(v3_request_tokens)
        .where(
            v3_request_tokens.c.token_hash == token_hash,
            v3_request_tokens.c.app_id == app_id,
            v3_request_tokens.c.state == "new",
            v3_request_tokens.c.expires_at > now,
        )
        .values(state="denied")
    )
    return await conn.run(stmt) == 1


async def claim_validated_token(conn: Conn, *, token_hash: str, app_id: int, now: float) -> int | None:
    """Mark a validated, unexpired token of `app_id` used; return its account id, or None."""
    stmt = (
        update(v3_request_tokens)
        .where(
            v3_request_tokens.c.token_hash == token_hash,
            v3_request_tokens.c.app_id == app_id,
            v3_request_tokens.c.state == "validated",
            v3_request_tokens.c.expires_at > now,
        )
        .values(state="used")
        .returning(v3_request_tokens.c.account_id)
    )
    account_id = await conn.scalar(stmt)
    return None if account_id is None else int(account_id)


async def insert_session(
    conn: Conn, *, session_hash: str, account_id: int, app_id: int, access_jti: str | None, now: float
) -> None:
    """Record a new session."""
    await conn.run(
        insert(v3_sessions).values(
            session_hash=session_hash,
            account_id=account_id,
            app_id=app_id,
            access_jti=access_jti,
            created_at=now,
        )
    )


async def revoke_session(conn: Conn, *, session_hash: str, app_id: int, now: float) -> bool:
    """End a live session of `app_id`; False if there was none."""
    stmt = (
        update(v3_sessions)
        .where(
            v3_sessions.c.session_hash == session_hash,
            v3_sessions.c.app_id == app_id,
            v3_sessions.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return await conn.run(stmt) == 1


async def live_session(conn: Conn, *, session_hash: str, now: float) -> tuple[AccountRow, int] | None:
    """The live session's (account row, app id), or None.

    Live means: not deleted, its app not revoked, and, for a session converted from a v4
    access token, that token neither revoked nor expired.
    """
    token_alive = or_(
        v3_sessions.c.access_jti.is_(None),
        select(access_tokens.c.jti)
        .where(
            access_tokens.c.jti == v3_sessions.c.access_jti,
            access_tokens.c.revoked_at.is_(None),
            access_tokens.c.expires_at > now,
        )
        .exists(),
    )
    stmt = (
        select(accounts, v3_sessions.c.app_id.label("session_app_id"))
        .select_from(
            v3_sessions.join(accounts, accounts.c.id == v3_sessions.c.account_id).join(
                apps, and_(apps.c.id == v3_sessions.c.app_id, apps.c.revoked_at.is_(None))
            )
        )
        .where(
            v3_sessions.c.session_hash == session_hash,
            v3_sessions.c.revoked_at.is_(None),
            token_alive,
            accounts.c.disabled == false(),
        )
    )
    row = await conn.row(stmt)
    return None if row is None else (AccountRow._make(row[:-1]), int(row.session_app_id))


async def revoke_account_sessions(conn: Conn, *, account_id: int, now: float, app_id: int | None = None) -> int:
    """End every live v3 session of an account (only those of `app_id` when given); return how many."""
    where = [v3_sessions.c.account_id == account_id, v3_sessions.c.revoked_at.is_(None)]
    if app_id is not None:
        where.append(v3_sessions.c.app_id == app_id)
    return await conn.run(update(v3_sessions).where(*where).values(revoked_at=now))
