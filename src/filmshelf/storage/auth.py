"""SQL for apps, request-token decisions and access tokens.

Exchange is a single compare-and-set UPDATE (`approved` -> `used`), never read-then-write, so
any number of racing exchanges of one request token produce exactly one access token.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn
from filmshelf.storage.tables import access_tokens, accounts, apps, request_tokens
from filmshelf.storage.upsert import insert_or_ignore


async def insert_app(conn: Conn, *, api_key: str, name: str, owner_id: int, now: float) -> int:
    """Insert an app and return its id."""
    stmt = insert(apps).values(api_key=api_key, name=name, owner_id=owner_id, created_at=now)
    return int(await conn.scalar(stmt.returning(apps.c.id)))


_APP_COLUMNS = (
    apps.c.id,
    apps.c.api_key,
    apps.c.name,
    apps.c.owner_id,
    apps.c.created_at,
    accounts.c.object_id.label("owner_object_id"),
    accounts.c.username.label("owner_username"),
)


async def app_by_api_key(conn: Conn, api_key: str) -> Row[Any] | None:
    """A live (not revoked) app with its owner's object id, by API key."""
    stmt = (
        select(*_APP_COLUMNS)
        .join(accounts, accounts.c.id == apps.c.owner_id)
        .where(apps.c.api_key == api_key, apps.c.revoked_at.is_(None))
    )
    return await conn.row(stmt)


async def all_apps(conn: Conn) -> list[Row[Any]]:
    """Every app with its owner, oldest first."""
    stmt = select(*_APP_COLUMNS, apps.c.revoked_at).join(accounts, accounts.c.id == apps.c.owner_id)
    return list(await conn.rows(stmt.order_by(apps.c.id)))


# --- request tokens ------------------------------------------------------------------------------
async def record_decision(
    conn: Conn, *, jti: str, app_id: int, account_id: int, state: str, expires_at: float, now: float
) -> bool:
    """Record approve/deny for a request token; False if it was already decided."""
    row = {
        "jti": jti,
        "app_id": app_id,
        "account_id": account_id,
        "state": state,
        "expires_at": expires_at,
        "decided_at": now,
    }
    return await insert_or_ignore(conn, request_tokens, [row]) == 1


async def decision(conn: Conn, jti: str) -> Row[Any] | None:
    """The stored decision (state, app_id, account_id, access_jti) for a request token, or None."""
    stmt = select(
        request_tokens.c.state,
        request_tokens.c.app_id,
        request_tokens.c.account_id,
        request_tokens.c.access_jti,
    )
    return await conn.row(stmt.where(request_tokens.c.jti == jti))


async def claim_approved(conn: Conn, *, jti: str, app_id: int, access_jti: str, now: float) -> int | None:
    """Atomically mark an approved, unexpired token of `app_id` used; return its account id or None."""
    stmt = (
        update(request_tokens)
        .where(
            and_(
                request_tokens.c.jti == jti,
                request_tokens.c.state == "approved",
                request_tokens.c.app_id == app_id,
                request_tokens.c.expires_at > now,
            )
        )
        .values(state="used", access_jti=access_jti)
        .returning(request_tokens.c.account_id)
    )
    account_id = await conn.scalar(stmt)
    return None if account_id is None else int(account_id)


# --- access tokens ---------------------------------------------------------------------------------
async def insert_access_token(
    conn: Conn, *, jti: str, account_id: int, app_id: int, now: float, expires_at: float
) -> None:
    """Record a newly minted access token."""
    await conn.run(
        insert(access_tokens).values(
            jti=jti, account_id=account_id, app_id=app_id, created_at=now, expires_at=expires_at
        )
    )


async def live_access_token(conn: Conn, jti: str) -> Row[Any] | None:
    """The live access token with its account and app, or None if unknown, revoked or app revoked."""
    stmt = (
        select(
            access_tokens.c.jti,
            access_tokens.c.account_id,
            access_tokens.c.app_id,
            accounts.c.object_id.label("account_object_id"),
            apps.c.api_key,
        )
        .join(accounts, accounts.c.id == access_tokens.c.account_id)
        .join(apps, apps.c.id == access_tokens.c.app_id)
        .where(
            access_tokens.c.jti == jti,
            access_tokens.c.revoked_at.is_(None),
            apps.c.revoked_at.is_(None),
        )
    )
    return await conn.row(stmt)


async def access_token_app(conn: Conn, jti: str) -> int | None:
    """The app id an access token was issued to (revoked or not), or None."""
    return await conn.scalar(select(access_tokens.c.app_id).where(access_tokens.c.jti == jti))  # type: ignore[no-any-return]


async def revoke_access_token(conn: Conn, *, jti: str, now: float) -> int:
    """Revoke one access token (idempotent); return how many rows changed."""
    stmt = (
        update(access_tokens)
        .where(access_tokens.c.jti == jti, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return await conn.run(stmt)


async def revoke_account_tokens(conn: Conn, *, account_id: int, now: float) -> int:
    """Revoke every live access token of an account (password change)."""
    stmt = (
        update(access_tokens)
        .where(access_tokens.c.account_id == account_id, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return await conn.run(stmt)
