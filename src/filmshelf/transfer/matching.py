"""A file's titles to catalog titles: by TMDB id, then IMDb id, then exact title and year.

* TMDB id: the catalog title of that id (and of the file's media type, when it says one; an id that
  is both a movie and a TV show in the catalog with no media type in the file is ambiguous).
* IMDb id: the catalog titles carrying it (`title_external_ids`, as /3/find reads them).
* Title + year: titles whose title equals the file's, ignoring case, released (first aired) that
  year; with no year in the file, the title alone. More than one candidate is ambiguous, and an
  ambiguous title is not matched: the report names the candidates.

Each step that finds nothing says why, and the reasons of every step make the report's line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage import transfer as transfer_rows
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.transfer.model import TitleRef

MediaKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Match:
    """The catalog title a reference names (by which rule), or why there is none."""

    title: Title | None
    by: str | None = None  # "tmdb_id", "imdb_id" or "title"
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Candidates:
    """What the catalog holds for a batch of references."""

    by_key: dict[MediaKey, Title]
    by_imdb: dict[str, list[Title]]
    by_name: dict[str, list[Title]]


def _kinds(ref: TitleRef) -> tuple[str, ...]:
    return (ref.media_type,) if ref.media_type else ("movie", "tv")


def _year(title: Title) -> int | None:
    date = title.release_date or ""
    return int(date[:4]) if len(date) >= 4 and date[:4].isdigit() else None


def _names(titles: Sequence[Title]) -> str:
    return ", ".join(f"{t.media_type} {t.id}" for t in titles[:5]) + (" ..." if len(titles) > 5 else "")


def resolve(ref: TitleRef, found: Candidates) -> Match:
    """The rules of the module docstring, on what the catalog holds."""
    reasons = []
    if ref.tmdb_id is not None:
        hits = [found.by_key[(kind, ref.tmdb_id)] for kind in _kinds(ref) if (kind, ref.tmdb_id) in found.by_key]
        if len(hits) == 1:
            return Match(hits[0], "tmdb_id")
        if hits:
            reasons.append(f"TMDB id {ref.tmdb_id} is both a movie and a TV show")
        else:
            reasons.append(f"TMDB id {ref.tmdb_id} is not in the catalog")
    if ref.imdb_id:
        hits = [t for t in found.by_imdb.get(ref.imdb_id, []) if t.media_type in _kinds(ref)]
        if len(hits) == 1:
            return Match(hits[0], "imdb_id")
        if hits:
            reasons.append(f"IMDb id {ref.imdb_id} is carried by {_names(hits)}")
        else:
            reasons.append(f"IMDb id {ref.imdb_id} is not in the catalog")
    if ref.name:
        hits = [
            t
            for t in found.by_name.get(ref.name.lower(), [])
            if t.media_type in _kinds(ref) and (ref.year is None or _year(t) == ref.year)
        ]
        if len(hits) == 1:
            return Match(hits[0], "title")
        what = f"{ref.name!r}" + (f" ({ref.year})" if ref.year else "")
        if hits:
            reasons.append(f"ambiguous: {len(hits)} titles named {what}: {_names(hits)}")
        else:
            reasons.append(f"no title named {what} in the catalog")
    return Match(None, None, "; ".join(reasons) or "the file names no title")


async def candidates(conn: Conn, refs: Sequence[TitleRef]) -> Candidates:
    """Read what the catalog holds for `refs` in a few statements."""
    keys = list({(kind, ref.tmdb_id) for ref in refs if ref.tmdb_id is not None for kind in _kinds(ref)})
    by_key = await catalog_rows.get_titles(conn, keys) if keys else {}
    imdb_ids = [ref.imdb_id for ref in refs if ref.imdb_id]
    by_imdb = await transfer_rows.titles_by_imdb_ids(conn, imdb_ids) if imdb_ids else {}
    names = [ref.name.lower() for ref in refs if ref.name]
    by_name = await transfer_rows.titles_by_names(conn, names) if names else {}
    return Candidates(by_key=dict(by_key), by_imdb=by_imdb, by_name=by_name)


async def match_all(conn: Conn, refs: Sequence[TitleRef]) -> list[Match]:
    """The match of each reference, in order."""
    found = await candidates(conn, refs)
    return [resolve(ref, found) for ref in refs]
