"""A title's parts as the catalog holds them, and the parts derived from others.

`load_parts` reads every stored part of a title in one query; `StoredParts.get` decodes one
(the empty record when nothing is on file, which is how a known title gets TMDB's empty shape).
Derived parts: TV `aggregate_credits` falls back to `credits` (one role or job per person,
episode counts unknown, 0), and the legacy `trailers` append lists the YouTube trailers of
`videos`. `similar` and `recommendations` are computed by catalog/similar.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filmshelf.catalog import parts
from filmshelf.catalog.discover import TitlePage
from filmshelf.catalog.similar import related_page
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Conn


@dataclass(frozen=True, slots=True)
class StoredParts:
    """The stored parts of one title, as JSON text by append name."""

    media_type: str
    texts: dict[str, str]

    def has(self, name: str) -> bool:
        """True when an import brought this part."""
        return name in self.texts

    def get(self, name: str) -> Any:
        """The part's record (catalog/parts.py); the empty record when nothing is on file."""
        return parts.decode(self.media_type, name, self.texts.get(name))


async def load_parts(conn: Conn, row: Any) -> StoredParts:
    """Every stored part of a `titles` row."""
    return StoredParts(media_type=row.media_type, texts=await catalog_rows.get_parts(conn, row.media_type, row.id))


def aggregate_credits(stored: StoredParts) -> parts.AggregateCredits:
    """TV `aggregate_credits`: the imported one, else built from `credits`."""
    if stored.has("aggregate_credits"):
        found: parts.AggregateCredits = stored.get("aggregate_credits")
        return found
    return parts.aggregate_from_credits(stored.get("credits"))


def youtube_trailers(videos: parts.Videos) -> list[parts.Video]:
    """The YouTube trailers among `videos`, in their order (for the legacy `trailers` append)."""
    return [video for video in videos.results if video.site == "YouTube" and video.type == "Trailer"]


def imdb_id(stored: StoredParts) -> str | None:
    """The title's IMDb id, when its external ids are on file."""
    ids: parts.ExternalIds = stored.get("external_ids")
    return ids.imdb_id


async def related(conn: Conn, row: Any, *, kind: str, page: int) -> TitlePage:
    """A page of `similar` or `recommendations` for a title."""
    return await related_page(conn, row, kind=kind, page=page)
