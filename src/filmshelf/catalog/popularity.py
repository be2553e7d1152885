"""Popularity and votes that are filmshelf's own (docs/popularity.md says the same for people).

Every title keeps what an import brought (`imported_popularity`, `imported_vote_average`,
`imported_vote_count`: TMDB's figures, or the bundled sample's seed) apart from what filmshelf's
users did, and serves figures derived from both:

* vote_count   = imported_vote_count + the number of filmshelf ratings
* vote_average = (imported_vote_average x imported_vote_count + the sum of filmshelf ratings)
                 / vote_count  (0 when there are no votes at all)
* activity     = weighted adds over a window, each account counted once per title and kind:
                 favorite 3, rating 2, watchlist 2, on any of the account's lists 1;
                 `activity_day` over the last 24 hours, `activity_week` over the last 7 days
* popularity   = imported_popularity + activity_week
* rating_score = (vote_average x vote_count + 6.5 x 10) / (vote_count + 10), the Bayesian
                 average that orders /top_rated (a title without votes sits at 6.5)

The derived figures are columns, so every order is an index walk. They are refreshed inside the
transaction of each rating, favorite and watchlist change (the next read sees them), by imports
(in the same upsert), and for list changes and ageing windows by `refresh_recent`, which the
server runs every `stats_refresh_seconds` and `filmshelf catalog refresh-stats` runs on demand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Database

DAY = 86_400.0
WEEK = 7 * DAY

FAVORITE_POINTS = 3.0
RATING_POINTS = 2.0
WATCHLIST_POINTS = 2.0
LIST_POINTS = 1.0
# One activity point adds one unit of popularity.
POINT_POPULARITY = 1.0

PRIOR_MEAN = 6.5
PRIOR_VOTES = 10.0

WEIGHTS = catalog_rows.ActivityWeights(
    favorite=FAVORITE_POINTS, rating=RATING_POINTS, watchlist=WATCHLIST_POINTS, listed=LIST_POINTS
)
FORMULA = catalog_rows.StatsFormula(point_popularity=POINT_POPULARITY, prior_mean=PRIOR_MEAN, prior_votes=PRIOR_VOTES)


@dataclass(frozen=True, slots=True)
class Served:
    """The figures a title is served with."""

    popularity: float
    vote_average: float
    vote_count: int
    rating_score: float


def served(
    *,
    imported_popularity: float,
    imported_vote_average: float,
    imported_vote_count: int,
    user_vote_sum: float = 0.0,
    user_vote_count: int = 0,
    activity_week: float = 0.0,
) -> Served:
    """The served figures of a title from its parts (the rule the SQL in storage also applies)."""
    count = imported_vote_count + user_vote_count
    average = (imported_vote_average * imported_vote_count + user_vote_sum) / count if count else 0.0
    return Served(
        popularity=imported_popularity + POINT_POPULARITY * activity_week,
        vote_average=average,
        vote_count=count,
        rating_score=(average * count + PRIOR_MEAN * PRIOR_VOTES) / (count + PRIOR_VOTES),
    )


def activity_points(*, favorites: int, ratings: int, watchlist: int, listed: int) -> float:
    """Weighted activity of a title: how many accounts did each kind of add in the window."""
    return FAVORITE_POINTS * favorites + RATING_POINTS * ratings + WATCHLIST_POINTS * watchlist + LIST_POINTS * listed


async def refresh_titles(conn: catalog_rows.Conn, keys: Sequence[catalog_rows.MediaKey], *, now: float) -> int:
    """Recompute the votes, activity and served figures of `keys` inside the caller's transaction."""
    return await catalog_rows.refresh_title_stats(
        conn, keys, day_since=now - DAY, week_since=now - WEEK, weights=WEIGHTS, formula=FORMULA
    )


# Titles refreshed per write transaction by refresh_recent: a short lock each time, and the
# server's other requests run in between.
REFRESH_CHUNK = 200


async def refresh_recent(db: Database, *, now: float, everything: bool = False, last_run: float | None = None) -> int:
    """Refresh the activity figures that time or list changes moved; return how many titles.

    Without `last_run`: every title with activity in the last week or a non-zero activity figure
    (`everything`: the whole catalog, after ratings vanished with their account for instance).
    With `last_run` (the schedule's previous round): only titles with an add since then, or with
    an add that left the day or week window since then. Refreshes run `REFRESH_CHUNK` titles a
    transaction and yield to the event loop between them.
    """
    windows: list[tuple[float, float]] = []
    if last_run is not None and not everything:
        windows = [(last_run, now + 1), (last_run - DAY, now - DAY), (last_run - WEEK, now - WEEK)]
    async with db.read() as conn:
        keys = await catalog_rows.title_keys_to_refresh(conn, since=now - WEEK, everything=everything, windows=windows)
    refreshed = 0
    for start in range(0, len(keys), REFRESH_CHUNK):
        async with db.write() as conn:
            refreshed += await refresh_titles(conn, keys[start : start + REFRESH_CHUNK], now=now)
        await asyncio.sleep(0)
    return refreshed
