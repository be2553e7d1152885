"""Upstream mode over real HTTP: a downstream filmshelf reading through to an upstream filmshelf.

Both engines for the downstream (its store and catalog are what the engine changes). What the
upstream received is asserted from its recorder, never inferred from the downstream.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from filmshelf.catalog import importer
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage import upstream as store
from filmshelf.upstream import rules
from tests.conftest import bearer
from tests.upstream.conftest import (
    INVALID_KEY,
    NOT_FOUND,
    UPSTREAM_MOVIE,
    UPSTREAM_TV,
    Pair,
    Servers,
    closed_port_url,
)

# What these tests check does not depend on the downstream's engine (what the upstream received,
# the pause after a failure, one call per key in a process): SQLite only, to keep the suite quick.
# The store and the catalog writes run on both engines in the other tests.
ENGINE_INDEPENDENT = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
MOVIE_ID, TV_ID = 9_000_001, 9_000_002
MOVIE = f"/3/movie/{MOVIE_ID}"
TV = f"/3/tv/{TV_ID}"
assert (UPSTREAM_MOVIE["id"], UPSTREAM_TV["id"]) == (MOVIE_ID, TV_ID)
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
    assert _title(pair, "movie", MOVIE_ID) is None

    first = pair.get(MOVIE)
    assert first.status_code == 200, first.text
    assert first.headers["x-filmshelf-upstream"] == "miss"
    assert first.json() == expected.json()
    assert first.json()["title"] == "The Upstream Only"
    assert len(pair.recorder.calls(MOVIE)) == 1

    # Stored: the title is now in the local catalog, mapped as an import would map it.
    row = _title(pair, "movie", MOVIE_ID)
    assert row is not None
    assert (row.title, row.original_title, row.release_date, row.runtime, row.revenue) == (
        "The Upstream Only",
        "L'Amont",
        "2001-02-03",
        101,
        1234567,
    )
    assert tuple(row.genre_ids) == (18, 35)
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
    assert _title(pair, "tv", TV_ID).runtime == 45

    # A TMDB route filmshelf has no handler for at all (a person): answered upstream and stored.
    person = {"id": 31, "name": "Tom Hanks", "known_for_department": "Acting", "popularity": 80.1}
    pair.recorder.tmdb_only["/3/person/31"] = person
    local = pair.downstream.client.get("/3/person/31", headers={"Authorization": "Bearer x"})
    assert local.status_code == 401  # credentials are checked even where no local route exists
    first = pair.get("/3/person/31", language="en-US")
    assert (first.status_code, first.headers["x-filmshelf-upstream"]) == (200, "miss")
    assert first.json() == person
    second = pair.get("/3/person/31", language="en-US")
    assert (second.json(), second.headers["x-filmshelf-upstream"]) == (person, "hit")
    assert len(pair.recorder.calls("/3/person/31")) == 1
    assert _stored(pair, "/3/person/31", "language=en-US").status == 200


def _tmdb_error(code: int, message: str) -> bytes:
    return json.dumps({"success": False, "status_code": code, "status_message": message}).encode()


@ENGINE_INDEPENDENT
def test_upstream_failing_rate_limiting_and_down(pair: Pair, servers: Servers) -> None:
    recorder = pair.recorder
    assert pair.get(MOVIE).headers["x-filmshelf-upstream"] == "miss"
    body = pair.get(MOVIE).content
    assert len(recorder.calls()) == 1

    # Past the TTL and the upstream answers 500: the stored answer, marked stale, with its age.
    pair.downstream.clock.advance(TTL + 1)
    recorder.fault = (500, {}, _tmdb_error(11, "Internal error: Something went wrong, contact TMDB."))
    stale = pair.get(MOVIE)
    assert (stale.status_code, stale.headers["x-filmshelf-upstream"]) == (200, "stale")
    assert stale.headers["age"] == str(int(TTL + 1))
    assert stale.content == body
    assert len(recorder.calls()) == 2
    # For the next 5 s nobody calls the failing upstream: stale again, and nothing stored -> 502 / 43.
    assert pair.get(MOVIE).headers["x-filmshelf-upstream"] == "stale"
    unavailable = pair.get(TV)
    assert unavailable.status_code == 502
    assert unavailable.headers["x-filmshelf-upstream"] == "unavailable"
    assert unavailable.json()["status_code"] == 43
    assert unavailable.json()["success"] is False
    assert len(recorder.calls()) == 2

    # The upstream refuses filmshelf's token: never passed on as the caller's 401.
    pair.downstream.clock.advance(rules.FAILURE_PAUSE + 1)
    recorder.fault = (401, {}, _tmdb_error(7, "Invalid API key: You must be granted a valid key."))
    refused = pair.get(TV)
    assert (refused.status_code, refused.json()["status_code"]) == (502, 43)
    assert len(recorder.calls()) == 3

    # 429 with Retry-After: 30 -> no upstream call for 30 s; stale where stored, else 503 / 9.
    pair.downstream.clock.advance(rules.FAILURE_PAUSE + 1)
    recorder.fault = (
        429,
        {"Retry-After": "30"},
        _tmdb_error(25, "Your request count (#) is over the allowed limit of (40)."),
    )
    backoff = pair.get(TV)
    assert backoff.status_code == 503
    assert backoff.headers["x-filmshelf-upstream"] == "backoff"
    assert backoff.headers["retry-after"] == "30"
    assert backoff.json()["status_code"] == 9
    assert "try again in 30 s" in backoff.json()["error_message"]
    assert pair.get(MOVIE).headers["x-filmshelf-upstream"] == "stale"
    assert len(recorder.calls()) == 4
    pair.downstream.clock.advance(29)
    later = pair.get(TV)
    assert (later.status_code, later.headers["retry-after"]) == (503, "1")
    assert len(recorder.calls()) == 4

    # The wait is over and the upstream is well again: fetched and refreshed.
    pair.downstream.clock.advance(2)
    recorder.fault = None
    assert pair.get(TV).headers["x-filmshelf-upstream"] == "miss"
    assert pair.get(MOVIE).headers["x-filmshelf-upstream"] == "miss"
    assert len(recorder.calls()) == 6

    # Nothing listens at the upstream address any more (connection refused): a downstream on the
    # same database serves what is stored, stale, and 502 / 43 for the rest.
    dead = servers.downstream(upstream_url=closed_port_url())
    dead.clock.advance(pair.downstream.clock.now() - dead.clock.now() + TTL + 1)
    gone = dead.client.get(MOVIE, headers=pair.creds.headers)
    assert (gone.status_code, gone.headers["x-filmshelf-upstream"]) == (200, "stale")
    assert gone.content == body
    never = dead.client.get("/3/movie/9000010", headers=pair.creds.headers)
    assert (never.status_code, never.json()["status_code"]) == (502, 43)
    # One call found the port closed; the next request came within the 5 s pause and made none.
    assert dead.services.upstream is not None and dead.services.upstream.stats.calls == 1
    # filmshelf's own routes are not affected.
    assert dead.client.get("/3/movie/550", headers=pair.creds.headers).status_code == 200
    assert len(recorder.calls()) == 6

    # The store itself fails (its table is gone): TMDB's 500 / 11, not a bare server error.
    async def drop() -> None:
        async with dead.services.db.write() as conn:
            await conn.run(text("DROP TABLE upstream_answers"))

    dead.call(drop())
    broken = dead.client.get(MOVIE, headers=pair.creds.headers)
    assert (broken.status_code, broken.json()["status_code"], broken.json()["success"]) == (500, 11, False)


# What filmshelf's own client may send; anything else would be something of the caller's.
CLIENT_HEADERS = {"host", "accept", "accept-encoding", "connection", "user-agent", "authorization", "if-none-match"}


@ENGINE_INDEPENDENT
def test_only_filmshelfs_token_and_catalog_parameters_go_upstream(pair: Pair) -> None:
    downstream = pair.downstream
    api_key = pair.creds.app.api_key
    access_token = downstream.sign_in(pair.account, pair.creds)
    session = downstream.client.post(
        "/3/authentication/session/convert/4", headers=pair.creds.headers, json={"access_token": access_token}
    ).json()["session_id"]
    secrets = [api_key, access_token, session, pair.creds.read_token]

    params = {
        "api_key": api_key,
        "session_id": session,
        "guest_session_id": "0123456789abcdef0123456789abcdef",
        "language": "fr-FR",
        "append_to_response": "credits,account_states",
        "page": "1",
        "foo": "bar",
    }
    calls = [
        downstream.client.get(MOVIE, headers=pair.creds.headers, params=params),
        downstream.client.get(TV, headers=bearer(access_token), params=params),
        downstream.client.get("/3/movie/9000010", params={"api_key": api_key}, headers={"Cookie": "a=b"}),
    ]
    for response in calls:
        assert response.status_code == 200, response.text
        assert "account_states" not in response.json()
    seen = pair.recorder.calls()
    assert [call.path for call in seen] == [MOVIE, TV, "/3/movie/9000010"]
    assert [call.query for call in seen] == [
        "append_to_response=credits&language=fr-FR&page=1",
        "append_to_response=credits&language=fr-FR&page=1",
        "",
    ]
    for call in seen:
        assert call.method == "GET"
        assert call.header("authorization") == [f"Bearer {pair.upstream_token}"]
        assert {name for name, _ in call.headers} <= CLIENT_HEADERS
        for secret in secrets:
            assert all(secret not in value for _, value in call.headers)
            assert secret not in call.query

    # Bad or no credentials: 401 / 7 locally, and the upstream hears nothing.
    before = len(pair.recorder.seen)
    for path in ("/3/movie/9000011", "/3/person/31", MOVIE):
        for headers, query in (
            ({"Authorization": "Bearer not-a-token"}, {}),
            ({}, {"api_key": "0" * 32}),
            ({}, {}),
        ):
            refused = downstream.client.get(path, headers=headers, params=query)
            assert (refused.status_code, refused.json()) == (401, INVALID_KEY), path
            assert refused.headers.get("x-filmshelf-upstream") in {None, "local"}
    assert len(pair.recorder.seen) == before

    # Per-user, auth, account, list, rating and session routes never go upstream, whatever they answer.
    never = [
        f"{MOVIE}/account_states",
        f"{TV}/account_states",
        f"{TV}/season/1/episode/1/account_states",
        f"{MOVIE}/rating",
        "/3/account",
        f"/3/account/{pair.account.id}/favorite/movies",
        f"/3/account/{pair.account.id}/lists",
        "/3/list/1",
        "/3/guest_session/0123456789abcdef/rated/movies",
        "/3/authentication/guest_session/new",
        "/3/authentication/token/new",
        "/4/list/1",
        f"/4/account/{pair.account.object_id}/lists",
        "/3/movie/9000011/",
        "//3/movie/9000011",
        "/3/movie/09000011",
        "/3/movie/9000011abc",
    ]
    for path in never:
        response = downstream.client.get(path, headers=pair.creds.headers, params={"session_id": session})
        assert response.status_code != 500, path
        assert response.headers.get("x-filmshelf-upstream") is None, path
    for method in ("POST", "DELETE", "PUT"):
        downstream.client.request(method, "/3/movie/9000011", headers=pair.creds.headers)
    assert len(pair.recorder.seen) == before


@ENGINE_INDEPENDENT
def test_a_hundred_clients_one_upstream_call(pair: Pair) -> None:
    """100 concurrent requests for one missing title: the upstream is asked exactly once.

    The upstream holds its answer until the downstream reports 99 requests waiting on the first
    one's call, so the requests really overlap.
    """
    upstream = pair.downstream.services.upstream
    assert upstream is not None
    pair.recorder.hold = threading.Event()
    results: list[httpx.Response] = []

    async def burst() -> None:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=pair.downstream.base_url, limits=limits, timeout=60) as client:
            results.extend(await asyncio.gather(*(client.get(MOVIE, headers=pair.creds.headers) for _ in range(100))))

    runner = threading.Thread(target=lambda: asyncio.run(burst()))
    runner.start()
    deadline = time.monotonic() + 60
    while upstream.stats.joined < 99 and time.monotonic() < deadline:
        time.sleep(0.01)
    joined = upstream.stats.joined
    pair.recorder.hold.set()
    runner.join(timeout=60)
    assert joined == 99
    assert len(results) == 100
    assert {response.status_code for response in results} == {200}
    assert {response.content for response in results} == {pair.direct(MOVIE).content}
    assert len(pair.recorder.calls(MOVIE)) == 1
    assert upstream.stats.calls == 1


def test_fetched_titles_in_lists_favorites_and_ratings(pair: Pair, tmp_path: Path) -> None:
    downstream = pair.downstream
    for path in (MOVIE, TV):
        assert pair.get(path).headers["x-filmshelf-upstream"] == "miss"
    token = downstream.sign_in(pair.account, pair.creds)
    user = bearer(token)
    list_id = downstream.client.post("/4/list", headers=user, json={"name": "From upstream", "iso_639_1": "en"}).json()[
        "id"
    ]
    items = [
        {"media_type": "movie", "media_id": UPSTREAM_MOVIE["id"]},
        {"media_type": "tv", "media_id": UPSTREAM_TV["id"]},
    ]
    added = downstream.client.post(f"/4/list/{list_id}/items", headers=user, json={"items": items})
    assert added.status_code == 200, added.text
    assert [result["success"] for result in added.json()["results"]] == [True, True]
    shown = downstream.client.get(f"/4/list/{list_id}", headers=pair.creds.headers).json()
    assert [(r["media_type"], r["id"]) for r in shown["results"]] == [("movie", 9_000_001), ("tv", 9_000_002)]
    assert shown["results"][0]["title"] == "The Upstream Only"
    assert shown["results"][1]["name"] == "Upstream Series"
    assert (shown["runtime"], shown["revenue"], shown["poster_path"]) == (101, 1234567, "/upstream-poster.jpg")

    session = downstream.client.post(
        "/3/authentication/session/convert/4", headers=pair.creds.headers, json={"access_token": token}
    ).json()["session_id"]
    favorite = downstream.client.post(
        f"/3/account/{pair.account.id}/favorite",
        headers=pair.creds.headers,
        params={"session_id": session},
        json={"media_type": "movie", "media_id": UPSTREAM_MOVIE["id"], "favorite": True},
    )
    assert (favorite.status_code, favorite.json()["status_code"]) == (201, 1)
    rated = downstream.client.post(
        f"{TV}/rating", headers=pair.creds.headers, params={"session_id": session}, json={"value": 8.5}
    )
    assert (rated.status_code, rated.json()["status_code"]) == (201, 1)
    favorites = downstream.client.get(f"/4/account/{pair.account.object_id}/movie/favorites", headers=user).json()
    assert [(r["id"], r["title"]) for r in favorites["results"]] == [(9_000_001, "The Upstream Only")]
    ratings = downstream.client.get(f"/4/account/{pair.account.object_id}/tv/rated", headers=user).json()
    assert [(r["id"], r["account_rating"]["value"]) for r in ratings["results"]] == [(9_000_002, 8.5)]

    # The upstream's title changes; once the TTL has passed, the refresh reaches the list too.
    changed = dict(UPSTREAM_MOVIE, runtime=150, revenue=2_000_000, title="The Upstream, Recut")
    recut, original = tmp_path / "recut.jsonl", tmp_path / "original.jsonl"
    recut.write_text(json.dumps(changed) + "\n")
    original.write_text(json.dumps(UPSTREAM_MOVIE) + "\n")
    upstream_db = pair.upstream.services.db
    assert pair.upstream.call(importer.import_files(upstream_db, [recut])).updated == 1
    try:
        assert pair.get(MOVIE).json()["title"] == "The Upstream Only"  # still fresh here
        downstream.clock.advance(TTL + 1)
        assert pair.get(MOVIE).json()["title"] == "The Upstream, Recut"
    finally:
        # The upstream is shared by the session: put its title back.
        assert pair.upstream.call(importer.import_files(upstream_db, [original])).updated == 1
    shown = downstream.client.get(f"/4/list/{list_id}", headers=pair.creds.headers, params={"sort_by": "title.asc"})
    assert shown.json()["results"][0]["title"] == "The Upstream, Recut"
    assert (shown.json()["runtime"], shown.json()["revenue"]) == (150, 2_000_000)


@ENGINE_INDEPENDENT
def test_prefer_upstream(pair: Pair, servers: Servers, tmp_path: Path) -> None:
    """FILMSHELF_UPSTREAM_PREFER=upstream: the upstream first for every catalog read, the local
    catalog for what the upstream cannot answer."""
    downstream = servers.downstream(upstream_prefer="upstream")
    recorder = pair.recorder
    local_only = {"id": 9_000_100, "title": "Only Downstream", "original_title": "Only Downstream"}
    line = tmp_path / "local.jsonl"
    line.write_text(json.dumps(local_only) + "\n")
    assert downstream.call(importer.import_files(downstream.services.db, [line])).added == 1

    def get(path: str, **params: str) -> httpx.Response:
        return downstream.client.get(path, headers=pair.creds.headers, params=params)

    # A title both hold: the upstream's answer, stored.
    both = get("/3/movie/550")
    assert (both.status_code, both.headers["x-filmshelf-upstream"]) == (200, "miss")
    assert both.json() == pair.direct("/3/movie/550").json()
    assert get("/3/movie/550").headers["x-filmshelf-upstream"] == "hit"
    # A search: the upstream's catalog, not the local one (which finds nothing).
    found = get("/3/search/movie", query="upstream extra")
    assert found.headers["x-filmshelf-upstream"] == "miss"
    assert [r["id"] for r in found.json()["results"]] == [9_000_010, 9_000_011, 9_000_012]
    # (With the default preference the local catalog answers it, empty.)
    local_first = pair.get("/3/search/movie", query="upstream extr")
    assert (local_first.headers["x-filmshelf-upstream"], local_first.json()["total_results"]) == ("local", 0)
    # Only the local catalog holds it: the upstream says 404 / 34 (remembered), the local answer stands.
    for _ in range(2):
        mine = get("/3/movie/9000100")
        assert (mine.status_code, mine.headers["x-filmshelf-upstream"]) == (200, "local")
        assert mine.json()["title"] == "Only Downstream"
    assert len(recorder.calls("/3/movie/9000100")) == 1
    # Neither holds it: 404 / 34.
    assert get("/3/movie/9099998").json() == NOT_FOUND
    # The upstream fails and nothing is stored: the local catalog answers instead of 502.
    recorder.fault = (500, {}, b"{}")
    fallback = get("/3/movie/11")
    assert (fallback.status_code, fallback.headers["x-filmshelf-upstream"]) == (200, "local")
    assert get("/3/movie/9000011").json()["status_code"] == 43
    assert len(recorder.calls("/3/movie/11")) == 1
    # Bad credentials are refused before anything else.
    assert downstream.client.get("/3/movie/12").status_code == 401
    assert recorder.calls("/3/movie/12") == []
