"""`similar` and `recommendations` of a title, from the catalog's own data (docs/recommendations.md).

Both are deterministic: the same catalog and the same activity give the same pages.

* Candidates: titles of the same media type (never the title itself, never adult ones) that
  share a genre with it, the 500 most popular of them; for recommendations also the titles
  that filmshelf's users who like this title like too (favorite, watchlist, or rated 7 or more).
* Content score S = cos(genres) + 0.5 x cos(keywords) + 0.25 x cos(overview words), each a
  cosine of two sets (|A and B| / sqrt(|A| x |B|)); keywords come from imported `keywords`
  parts, overview words are accounts/recommendations.py's content words.
* similar: candidates with S > 0, best S first.
* recommendations: R = S + 1.0 x (share of this title's fans who also like the candidate);
  candidates with R > 0, best R first. With no fans on file it orders like `similar`.
* Ties (scores equal to nine decimals) go to the more popular title, then the lower id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from filmshelf.accounts.recommendations import content_words
from filmshelf.catalog import parts
from filmshelf.catalog.discover import TitlePage
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Conn
from filmshelf.wire import PAGE_SIZE, Page, offset_of

CANDIDATES = 500
KEYWORD_SHARE = 0.5
WORD_SHARE = 0.25
FAN_SHARE = 1.0
FAN_MIN_RATING = 7.0


@dataclass(frozen=True, slots=True)
class Features:
    """What a title's content score is computed from."""

    genres: frozenset[int]
    keywords: frozenset[int]
    words: frozenset[str]


def set_cosine(first: Iterable[Any], second: Iterable[Any]) -> float:
    """|A and B| / sqrt(|A| x |B|) of two sets (0 when either is empty)."""
    a, b = set(first), set(second)
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def content_score(source: Features, candidate: Features) -> float:
    """S: genre cosine + 0.5 x keyword cosine + 0.25 x overview-word cosine."""
    return (
        set_cosine(source.genres, candidate.genres)
        + KEYWORD_SHARE * set_cosine(source.keywords, candidate.keywords)
        + WORD_SHARE * set_cosine(source.words, candidate.words)
    )


def rank(scores: Mapping[int, float], popularity: Mapping[int, float]) -> list[int]:
    """Ids scoring above zero, best first; ties (to nine decimals) by popularity desc, then id."""
    ordered = [(-round(value, 9), -popularity[media_id], media_id) for media_id, value in scores.items()]
    return [media_id for value, _, media_id in sorted(ordered) if value < 0]


def _keyword_ids(text: str | None) -> frozenset[int]:
    if text is None:
        return frozenset()
    found: parts.Keywords = parts.decode("movie", "keywords", text)
    return frozenset(keyword.id for keyword in found.keywords)


def features(row: Any, keywords_text: str | None) -> Features:
    """The Features of a `titles` row and its stored keywords part."""
    return Features(
        genres=frozenset(row.genre_ids),
        keywords=_keyword_ids(keywords_text),
        words=content_words(row.overview or ""),
    )


async def _scored(conn: Conn, row: Any, *, with_fans: bool) -> tuple[dict[int, float], dict[int, Any]]:
    media_type, media_id = row.media_type, row.id
    source_keywords = await catalog_rows.get_parts(conn, media_type, media_id, ["keywords"])
    source = features(row, source_keywords.get("keywords"))
    candidates = {
        candidate.id: candidate
        for candidate in await catalog_rows.titles_sharing_genres(
            conn, media_type=media_type, genre_ids=sorted(source.genres), exclude_id=media_id, limit=CANDIDATES
        )
    }
    fan_share: dict[int, float] = {}
    if with_fans:
        fans, shared = await catalog_rows.co_marked_titles(
            conn, media_type=media_type, media_id=media_id, min_rating=FAN_MIN_RATING, limit=CANDIDATES
        )
        fan_share = {other: count / fans for other, count in shared}
        missing = [(media_type, other) for other in fan_share if other not in candidates]
        for (_, other), found in (await catalog_rows.get_titles(conn, missing)).items():
            if not found.adult:
                candidates[other] = found
    keywords = await catalog_rows.parts_of_titles(conn, media_type, sorted(candidates), "keywords")
    scores = {
        other: content_score(source, features(candidate, keywords.get(other))) + FAN_SHARE * fan_share.get(other, 0.0)
        for other, candidate in candidates.items()
    }
    return scores, candidates


async def related_page(conn: Conn, row: Any, *, kind: str, page: int) -> TitlePage:
    """One page (20) of `similar` or `recommendations` titles of a catalog row."""
    scores, candidates = await _scored(conn, row, with_fans=kind == "recommendations")
    ranked = rank(scores, {media_id: float(found.popularity) for media_id, found in candidates.items()})
    start = offset_of(page)
    return Page(page=page, rows=[candidates[i] for i in ranked[start : start + PAGE_SIZE]], total_results=len(ranked))
