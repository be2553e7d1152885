"""SQL for accounts, web sessions and the sign-in throttle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.tables import accounts, login_throttle, web_sessions
from filmshelf.storage.upsert import upsert


async def insert_account(
    conn: Conn, *, object_id: str, username: str, name: str, password_hash: str, now: float
) -> int:
    """Insert an account and return its v3 integer id."""
    stmt = (
        insert(accounts)
        .values(
            object_id=object_id,
            username=username,
            username_key=username.lower(),
            name=name,
            password_hash=password_hash,
            created_at=now,
        )
        .returning(accounts.c.id)
    )
    return int(await conn.scalar(stmt))


# Account look-ups run on most requests: prepared once (see storage.engine.Prepared).
_BY_USERNAME = Prepared(select(accounts).where(accounts.c.username_key == bindparam("p_key")))
_BY_ID = Prepared(select(accounts).where(accounts.c.id == bindparam("p_id")))
_BY_OBJECT_ID = Prepared(select(accounts).where(accounts.c.object_id == bindparam("p_object_id")))


async def account_by_username(conn: Conn, username: str) -> Any | None:
    """The account row for a username (case-insensitive), or None."""
    rows = await conn.fetch(_BY_USERNAME, {"p_key": username.lower()})
    return rows[0] if rows else None


async def account_by_id(conn: Conn, account_id: int) -> Any | None:
    """The account row for a v3 integer id, or None."""
    rows = await conn.fetch(_BY_ID, {"p_id": account_id})
    return rows[0] if rows else None


async def account_by_object_id(conn: Conn, object_id: str) -> Any | None:
    """The account row for a v4 object id, or None."""
    rows = await conn.fetch(_BY_OBJECT_ID, {"p_object_id": object_id})
    return rows[0] if rows else None


async def all_accounts(conn: Conn) -> list[Row[Any]]:
    """Every account, oldest first."""
    return list(await conn.rows(select(accounts).order_by(accounts.c.id)))


async def set_password_hash(conn: Conn, *, account_id: int, password_hash: str) -> None:
    """Replace an account's password hash."""
    await conn.run(update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash))


# --- web sessions (Litestar's server-side session store) ------------------------------------------
async def session_get(conn: Conn, key: str) -> Row[Any] | None:
    """The stored session (value, expires_at) for `key`, or None."""
    stmt = select(web_sessions.c.value, web_sessions.c.expires_at).where(web_sessions.c.key == key)
    return await conn.row(stmt)


async def session_set(conn: Conn, *, key: str, value: bytes, expires_at: float | None) -> None:
    """Insert or replace a session."""
    row = {"key": key, "value": value, "expires_at": expires_at}
    await upsert(conn, web_sessions, [row], key=["key"], update=["value", "expires_at"])


async def session_touch(conn: Conn, *, key: str, expires_at: float | None) -> None:
    """Move a session's expiry."""
    await conn.run(update(web_sessions).where(web_sessions.c.key == key).values(expires_at=expires_at))


async def session_delete(conn: Conn, key: str) -> None:
    """Delete one session."""
    await conn.run(delete(web_sessions).where(web_sessions.c.key == key))


async def session_delete_all(conn: Conn) -> None:
    """Delete every session."""
    await conn.run(delete(web_sessions))


# --- sign-in throttle --------------------------------------------------------------------------
async def throttle_get(conn: Conn, key: str) -> Row[Any] | None:
    """The throttle state (failures, locked_until, updated_at) for a key, or None."""
    stmt = select(login_throttle.c.failures, login_throttle.c.locked_until, login_throttle.c.updated_at)
    return await conn.row(stmt.where(login_throttle.c.key == key))


async def throttle_put(conn: Conn, *, key: str, failures: int, locked_until: float, now: float) -> None:
    """Store the throttle state for a key."""
    row = {"key": key, "failures": failures, "locked_until": locked_until, "updated_at": now}
    await upsert(conn, login_throttle, [row], key=["key"], update=["failures", "locked_until", "updated_at"])


async def throttle_clear(conn: Conn, key: str) -> None:
    """Forget a key's failures (after a successful sign-in)."""
    await conn.run(delete(login_throttle).where(login_throttle.c.key == key))


# --- administration (web/admin_pages.py, cli/access.py) --------------------------------------------
async def count_accounts(conn: Conn) -> int:
    """How many accounts exist."""
    return int(await conn.scalar(select(func.count()).select_from(accounts)) or 0)


async def set_account_flags(
    conn: Conn, *, account_id: int, is_admin: bool | None = None, disabled: bool | None = None
) -> None:
    """Set `is_admin` and/or `disabled` of an account (None leaves a flag as it is)."""
    values: dict[str, bool] = {}
    if is_admin is not None:
        values["is_admin"] = is_admin
    if disabled is not None:
        values["disabled"] = disabled
    if values:
        await conn.run(update(accounts).where(accounts.c.id == account_id).values(**values))


async def bump_session_generation(conn: Conn, *, account_id: int) -> int:
    """Raise the account's browser-session generation (ending its other browser sessions); return it."""
    stmt = (
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(session_generation=accounts.c.session_generation + 1)
        .returning(accounts.c.session_generation)
    )
    return int(await conn.scalar(stmt) or 0)
