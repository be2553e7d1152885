"""SQL for the catalog of titles (movies and TV shows in one table, keyed by media type and TMDB id)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Row

from filmshelf.storage.engine import Conn
from filmshelf.storage.tables import titles

MediaKey = tuple[str, int]


async def get_title(conn: Conn, media_type: str, media_id: int) -> Row[Any] | None:
    """One title row, or None."""
    stmt = select(titles).where(titles.c.media_type == media_type, titles.c.id == media_id)
    return await conn.row(stmt)


async def get_titles(conn: Conn, keys: Iterable[MediaKey]) -> dict[MediaKey, Row[Any]]:
    """Title rows for many (media_type, id) keys; absent keys are simply missing from the result."""
    wanted = list(dict.fromkeys(keys))
    found: dict[MediaKey, Row[Any]] = {}
    for media_type in ("movie", "tv"):
        ids = [media_id for kind, media_id in wanted if kind == media_type]
        # Chunks keep the statement under SQLite's bound-parameter limit.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stmt = select(titles).where(and_(titles.c.media_type == media_type, titles.c.id.in_(chunk)))
            for row in await conn.rows(stmt):
                found[(row.media_type, row.id)] = row
    return found


async def count_titles(conn: Conn) -> int:
    """How many titles the catalog holds."""
    from sqlalchemy import func

    return int(await conn.scalar(select(func.count()).select_from(titles)) or 0)


def key_filter(keys: Iterable[MediaKey]) -> Any:
    """A WHERE clause matching any of the (media_type, id) keys."""
    return or_(*(and_(titles.c.media_type == kind, titles.c.id == media_id) for kind, media_id in keys))
