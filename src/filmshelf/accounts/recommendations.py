"""Personal recommendations computed from an account's favorites, ratings and watchlist.

The ranking is a pure function of two inputs that storage fetches (the account's marked
titles of one media type, and a bounded set of candidate titles), so the same state always
gives the same order. How it works (docs/recommendations.md says the same for users):

1. Every marked title gets a weight: a rating r adds (r - 5.5) / 4.5 (10 -> +1, 5.5 -> 0,
   0.5 -> -1.1), a favorite adds +1, a watchlist entry +0.5.
2. The genre profile sums each title's weight over its genres (divided by the square root
   of its genre count, so a one-genre film says more about that genre than a five-genre one).
   The word profile sums the weights of positively weighted titles over the distinct
   content words of their overviews.
3. Candidates are titles of the same media type that share one of the profile's best
   positive genres and that the account has not marked (fetched in SQL, most popular first,
   capped). Each scores the cosine between its genres and the genre profile plus a quarter
   of the cosine between its overview words and the word profile.
4. Candidates scoring above zero are returned best first; ties go to the more popular
   title, then the lower TMDB id. An account with no positive signal gets the catalog's
   popular titles instead (popularity, vote count, id), minus what it has already marked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from filmshelf.storage import account_media as rows
from filmshelf.storage import records
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.wire import PAGE_SIZE, Page, offset_of

FAVORITE_WEIGHT = 1.0
WATCHLIST_WEIGHT = 0.5
RATING_CENTRE = 5.5
RATING_SPAN = 4.5
WORD_SHARE = 0.25
TOP_GENRES = 6
CANDIDATE_CAP = 1000

_WORD = re.compile(r"[a-z]+")
# Words too common in one-line premises to say anything about taste.
_STOPWORDS = frozenset(
    """
    about above after again against all also among and another any are around back been before
    being below between both but came come comes could does doing down during each even ever
    every find finds first from further gets give goes going have having here hers herself
    himself into itself just last life like made make makes many more most much must never next
    only other ones over own same should since some something still such take takes than that
    their them themselves then there these they this those through time together under until
    upon very well were what when where which while whose will with within without world would
    year years young your
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def content_words(text: str) -> frozenset[str]:
    """The distinct content words of an overview (lower case, four letters or more, no stopwords)."""
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in _STOPWORDS)


def signal_weight(*, rating: float | None, favorite: bool, watchlist: bool) -> float:
    """How much one marked title says about the account's taste (negative: dislike)."""
    weight = 0.0
    if rating is not None:
        weight += (rating - RATING_CENTRE) / RATING_SPAN
    if favorite:
        weight += FAVORITE_WEIGHT
    if watchlist:
        weight += WATCHLIST_WEIGHT
    return weight


