"""SQL for apps, request-token decisions and access tokens.

Exchange is a single compare-and-set UPDATE (`approved` -> `used`), never read-then-write, so
any number of racing exchanges of one request token produce exactly one access token.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, false, insert, select, update
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.records import AppRow, LiveAccessTokenRow
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


_APP_BY_KEY = Prepared(
    select(*_APP_COLUMNS)
    .join(accounts, accounts.c.id == apps.c.owner_id)
    .where(apps.c.api_key == bindparam("api_key"), apps.c.revoked_at.is_(None), accounts.c.disabled == false()),
    AppRow,
)


async def app_by_api_key(conn: Conn, api_key: str) -> AppRow | None:
    """A live app (not revoked, owner not disabled) with its owner's object id, by API key."""
    rows = await conn.fetch(_APP_BY_KEY, {"api_key": api_key})
    return rows[0] if rows else None


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


_CLAIM = Prepared(
    update(request_tokens)
    .where(
        and_(
            request_tokens.c.jti == bindparam("p_jti"),
            request_tokens.c.state == "approved",
            request_tokens.c.app_id == bindparam("p_app_id"),
            request_tokens.c.expires_at > bindparam("p_now"),
        )
    )
    .values(state="used", access_jti=bindparam("p_access_jti"))
    .returning(request_tokens.c.account_id)
)


async def claim_approved(conn: Conn, *, jti: str, app_id: int, access_jti: str, now: float) -> int | None:
    """Atomically mark an approved, unexpired token of `app_id` used; return its account id or None."""
    rows = await conn.fetch(_CLAIM, {"p_jti": jti, "p_app_id": app_id, "p_access_jti": access_jti, "p_now": now})
    return int(rows[0].account_id) if rows else None


# --- access tokens ---------------------------------------------------------------------------------
_INSERT_ACCESS = Prepared(
    insert(access_tokens).values(
        jti=bindparam("p_jti"),
        account_id=bindparam("p_account_id"),
        app_id=bindparam("p_app_id"),
        created_at=bindparam("p_now"),
        expires_at=bindparam("p_expires_at"),
    )
)
_ACCOUNT_OBJECT_ID = Prepared(select(accounts.c.object_id).where(accounts.c.id == bindparam("account_id")))


async def insert_access_token(
    conn: Conn, *, jti: str, account_id: int, app_id: int, now: float, expires_at: float
) -> None:
    """Record a newly minted access token."""
    params = {"p_jti": jti, "p_account_id": account_id, "p_app_id": app_id, "p_now": now, "p_expires_at": expires_at}
    await conn.fetch(_INSERT_ACCESS, params)


async def account_object_id(conn: Conn, account_id: int) -> str | None:
    """The v4 object id of an account."""
    rows = await conn.fetch(_ACCOUNT_OBJECT_ID, {"account_id": account_id})
    return str(rows[0].object_id) if rows else None


async def live_access_token(conn: Conn, jti: str) -> LiveAccessTokenRow | None:
    """The live access token with its account and app, or None if unknown, revoked or app revoked."""
    rows = await conn.fetch(_LIVE_ACCESS, {"jti": jti})
    return rows[0] if rows else None


_APP_OWNER = accounts.alias("app_owner")
# The token, its account, and its app with the app's owner (so that a user call needs no second
# statement for the app: one round trip less on PostgreSQL). `owner_disabled` is read, not
# filtered on: a live token whose app's owner is disabled is refused as "no app", as before.
_LIVE_ACCESS = Prepared(
    select(
        access_tokens.c.jti,
        access_tokens.c.account_id,
        access_tokens.c.app_id,
        accounts.c.object_id.label("account_object_id"),
        apps.c.api_key,
        apps.c.name.label("app_name"),
        apps.c.owner_id.label("app_owner_id"),
        apps.c.created_at.label("app_created_at"),
        _APP_OWNER.c.object_id.label("app_owner_object_id"),
        _APP_OWNER.c.disabled.label("app_owner_disabled"),
    )
    .join(accounts, accounts.c.id == access_tokens.c.account_id)
    .join(apps, apps.c.id == access_tokens.c.app_id)
    .join(_APP_OWNER, _APP_OWNER.c.id == apps.c.owner_id)
    .where(
        access_tokens.c.jti == bindparam("jti"),
        access_tokens.c.revoked_at.is_(None),
        apps.c.revoked_at.is_(None),
        accounts.c.disabled == false(),
    ),
    LiveAccessTokenRow,
)


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
