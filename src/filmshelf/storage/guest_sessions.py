"""SQL for v3 guest sessions and their ratings (rows keyed by the SHA-256 of the id, never the id).

A guest session is live while its app is live, `expires_at` is ahead, and it was either used
(rated something) or issued less than `unused_lifetime` ago: the liveness rule is one WHERE clause
(`_live`), used by every read and write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, bindparam, delete, desc, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.records import AccountEntry, Title
from filmshelf.storage.tables import TITLE_COLUMNS, apps, guest_ratings, guest_sessions, titles
from filmshelf.storage.upsert import insert_or_ignore


def _live(session_hash: Any, now: Any, unused_since: Any) -> ColumnElement[bool]:
    """A guest session that is still usable at `now` (unused ones die `unused_since` seconds after issue)."""
    return and_(
        guest_sessions.c.session_hash == session_hash,
        guest_sessions.c.expires_at > now,
        or_(guest_sessions.c.used_at.is_not(None), guest_sessions.c.created_at > unused_since),
    )


async def insert_guest_session(
    conn: Conn, *, session_hash: str, app_id: int, now: float, expires_at: float, unused_since: float
) -> None:
    """Record a new guest session, and delete the ones (and their ratings) that can no longer be used."""
    dead = select(guest_sessions.c.session_hash).where(
        or_(
            guest_sessions.c.expires_at <= now,
            and_(guest_sessions.c.used_at.is_(None), guest_sessions.c.created_at <= unused_since),
        )
    )
    await conn.run(delete(guest_ratings).where(guest_ratings.c.session_hash.in_(dead)))
    await conn.run(delete(guest_sessions).where(guest_sessions.c.session_hash.in_(dead)))
    await conn.run(
        insert(guest_sessions).values(
            session_hash=session_hash, app_id=app_id, created_at=now, expires_at=expires_at, used_at=None
        )
    )


_LIVE_SESSION = Prepared(
    select(guest_sessions.c.app_id, guest_sessions.c.expires_at)
    .join(apps, and_(apps.c.id == guest_sessions.c.app_id, apps.c.revoked_at.is_(None)))
    .where(_live(bindparam("p_hash"), bindparam("p_now"), bindparam("p_unused_since")))
)


async def live_guest_session(conn: Conn, *, session_hash: str, now: float, unused_since: float) -> int | None:
    """The app id of a live guest session (its app not revoked), or None."""
    rows = await conn.fetch(_LIVE_SESSION, {"p_hash": session_hash, "p_now": now, "p_unused_since": unused_since})
    return int(rows[0].app_id) if rows else None


async def put_rating(
    conn: Conn, *, session_hash: str, media_type: str, media_id: int, value: float, now: float
) -> bool:
    """Rate a title for a guest session and mark the session used; True if it is a first rating."""
    await conn.run(
        update(guest_sessions)
        .where(guest_sessions.c.session_hash == session_hash, guest_sessions.c.used_at.is_(None))
        .values(used_at=now)
    )
    row = {
        "session_hash": session_hash,
        "media_type": media_type,
        "media_id": media_id,
        "value": value,
        "created_at": now,
    }
    if await insert_or_ignore(conn, guest_ratings, [row]) == 1:
        return True
    where = and_(
        guest_ratings.c.session_hash == session_hash,
        guest_ratings.c.media_type == media_type,
        guest_ratings.c.media_id == media_id,
    )
    await conn.run(update(guest_ratings).where(where).values(value=value))
    return False


async def remove_rating(conn: Conn, *, session_hash: str, media_type: str, media_id: int) -> bool:
    """Delete a guest rating; True if there was one."""
    stmt = delete(guest_ratings).where(
        guest_ratings.c.session_hash == session_hash,
        guest_ratings.c.media_type == media_type,
        guest_ratings.c.media_id == media_id,
    )
    return await conn.run(stmt) > 0


_RATING = Prepared(
    select(guest_ratings.c.value).where(
        guest_ratings.c.session_hash == bindparam("p_hash"),
        guest_ratings.c.media_type == bindparam("p_media_type"),
        guest_ratings.c.media_id == bindparam("p_media_id"),
    )
)


async def rating_of(conn: Conn, *, session_hash: str, media_type: str, media_id: int) -> float | None:
    """The guest session's rating of a title, or None."""
    rows = await conn.fetch(_RATING, {"p_hash": session_hash, "p_media_type": media_type, "p_media_id": media_id})
    return float(rows[0].value) if rows else None


def _joined() -> Any:
    return guest_ratings.join(
        titles, and_(titles.c.media_type == guest_ratings.c.media_type, titles.c.id == guest_ratings.c.media_id)
    )


_COUNT = Prepared(
    select(func.count().label("total"))
    .select_from(_joined())
    .where(guest_ratings.c.session_hash == bindparam("p_hash"), guest_ratings.c.media_type == bindparam("p_media_type"))
)


def _page_statement(descending: bool) -> Prepared[Any]:
    order = (
        [desc(guest_ratings.c.created_at), desc(guest_ratings.c.media_id)]
        if descending
        else [guest_ratings.c.created_at, guest_ratings.c.media_id]
    )
    return Prepared(
        select(
            *TITLE_COLUMNS,
            guest_ratings.c.created_at.label("entry_created_at"),
            guest_ratings.c.value.label("rating"),
        )
        .select_from(_joined())
        .where(
            guest_ratings.c.session_hash == bindparam("p_hash"),
            guest_ratings.c.media_type == bindparam("p_media_type"),
        )
        .order_by(*order)
        .offset(bindparam("p_offset", type_=Integer))
        .limit(bindparam("p_limit", type_=Integer))
    )


_PAGES = {False: _page_statement(False), True: _page_statement(True)}


async def rated_page(
    conn: Conn, *, session_hash: str, media_type: str, descending: bool, offset: int, limit: int
) -> tuple[int, list[AccountEntry]]:
    """(total, one page) of a guest session's rated titles of `media_type` that are in the catalog,
    by rating time (ties by TMDB id in the same direction)."""
    params = {"p_hash": session_hash, "p_media_type": media_type}
    counted = await conn.fetch(_COUNT, params)
    total = int(counted[0].total or 0) if counted else 0
    found = await conn.fetch(_PAGES[descending], {**params, "p_offset": offset, "p_limit": limit})
    return total, [
        AccountEntry(title=Title.from_row(row), created_at=float(row.entry_created_at), rating=float(row.rating))
        for row in found
    ]
