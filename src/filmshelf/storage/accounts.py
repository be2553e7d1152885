"""SQL for accounts, web sessions and the sign-in throttle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.records import AccountRow
from filmshelf.storage.tables import accounts, login_throttle, web_sessions
from filmshelf.storage.upsert import dialect_insert, upsert


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
_BY_USERNAME = Prepared(select(accounts).where(accounts.c.username_key == bindparam("p_key")), AccountRow)
_BY_ID = Prepared(select(accounts).where(accounts.c.id == bindparam("p_id")), AccountRow)
_BY_OBJECT_ID = Prepared(select(accounts).where(accounts.c.object_id == bindparam("p_object_id")), AccountRow)


async def account_by_username(conn: Conn, username: str) -> AccountRow | None:
    """The account row for a username (case-insensitive), or None."""
    rows = await conn.fetch(_BY_USERNAME, {"p_key": username.lower()})
    return rows[0] if rows else None


async def account_by_id(conn: Conn, account_id: int) -> AccountRow | None:
    """The account row for a v3 integer id, or None."""
    rows = await conn.fetch(_BY_ID, {"p_id": account_id})
    return rows[0] if rows else None


async def account_by_object_id(conn: Conn, object_id: str) -> AccountRow | None:
    """The account row for a v4 object id, or None."""
    rows = await conn.fetch(_BY_OBJECT_ID, {"p_object_id": object_id})
    return rows[0] if rows else None


_ALL_ACCOUNTS = Prepared(select(accounts).order_by(accounts.c.id), AccountRow)


async def all_accounts(conn: Conn) -> list[AccountRow]:
    """Every account, oldest first."""
    return await conn.fetch(_ALL_ACCOUNTS, {})


async def set_password_hash(conn: Conn, *, account_id: int, password_hash: str) -> None:
    """Replace an account's password hash."""
    await conn.run(update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash))


# --- web sessions (Litestar's server-side session store) ------------------------------------------
# Rows are keyed by the SHA-256 of the session id (the cookie value), never by the id itself.
PURGE_BATCH = 100


async def session_get(conn: Conn, key_hash: str) -> Row[Any] | None:
    """The stored session (value, expires_at) for `key_hash`, or None."""
    stmt = select(web_sessions.c.value, web_sessions.c.expires_at).where(web_sessions.c.key_hash == key_hash)
    return await conn.row(stmt)


async def session_set(conn: Conn, *, key_hash: str, value: bytes, expires_at: float | None) -> None:
    """Insert or replace a session."""
    row = {"key_hash": key_hash, "value": value, "expires_at": expires_at}
    await upsert(conn, web_sessions, [row], key=["key_hash"], update=["value", "expires_at"])


async def session_touch(conn: Conn, *, key_hash: str, expires_at: float | None) -> None:
    """Move a session's expiry."""
    await conn.run(update(web_sessions).where(web_sessions.c.key_hash == key_hash).values(expires_at=expires_at))


async def session_delete(conn: Conn, key_hash: str) -> None:
    """Delete one session."""
    await conn.run(delete(web_sessions).where(web_sessions.c.key_hash == key_hash))


async def session_delete_all(conn: Conn) -> None:
    """Delete every session."""
    await conn.run(delete(web_sessions))


async def session_purge_expired(conn: Conn, *, now: float, limit: int = PURGE_BATCH) -> int:
    """Delete up to `limit` sessions that expired before `now` (oldest first); return how many."""
    expired = (
        select(web_sessions.c.key_hash)
        .where(web_sessions.c.expires_at < now)
        .order_by(web_sessions.c.expires_at)
        .limit(limit)
    )
    return await conn.run(delete(web_sessions).where(web_sessions.c.key_hash.in_(expired.scalar_subquery())))


# --- sign-in throttle --------------------------------------------------------------------------
async def throttle_get(conn: Conn, key: str) -> Row[Any] | None:
    """The throttle state (failures, locked_until, updated_at) for a key, or None."""
    stmt = select(login_throttle.c.failures, login_throttle.c.locked_until, login_throttle.c.updated_at)
    return await conn.row(stmt.where(login_throttle.c.key == key))


async def throttle_count(
    conn: Conn, *, key: str, now: float, free: int, forget_after: float, locks: Sequence[float], max_lock: float
) -> int | None:
    """Count one sign-in attempt for `key` unless the key is locked; return its number, or None.

    One statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE unlocked ... RETURNING), so
    concurrent attempts on either engine each get their own number and none is lost. The attempt
    is counted as a failure before the password is checked (`throttle_forgive` takes it back
    after a match) and sets the lock that applies if it fails: after `free` failures, the
    failure numbered `free + i` locks the key for `locks[i]` seconds (`max_lock` past the table).
    Failures older than `forget_after` seconds without any attempt in between are forgotten.
    """
    table = login_throttle
    stmt = dialect_insert(conn, table)
    number = case((table.c.updated_at < now - forget_after, 1), else_=table.c.failures + 1)
    lock = case(
        (number < free, 0.0),
        *((number == free + index, now + seconds) for index, seconds in enumerate(locks)),
        else_=now + max_lock,
    )
    first_lock = 0.0 if free > 1 else now + (locks[1 - free] if 1 - free < len(locks) else max_lock)
    stmt = (
        stmt.values(key=key, failures=1, locked_until=first_lock, updated_at=now)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={"failures": number, "locked_until": lock, "updated_at": now},
            where=table.c.locked_until <= now,
        )
        .returning(table.c.failures)
    )
    row = await conn.row(stmt)
    return None if row is None else int(row.failures)


async def throttle_forgive(conn: Conn, *, key: str, free: int) -> None:
    """Take back one counted attempt of `key` (it matched); lift the lock if it no longer applies."""
    table = login_throttle
    stmt = (
        update(table)
        .where(table.c.key == key, table.c.failures > 0)
        .values(
            failures=table.c.failures - 1,
            locked_until=case((table.c.failures - 1 < free, 0.0), else_=table.c.locked_until),
        )
    )
    await conn.run(stmt)


async def throttle_purge(conn: Conn, *, before: float, now: float, limit: int = PURGE_BATCH) -> int:
    """Delete up to `limit` unlocked throttle rows last touched before `before`; return how many."""
    table = login_throttle
    stale = (
        select(table.c.key)
        .where(table.c.updated_at < before, table.c.locked_until <= now)
        .order_by(table.c.updated_at)
        .limit(limit)
    )
    return await conn.run(delete(table).where(table.c.key.in_(stale.scalar_subquery())))


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
