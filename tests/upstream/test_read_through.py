"""Upstream mode over real HTTP: a downstream filmshelf reading through to an upstream filmshelf.

Both engines for the downstream (its store and catalog are what the engine changes). What the
upstream received is asserted from its recorder, never inferred from the downstream.
"""

from __future__ import annotations

from typing import Any

from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage import upstream as store
from filmshelf.upstream import rules
from tests.upstream.conftest import (
    NOT_FOUND,
    UPSTREAM_MOVIE,
    UPSTREAM_TV,
    Pair,
)

MOVIE = f"/3/movie/{UPSTREAM_MOVIE['id']}"
TV = f"/3/tv/{UPSTREAM_TV['id']}"
TTL = 3600.0


def _stored(pair: Pair, path: str, query: str = "") -> Any:
    plan = rules.plan(path, query)
    assert plan is not None

    async def read() -> Any:
        async with pair.downstream.services.db.read() as conn:
            return await store.get(conn, plan.key_hash)

    return pair.downstream.call(read())


def _title(pair: Pair, media_type: str, media_id: int) -> Any:
    async def read() -> Any:
        async with pair.downstream.services.db.read() as conn:
            return await catalog_rows.get_title(conn, media_type, media_id)

    return pair.downstream.call(read())


def test_miss_fetch_hit_expiry_and_negative_answers(pair: Pair) -> None:
    expected = pair.direct(MOVIE)
    assert expected.status_code == 200
    assert _title(pair, "movie", UPSTREAM_MOVIE["id"]) is None

    first = pair.get(MOVIE)
    assert first.status_code == 200, first.text
    assert first.headers["x-filmshelf-upstream"] == "miss"
    assert first.json() == expected.json()
    assert first.json()["title"] == "The Upstream Only"
    assert len(pair.recorder.calls(MOVIE)) == 1

    # Stored: the title is now in the local catalog, mapped as an import would map it.
    row = _title(pair, "movie", UPSTREAM_MOVIE["id"])
    assert row is not None
    assert (row.title, row.original_title, row.release_date, row.runtime, row.revenue) == (
        "The Upstream Only",
        "L'Amont",
        "2001-02-03",
        101,
        1234567,
    )
    assert row.genre_ids == "[18,35]"
    assert _stored(pair, MOVIE).status == 200

    pair.downstream.clock.advance(TTL - 1)
    hit = pair.get(MOVIE)
    assert hit.status_code == 200
    assert hit.headers["x-filmshelf-upstream"] == "hit"
    assert hit.headers["age"] == str(int(TTL - 1))
    assert hit.content == first.content
    assert len(pair.recorder.calls(MOVIE)) == 1

    # Past the TTL: asked again, once, and served fresh.
    pair.downstream.clock.advance(2)
    refreshed = pair.get(MOVIE)
    assert refreshed.status_code == 200
    assert refreshed.headers["x-filmshelf-upstream"] == "miss"
    assert refreshed.json() == expected.json()
    assert len(pair.recorder.calls(MOVIE)) == 2
    assert pair.get(MOVIE).headers["x-filmshelf-upstream"] == "hit"
    assert len(pair.recorder.calls(MOVIE)) == 2

    # A title the local catalog holds never goes upstream.
    local = pair.get("/3/movie/550")
    assert local.status_code == 200
    assert local.headers["x-filmshelf-upstream"] == "local"
    assert pair.recorder.calls("/3/movie/550") == []

    # Unknown upstream too: 404 / 34 passed on, believed for 10 minutes, then asked again.
    missing = "/3/movie/9099999"
    for _ in range(2):
        response = pair.get(missing)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    assert [r.headers["x-filmshelf-upstream"] for r in (pair.get(missing),)] == ["hit"]
    assert len(pair.recorder.calls(missing)) == 1
    pair.downstream.clock.advance(rules.NEGATIVE_TTL + 1)
    again = pair.get(missing)
    assert (again.status_code, again.headers["x-filmshelf-upstream"]) == (404, "miss")
    assert len(pair.recorder.calls(missing)) == 2

    # A TV show, with appends: the same path with another query is another stored answer.
    tv = pair.get(TV, append_to_response="videos,credits", language="en-US")
    assert tv.status_code == 200, tv.text
    assert tv.headers["x-filmshelf-upstream"] == "miss"
    assert tv.json()["name"] == "Upstream Series"
    assert tv.json()["credits"] == {"cast": [], "crew": []}
    [seen] = pair.recorder.calls(TV)
    assert seen.query == "append_to_response=credits%2Cvideos&language=en-US"
    # Same parameters in another order and spelling of the append list: the same stored answer.
    same = pair.get(TV, language="en-US", append_to_response="credits, videos")
    assert same.headers["x-filmshelf-upstream"] == "hit"
    assert len(pair.recorder.calls(TV)) == 1
    assert _title(pair, "tv", UPSTREAM_TV["id"]).runtime == 45
