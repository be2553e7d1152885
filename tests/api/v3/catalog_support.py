"""Helpers for the discovery and title tests: synthetic imports, and the catalog as plain Python.

Expected answers are computed here from the import lines themselves (the bundled sample files
and the synthetic lines a test imports), never from the database that serves them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, or_

from filmshelf.catalog import importer, popularity
from filmshelf.storage.tables import title_external_ids, title_parts, titles
from tests.conftest import LiveServer

# Synthetic titles: ids above 10,000,000 are never real TMDB ids.
SYNTHETIC = 10_000_900


def sample(path: Path) -> dict[int, dict[str, Any]]:
    """The lines of a bundled sample file by id."""
    return {line["id"]: line for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


SAMPLE_MOVIES = sample(importer.SAMPLE_FILES[0])
SAMPLE_TV = sample(importer.SAMPLE_FILES[1])


@dataclass(frozen=True)
class Entry:
    """A title as an import line makes it (no activity of our own)."""

    media_type: str
    id: int
    original_title: str
    release_date: str | None
    genre_ids: tuple[int, ...]
    original_language: str
    popularity: float
    vote_average: float
    vote_count: int
    revenue: int | None
    adult: bool
    video: bool
    last_air_date: str | None = None
    next_air_date: str | None = None


def entry(media_type: str, line: dict[str, Any]) -> Entry:
    """The Entry an import line gives (served figures per catalog/popularity.py, with no own votes)."""
    served = popularity.served(
        imported_popularity=line.get("popularity", 0.0),
        imported_vote_average=line.get("vote_average", 0.0),
        imported_vote_count=line.get("vote_count", 0),
    )
    movie = media_type == "movie"
    genres = line.get("genre_ids") or [genre["id"] for genre in line.get("genres", [])]
    upcoming = line.get("next_episode_to_air") or {}
    return Entry(
        media_type=media_type,
        id=line["id"],
        original_title=line["original_title" if movie else "original_name"],
        release_date=line.get("release_date" if movie else "first_air_date") or None,
        genre_ids=tuple(genres),
        original_language=line.get("original_language", ""),
        popularity=served.popularity,
        vote_average=served.vote_average,
        vote_count=served.vote_count,
        revenue=(line.get("revenue") or None) if movie else None,
        adult=bool(line.get("adult", False)),
        video=bool(line.get("video", False)),
        last_air_date=line.get("last_air_date") or None,
        next_air_date=upcoming.get("air_date"),
    )


def sample_entries(media_type: str) -> list[Entry]:
    """The bundled sample of one media type as Entries."""
    lines = SAMPLE_MOVIES if media_type == "movie" else SAMPLE_TV
    return [entry(media_type, line) for line in lines.values()]


# key -> the value a title sorts on (a missing date or revenue as the smallest value).
SORT_VALUE: dict[str, Callable[[Entry], Any]] = {
    "popularity": lambda e: e.popularity,
    "vote_average": lambda e: e.vote_average,
    "vote_count": lambda e: e.vote_count,
    "release_date": lambda e: e.release_date or "",
    "original_title": lambda e: e.original_title,
    "revenue": lambda e: e.revenue if e.revenue is not None else -1,
}


def ordered(entries: Sequence[Entry], key: str, *, descending: bool) -> list[int]:
    """Ids in TMDB-discover order as filmshelf documents it: the key, then id, in one direction."""
    value = SORT_VALUE[key]
    return [e.id for e in sorted(entries, key=lambda e: (value(e), e.id), reverse=descending)]


def write_lines(path: Path, lines: Sequence[dict[str, Any]]) -> Path:
    """A gzip file of JSON lines."""
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line) + "\n")
    return path


@contextmanager
def imported(server: LiveServer, tmp_path: Path, lines: Sequence[dict[str, Any]]) -> Iterator[importer.ImportCounts]:
    """Import `lines` with `filmshelf catalog import`'s code; remove their titles afterwards.

    (PostgreSQL tests share the `titles` table for a whole run.)
    """
    path = write_lines(tmp_path / f"import-{len(lines)}-{lines[0]['id']}.json.gz", lines)
    problems: list[importer.BadLine] = []
    keys = [("movie" if "title" in line or "original_title" in line else "tv", line["id"]) for line in lines]
    counts = server.call(
        importer.import_files(server.services.db, [path], now=server.clock.now(), on_bad_line=problems.append)
    )
    assert problems == [], problems
    try:
        yield counts
    finally:

        async def remove() -> None:
            async with server.services.db.write() as conn:
                for table in (titles, title_parts, title_external_ids):
                    match = or_(*(and_(table.c.media_type == kind, table.c.id == media_id) for kind, media_id in keys))
                    await conn.run(delete(table).where(match))

        server.call(remove())


def clock_date(server: LiveServer, days: int = 0) -> str:
    """The server clock's UTC date, plus `days`, as YYYY-MM-DD."""
    now = dt.datetime.fromtimestamp(server.clock.now(), tz=dt.UTC).date()
    return (now + dt.timedelta(days=days)).isoformat()
