"""Reading the catalog the way TMDB's v3 movie, TV and search calls do.

Rules kept here (the routes only parse and shape):
* a title id in a path is a positive integer written in digits; anything else, like an id that
  is not in the catalog, is TMDB's 404 / code 34;
* `append_to_response` names at most 20 things, else 400 / code 27;
* a search matches a case-insensitive substring of the title or the original title, leaves
  adult titles out unless `include_adult=true`, orders by popularity (highest first) then id,
  and pages 20 at a time; an empty query finds nothing (TMDB answers an empty page, not an error).
"""

from __future__ import annotations

from filmshelf.catalog import parts
from filmshelf.errors import FilmshelfError, InvalidParameters, NotFound
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.wire import PAGE_SIZE, Page, offset_of, parse_path_id

MAX_APPENDS = 20
MAX_QUERY_CHARS = 500


async def title_or_raise(conn: Conn, media_type: str, raw_id: str) -> Title:
    """The catalog row of a movie or TV show named by a path id; NotFound (404 / 34) if absent."""
    row = await catalog_rows.get_title(conn, media_type, parse_path_id(raw_id))
    if row is None:
        raise NotFound()
    return row


def parse_appends(raw: str | None) -> list[str]:
    """The names in `append_to_response` (comma separated); more than 20 is 400 / code 27."""
    if not raw:
        return []
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if len(names) > MAX_APPENDS:
        raise FilmshelfError(27)
    return list(dict.fromkeys(names))


def parse_include_adult(raw: str | None) -> bool:
    """`include_adult`: "true" (any case) or "1" includes adult titles; anything else leaves them out."""
    return raw is not None and raw.strip().lower() in {"true", "1"}


def parse_year(*values: str | None) -> int | None:
    """The year filter from the first non-empty of `values`; not a year 1-9999 is 422 / code 5."""
    for raw in values:
        if raw is None or not raw.strip():
            continue
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= 9999:
            raise InvalidParameters(detail=f"year must be a year such as 1999, not {text[:20]!r}")
        return int(text)
    return None


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def search(
    conn: Conn,
    *,
    media_type: str | None,
    query: str | None,
    page: int,
    include_adult: bool,
    year: int | None,
) -> Page[Title]:
    """Search the titles of `media_type`, or movies and TV together when None (see the module docstring)."""
    needle = (query or "").strip().lower()[:MAX_QUERY_CHARS]
    if not needle:
        return Page(page=1, rows=[], total_results=0)
    if not _storable(needle):
        # No stored title holds a NUL or an unpaired surrogate (PostgreSQL cannot even compare them).
        return Page(page=page, rows=[], total_results=0)
    rows, total = await catalog_rows.search_titles(
        conn,
        media_type=media_type,
        needle=needle,
        include_adult=include_adult,
        year=year,
        offset=offset_of(page),
        limit=PAGE_SIZE,
    )
    return Page(page=page, rows=rows, total_results=total)


async def find(conn: Conn, *, external_id: str, source: str | None) -> list[Title]:
    """Catalog titles carrying `external_id` from `source` (one of parts.FIND_SOURCES), movies first.

    `external_source` missing or not one TMDB lists is 422 / 5. An id the catalog does not hold
    finds nothing (TMDB answers empty lists, not 404): this is the one place a find misses locally.
    """
    if source not in parts.FIND_SOURCES:
        allowed = ", ".join(parts.FIND_SOURCES)
        raise InvalidParameters(detail=f"external_source must be one of: {allowed}")
    value = external_id.strip()
    if not value or len(value) > 256 or not _storable(value):
        return []
    return list(await catalog_rows.titles_by_external_id(conn, source=source, value=value))
