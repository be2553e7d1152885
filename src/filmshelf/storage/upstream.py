"""SQL for the upstream read-through store: one row per catalog read the upstream answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, null, or_, select, true, update

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.tables import upstream_answers as answers
from filmshelf.storage.upsert import upsert


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An upstream answer as stored: status, JSON body, ETag and when it was fetched."""

    key_hash: str
    path: str
    query: str
    status: int
    body: bytes
    etag: str | None
    fetched_at: float


_COLUMNS = (
    answers.c.key_hash,
    answers.c.path,
    answers.c.query,
    answers.c.status,
    answers.c.body,
    answers.c.etag,
    answers.c.fetched_at,
)


def _record(row: tuple[object, ...]) -> StoredAnswer:
    key_hash, path, query, status, body, etag, fetched_at = row
    return StoredAnswer(
        key_hash=str(key_hash),
        path=str(path),
        query=str(query),
        status=int(status),  # type: ignore[call-overload]
        body=bytes(body),  # type: ignore[call-overload]
        etag=None if etag is None else str(etag),
        fetched_at=float(fetched_at),  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class Lookup:
    """What `lookup` found: the exact answer, and whether the title's details came from upstream."""

    exact: StoredAnswer | None
    title_is_upstream: bool


# One statement (prepared: it runs before every catalog read in upstream mode): the row under the
# key, and any stored 200 for the title's details (their bodies left out).
_LOOKUP = Prepared(
    select(
        answers.c.key_hash,
        answers.c.path,
        answers.c.query,
        answers.c.status,
        case((answers.c.key_hash == bindparam("key_hash"), answers.c.body), else_=null()).label("body"),
        answers.c.etag,
        answers.c.fetched_at,
        answers.c.details,
    ).where(
        or_(
            answers.c.key_hash == bindparam("key_hash"),
            and_(
                answers.c.media_type == bindparam("media_type"),
                answers.c.media_id == bindparam("media_id"),
                answers.c.details == true(),
                answers.c.status == 200,
            ),
        )
    )
)


async def lookup(conn: Conn, key_hash: str, *, media_type: str | None, media_id: int | None) -> Lookup:
    """The answer stored under `key_hash`, and (for a title path) whether the upstream answered
    that title's details with a 200 under any query."""
    exact: StoredAnswer | None = None
    upstream_title = False
    for row in await conn.fetch(_LOOKUP, {"key_hash": key_hash, "media_type": media_type, "media_id": media_id}):
        if row.key_hash == key_hash:
            exact = _record((row.key_hash, row.path, row.query, row.status, row.body, row.etag, row.fetched_at))
        if row.details and row.status == 200:
            upstream_title = True
    return Lookup(exact=exact, title_is_upstream=upstream_title)


async def get(conn: Conn, key_hash: str) -> StoredAnswer | None:
    """The stored answer under `key_hash`, or None."""
    row = await conn.row(select(*_COLUMNS).where(answers.c.key_hash == key_hash))
    return None if row is None else _record(tuple(row))


async def put(
    conn: Conn,
    *,
    key_hash: str,
    path: str,
    query: str,
    media_type: str | None,
    media_id: int | None,
    details: bool,
    status: int,
    body: bytes,
    etag: str | None,
    fetched_at: float,
) -> None:
    """Store (or replace) the answer under `key_hash`."""
    row = {
        "key_hash": key_hash,
        "path": path,
        "query": query,
        "media_type": media_type,
        "media_id": media_id,
        "details": details,
        "status": status,
        "body": body,
        "etag": etag,
        "fetched_at": fetched_at,
    }
    await upsert(conn, answers, [row], key=("key_hash",), update=tuple(name for name in row if name != "key_hash"))


async def touch(conn: Conn, key_hash: str, *, fetched_at: float) -> int:
    """Mark a stored answer as just confirmed by the upstream (a 304); return rows changed."""
    return await conn.run(update(answers).where(answers.c.key_hash == key_hash).values(fetched_at=fetched_at))


async def count(conn: Conn) -> int:
    """How many answers are stored."""
    return int(await conn.scalar(select(func.count()).select_from(answers)) or 0)


async def all_answers(conn: Conn, *, batch: int = 500) -> AsyncIterator[StoredAnswer]:
    """Every stored answer in key order, read `batch` rows at a time (for export)."""
    after = ""
    while True:
        rows = await conn.rows(
            select(*_COLUMNS).where(answers.c.key_hash > after).order_by(answers.c.key_hash).limit(batch)
        )
        for row in rows:
            yield _record(tuple(row))
        if len(rows) < batch:
            return
        after = str(rows[-1][0])
