"""v3 guest sessions: an app's anonymous visitor who may rate movies and TV shows, nothing else.

Rules (docs/wire-decisions.md, "Guest sessions"): a guest_session_id is 128 random bits shown
once (32 hex, like TMDB's); only its SHA-256 is stored. It belongs to the app that made it and is
refused to any other. TMDB deletes a guest session that is not used within 60 minutes of being
issued: here "used" means it rated something, and an unused session is dead 60 minutes after
issue. A used session lives until the `expires_at` it was issued with (24 hours after issue).
Its ratings are its own: they never show on any account, and go with the session.
"""

from __future__ import annotations

from filmshelf.accounts import media
from filmshelf.auth.apps import App
from filmshelf.auth.sessions import AuthenticationFailed, digest
from filmshelf.auth.tokens import new_guest_session_id
from filmshelf.errors import NotFound
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage import guest_sessions as rows
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import AccountEntry
from filmshelf.wire import PAGE_SIZE, Page, offset_of

LIFETIME = 24 * 3600
UNUSED_LIFETIME = 60 * 60
MAX_ID_LENGTH = 256


async def create(conn: Conn, *, app: App, now: float) -> tuple[str, float]:
    """A new guest session of `app`: (guest_session_id, expires_at)."""
    guest_session_id = new_guest_session_id()
    expires_at = now + LIFETIME
    await rows.insert_guest_session(
        conn,
        session_hash=digest(guest_session_id),
        app_id=app.id,
        now=now,
        expires_at=expires_at,
        unused_since=now - UNUSED_LIFETIME,
    )
    return guest_session_id, expires_at


async def live_hash(conn: Conn, *, app: App, guest_session_id: str | None, now: float) -> str:
    """The stored digest of a live guest session of `app`; AuthenticationFailed (401 / 3) otherwise."""
    if not guest_session_id or len(guest_session_id) > MAX_ID_LENGTH:
        raise AuthenticationFailed(detail="A valid guest_session_id is required.")
    session_hash = digest(guest_session_id)
    await still_live(conn, session_hash=session_hash, app=app, now=now)
    return session_hash


async def still_live(conn: Conn, *, session_hash: str, app: App, now: float) -> None:
    """The guest session is live and belongs to `app`; AuthenticationFailed (401 / 3) otherwise."""
    app_id = await rows.live_guest_session(conn, session_hash=session_hash, now=now, unused_since=now - UNUSED_LIFETIME)
    if app_id != app.id:
        raise AuthenticationFailed(detail="A valid guest_session_id is required.")


async def rate(
    conn: Conn, *, session_hash: str, media_type: str, media_id: int, value: float, now: float
) -> media.Outcome:
    """Rate a catalog title for the guest (value already checked by `media.parse_rating`)."""
    if await catalog_rows.get_title(conn, media_type, media_id) is None:
        raise NotFound()
    created = await rows.put_rating(
        conn, session_hash=session_hash, media_type=media_type, media_id=media_id, value=value, now=now
    )
    return media.Outcome.CREATED if created else media.Outcome.UPDATED


async def unrate(conn: Conn, *, session_hash: str, media_type: str, media_id: int) -> media.Outcome:
    """Delete a guest rating: idempotent (13) for a catalog title, 404 / 34 for an unknown one."""
    removed = await rows.remove_rating(conn, session_hash=session_hash, media_type=media_type, media_id=media_id)
    if not removed and await catalog_rows.get_title(conn, media_type, media_id) is None:
        raise NotFound()
    return media.Outcome.DELETED


async def rated_page(
    conn: Conn, *, session_hash: str, media_type: str, sort: media.Sort, page: int
) -> Page[AccountEntry]:
    """One page (20) of the guest's rated titles of `media_type`, in rating order."""
    total, found = await rows.rated_page(
        conn,
        session_hash=session_hash,
        media_type=media_type,
        descending=sort.descending,
        offset=offset_of(page),
        limit=PAGE_SIZE,
    )
    return Page(page=page, total_results=total, rows=found)


async def states(conn: Conn, *, session_hash: str, media_type: str, media_id: int) -> media.States:
    """A guest's account_states of a catalog title (guests have no favorites or watchlist); 404 / 34
    for an unknown title."""
    if await catalog_rows.get_title(conn, media_type, media_id) is None:
        raise NotFound()
    rating = await rows.rating_of(conn, session_hash=session_hash, media_type=media_type, media_id=media_id)
    return media.States(favorite=False, watchlist=False, rating=rating)
