"""SQL for who has access to what: the apps an account approved, an owner's apps, their rotation.

Every revocation here is an UPDATE of rows that each request checks (access tokens, v3
sessions, apps), so it takes effect at once on every instance sharing the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, literal, select, union_all, update

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.records import OwnedAppRow
from filmshelf.storage.tables import access_tokens, accounts, apps, v3_sessions


@dataclass(frozen=True, slots=True)
class ApprovedApp:
    """An app that holds live access for an account: v4 access tokens and/or v3 sessions."""

    app_id: int
    name: str
    owner_username: str
    tokens: int
    sessions: int
    first_at: float
    last_at: float


async def approved_apps(conn: Conn, *, account_id: int, now: float) -> list[ApprovedApp]:
    """The apps holding a live access token or v3 session of the account, most recent first."""
    live_tokens = select(
        access_tokens.c.app_id.label("app_id"),
        literal(1).label("tokens"),
        literal(0).label("sessions"),
        access_tokens.c.created_at.label("created_at"),
    ).where(
        access_tokens.c.account_id == account_id,
        access_tokens.c.revoked_at.is_(None),
        access_tokens.c.expires_at > now,
    )
    live_sessions = select(
        v3_sessions.c.app_id.label("app_id"),
        literal(0).label("tokens"),
        literal(1).label("sessions"),
        v3_sessions.c.created_at.label("created_at"),
    ).where(
        v3_sessions.c.account_id == account_id,
        v3_sessions.c.revoked_at.is_(None),
        # A session converted from a token lives and dies with it: count only the token.
        v3_sessions.c.access_jti.is_(None),
    )
    grants = union_all(live_tokens, live_sessions).subquery("grants")
    stmt = (
        select(
            apps.c.id,
            apps.c.name,
            accounts.c.username,
            func.sum(grants.c.tokens).label("tokens"),
            func.sum(grants.c.sessions).label("sessions"),
            func.min(grants.c.created_at).label("first_at"),
            func.max(grants.c.created_at).label("last_at"),
        )
        .select_from(grants.join(apps, apps.c.id == grants.c.app_id).join(accounts, accounts.c.id == apps.c.owner_id))
        .where(apps.c.revoked_at.is_(None))
        .group_by(apps.c.id, apps.c.name, accounts.c.username)
        .order_by(func.max(grants.c.created_at).desc(), apps.c.id.desc())
    )
    return [
        ApprovedApp(
            app_id=int(row.id),
            name=row.name,
            owner_username=row.username,
            tokens=int(row.tokens or 0),
            sessions=int(row.sessions or 0),
            first_at=float(row.first_at),
            last_at=float(row.last_at),
        )
        for row in await conn.rows(stmt)
    ]


async def revoke_grants(conn: Conn, *, account_id: int, app_id: int, now: float) -> int:
    """Revoke every access token and v3 session the account gave one app; return how many ended."""
    tokens = await conn.run(
        update(access_tokens)
        .where(
            access_tokens.c.account_id == account_id,
            access_tokens.c.app_id == app_id,
            access_tokens.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    sessions = await conn.run(
        update(v3_sessions)
        .where(
            v3_sessions.c.account_id == account_id, v3_sessions.c.app_id == app_id, v3_sessions.c.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    return tokens + sessions


async def revoke_app_grants(conn: Conn, *, app_id: int, now: float) -> int:
    """Revoke every access token and v3 session of one app, whoever gave them; return how many."""
    tokens = await conn.run(
        update(access_tokens)
        .where(access_tokens.c.app_id == app_id, access_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    sessions = await conn.run(
        update(v3_sessions)
        .where(v3_sessions.c.app_id == app_id, v3_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return tokens + sessions


_APP_COLUMNS = (
    apps.c.id,
    apps.c.api_key,
    apps.c.name,
    apps.c.owner_id,
    apps.c.created_at,
    apps.c.revoked_at,
    accounts.c.object_id.label("owner_object_id"),
    accounts.c.username.label("owner_username"),
)


_OWNED_APPS = select(*_APP_COLUMNS).join(accounts, accounts.c.id == apps.c.owner_id)
_APP_BY_ID = Prepared(_OWNED_APPS.where(apps.c.id == bindparam("p_app_id")), OwnedAppRow)
_APPS_OF_OWNER = Prepared(
    _OWNED_APPS.where(apps.c.owner_id == bindparam("p_owner_id")).order_by(apps.c.id), OwnedAppRow
)
_ALL_APPS = Prepared(_OWNED_APPS.order_by(apps.c.id), OwnedAppRow)


async def app_by_id(conn: Conn, app_id: int) -> OwnedAppRow | None:
    """An app (revoked or not) with its owner's object id and username, or None."""
    rows = await conn.fetch(_APP_BY_ID, {"p_app_id": app_id})
    return rows[0] if rows else None


async def apps_of_owner(conn: Conn, *, owner_id: int) -> list[OwnedAppRow]:
    """Every app an account owns (revoked ones too), oldest first."""
    return await conn.fetch(_APPS_OF_OWNER, {"p_owner_id": owner_id})


async def all_apps(conn: Conn) -> list[OwnedAppRow]:
    """Every app (revoked ones too) with its owner, oldest first."""
    return await conn.fetch(_ALL_APPS, {})


async def set_app_key(conn: Conn, *, app_id: int, api_key: str, now: float) -> None:
    """Give an app a new API key; `created_at` moves too (it is the read token's `nbf`)."""
    await conn.run(update(apps).where(apps.c.id == app_id).values(api_key=api_key, created_at=now))


async def revoke_app(conn: Conn, *, app_id: int, now: float) -> bool:
    """Mark an app revoked; False if it already was (or does not exist)."""
    stmt = update(apps).where(apps.c.id == app_id, apps.c.revoked_at.is_(None)).values(revoked_at=now)
    return await conn.run(stmt) == 1


async def delete_app(conn: Conn, *, app_id: int) -> bool:
    """Delete an app with its tokens and sessions (foreign keys cascade); False if there was none."""
    return await conn.run(delete(apps).where(apps.c.id == app_id)) == 1


async def count_rows(conn: Conn) -> dict[str, int]:
    """How many accounts, apps, live access tokens and v3 sessions exist (the admin status page)."""
    from filmshelf.storage.tables import lists, titles

    counts: dict[str, int] = {}
    for name, table in (("titles", titles), ("accounts", accounts), ("apps", apps), ("lists", lists)):
        counts[name] = int(await conn.scalar(select(func.count()).select_from(table)) or 0)
    return counts