@dataclass(frozen=True, slots=True)
class Signal:
    """A title the account marked, with its combined weight."""

    media_id: int
    genre_ids: tuple[int, ...]
    words: frozenset[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """A title that may be recommended."""

    media_id: int
    genre_ids: tuple[int, ...]
    words: frozenset[str]
    popularity: float


@dataclass(slots=True)
class Profile:
    """Genre and word weights built from signals."""

    genres: dict[int, float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)

    def top_genres(self, limit: int = TOP_GENRES) -> list[int]:
        """The best positively weighted genres (weight desc, then id)."""
        positive = [(weight, genre) for genre, weight in self.genres.items() if weight > 0]
        return [genre for _, genre in sorted(positive, key=lambda p: (-p[0], p[1]))[:limit]]


def build_profile(signals: Iterable[Signal]) -> Profile:
    """Sum signal weights into genre and word profiles (signals in a fixed order)."""
    profile = Profile()
    for signal in sorted(signals, key=lambda s: s.media_id):
        if signal.weight == 0:
            continue
        if signal.genre_ids:
            share = signal.weight / math.sqrt(len(signal.genre_ids))
            for genre in signal.genre_ids:
                profile.genres[genre] = profile.genres.get(genre, 0.0) + share
        if signal.weight > 0:
            for word in signal.words:
                profile.words[word] = profile.words.get(word, 0.0) + signal.weight
    return profile


def _norm(values: Iterable[float]) -> float:
    return math.sqrt(sum(v * v for v in values))


def score(profile: Profile, candidate: Candidate, *, genre_norm: float, word_norm: float) -> float:
    """Genre cosine plus a quarter of the overview-word cosine (both against the profile)."""
    total = 0.0
    genres = set(candidate.genre_ids)
    if genres and genre_norm > 0:
        total += sum(profile.genres.get(g, 0.0) for g in genres) / (genre_norm * math.sqrt(len(genres)))
    if candidate.words and word_norm > 0:
        dot = sum(profile.words.get(w, 0.0) for w in candidate.words)
        total += WORD_SHARE * dot / (word_norm * math.sqrt(len(candidate.words)))
    return total


def rank(profile: Profile, candidates: Sequence[Candidate]) -> list[int]:
    """Ids of the candidates scoring above zero, best first (ties: popularity desc, id asc)."""
    genre_norm = _norm(profile.genres.values())
    word_norm = _norm(profile.words.values())
    scored = []
    for candidate in candidates:
        # Rounded so that float noise can never reorder equal scores between runs.
        value = round(score(profile, candidate, genre_norm=genre_norm, word_norm=word_norm), 9)
        if value > 0:
            scored.append((-value, -candidate.popularity, candidate.media_id))
    scored.sort()
    return [media_id for _, _, media_id in scored]


def signals_from_rows(found: dict[rows.Kind, list[records.Signal]]) -> list[Signal]:
    """Merge favorite / watchlist / rated entries of one media type into one weighted signal per title."""
    info: dict[int, tuple[tuple[int, ...], frozenset[str]]] = {}
    flags: dict[int, dict[str, Any]] = {}
    for kind, kind_rows in found.items():
        for row in kind_rows:
            info.setdefault(row.media_id, (row.genre_ids, content_words(row.overview)))
            entry = flags.setdefault(row.media_id, {"rating": None, "favorite": False, "watchlist": False})
            if kind == "rated":
                entry["rating"] = row.rating
            else:
                entry[kind] = True
    return [
        Signal(
            media_id=media_id,
            genre_ids=info[media_id][0],
            words=info[media_id][1],
            weight=signal_weight(**flag),
        )
        for media_id, flag in sorted(flags.items())
    ]


def candidate_from_title(title: Title) -> Candidate:
    """A Candidate from a catalog title."""
    return Candidate(
        media_id=title.id,
        genre_ids=title.genre_ids,
        words=content_words(title.overview),
        popularity=title.popularity,
    )


async def recommendations_page(conn: Conn, *, account_id: int, media_type: str, page: int) -> Page[Title]:
    """One page (20) of recommended titles of `media_type` for the account."""
    offset = offset_of(page)
    signals = signals_from_rows(await rows.signal_rows(conn, account_id=account_id, media_type=media_type))
    profile = build_profile(signals)
    top = profile.top_genres()
    ranked: list[int] = []
    if top:
        candidate_rows = await rows.candidate_rows(
            conn, account_id=account_id, media_type=media_type, genre_ids=top, limit=CANDIDATE_CAP
        )
        by_id = {row.id: row for row in candidate_rows}
        ranked = rank(profile, [candidate_from_title(row) for row in candidate_rows])
    if not ranked:
        total, found = await rows.popular_rows(
            conn, account_id=account_id, media_type=media_type, offset=offset, limit=PAGE_SIZE
        )
        return Page(page=page, total_results=total, rows=found)
    return Page(page=page, total_results=len(ranked), rows=[by_id[i] for i in ranked[offset : offset + PAGE_SIZE]])
