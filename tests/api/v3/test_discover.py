"""Discovery over real HTTP on both engines: discover sorts and filters, named lists, trending,
multi search, paging, and how filmshelf's own activity and votes move popularity and ratings.

Every expected order is computed in Python from the import lines (catalog_support.py), with the
rules docs/wire-decisions.md states, and compared with what the SQL serves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from filmshelf.catalog import discover, popularity
from tests.accounts.support import V3User, sign_in_v3
from tests.api.v3.catalog_support import (
    SYNTHETIC,
    Entry,
    clock_date,
    entry,
    imported,
    ordered,
    sample_entries,
)
from tests.conftest import AppCreds, LiveServer, bearer

BAD_PAGE = {
    "success": False,
    "status_code": 22,
    "status_message": "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
}


def synthetic_lines(server: LiveServer) -> list[dict[str, Any]]:
    """Titles the sample lacks: votes, revenue, adult and video ones, other languages, recent dates,
    a genre id TMDB does not have (99999: filters read genre_ids for it, not the genre mask)."""
    s = SYNTHETIC
    return [
        {"id": s + 1, "title": "Synthetic Adult", "original_title": "Synthetic Adult", "adult": True,
         "popularity": 50.0, "genre_ids": [18], "release_date": "2010-01-01", "original_language": "en"},
        {"id": s + 2, "title": "Synthetic Video", "original_title": "Synthetic Video", "video": True,
         "popularity": 40.0, "genre_ids": [99], "release_date": "2012-01-01", "original_language": "en"},
        {"id": s + 3, "title": "Zeta", "original_title": "Zeta", "vote_average": 8.2, "vote_count": 1200,
         "revenue": 500_000_000, "release_date": "2001-05-05", "original_language": "fr", "genre_ids": [18, 53],
         "popularity": 30.0},
        {"id": s + 4, "title": "Angel", "original_title": "Ängel", "vote_average": 7.1, "vote_count": 50,
         "release_date": "", "original_language": "ja", "genre_ids": [35], "popularity": 0.5},
        {"id": s + 5, "title": "Synthetic Recent", "original_title": "Synthetic Recent", "vote_average": 9.9,
         "vote_count": 3, "release_date": clock_date(server, -10), "genre_ids": [28, 12], "popularity": 3.0,
         "original_language": "en"},
        {"id": s + 6, "title": "Synthetic Soon", "original_title": "Synthetic Soon",
         "release_date": clock_date(server, 10), "genre_ids": [28, 99999], "popularity": 2.0,
         "original_language": "en"},
        {"id": s + 7, "name": "Synthetic Airing", "original_name": "Synthetic Airing", "first_air_date": "2011-04-01",
         "next_episode_to_air": {"air_date": clock_date(server, 3)}, "popularity": 20.0, "vote_average": 8.8,
         "vote_count": 400, "genre_ids": [18], "original_language": "en"},
        {"id": s + 8, "name": "Synthetic Today", "original_name": "Synthetic Today", "first_air_date": "",
         "last_air_date": clock_date(server, 0), "popularity": 1.0, "genre_ids": [35], "original_language": "ko"},
    ]  # fmt: skip


def catalog_entries(server: LiveServer, media_type: str) -> list[Entry]:
    """Sample and synthetic titles of one media type."""
    lines = synthetic_lines(server)
    synthetic = [entry("movie" if "title" in line else "tv", line) for line in lines]
    return sample_entries(media_type) + [e for e in synthetic if e.media_type == media_type]


def get(server: LiveServer, creds: AppCreds, path: str, **params: Any) -> Any:
    response = server.client.get(path, headers=creds.headers, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def page_ids(server: LiveServer, creds: AppCreds, path: str, page: int, **params: Any) -> list[int]:
    return [result["id"] for result in get(server, creds, path, page=page, **params)["results"]]


def check_pages(server: LiveServer, creds: AppCreds, path: str, expected: Sequence[int], **params: Any) -> None:
    """Pages 1, 2 and the last answer `expected` 20 at a time, with TMDB's totals."""
    last = max(1, math.ceil(len(expected) / 20))
    for page in sorted({1, 2, last}):
        body = get(server, creds, path, page=page, **params)
        assert (body["total_results"], body["total_pages"]) == (len(expected), last), (path, params)
        assert [r["id"] for r in body["results"]] == list(expected[(page - 1) * 20 : page * 20]), (path, params, page)


def test_discover_sorts_match_an_independent_ordering(server: LiveServer, app_creds: AppCreds, tmp_path: Path) -> None:
    with imported(server, tmp_path, synthetic_lines(server)):
        for media_type in ("movie", "tv"):
            shown = [
                e
                for e in catalog_entries(server, media_type)
                if not e.adult and (media_type == "tv" or not e.video) and (media_type == "movie" or e.release_date)
            ]
            path = f"/3/discover/{media_type}"
            for sort in discover.sort_values(media_type):
                field, way = sort.rsplit(".", 1)
                key = discover.SORT_FIELDS[media_type][field]
                # A date order holds the titles that have a date.
                kept = [e for e in shown if e.release_date or key != "release_date"]
                check_pages(server, app_creds, path, ordered(kept, key, descending=way == "desc"), sort_by=sort)
            # TMDB ignores a sort_by it does not know and answers its default, popularity.desc.
            default = ordered(shown, "popularity", descending=True)[:20]
            for unknown in ("", "rating.desc", "popularity", "revenue.desc" if media_type == "tv" else "name.asc"):
                assert page_ids(server, app_creds, path, 1, sort_by=unknown) == default, unknown
            # Paging: 1-500, else 400 / 22; past the end an empty page with the real totals.
            for bad in ("0", "501", "x", "-3", "2.5"):
                response = server.client.get(path, headers=app_creds.headers, params={"page": bad})
                assert (response.status_code, response.json()) == (400, BAD_PAGE), bad
            past = get(server, app_creds, path, page=500)
            assert (past["results"], past["total_results"]) == ([], len(shown))


Filter = Callable[[Entry], bool]


def test_discover_filters(server: LiveServer, app_creds: AppCreds, tmp_path: Path) -> None:
    s = SYNTHETIC
    today, soon = clock_date(server, 0), clock_date(server, 3)
    with imported(server, tmp_path, synthetic_lines(server)):
        movies = catalog_entries(server, "movie")
        shows = catalog_entries(server, "tv")

        def movie_base(e: Entry) -> bool:
            return not e.adult and not e.video

        def tv_base(e: Entry) -> bool:
            return not e.adult and e.release_date is not None

        def year(e: Entry, value: str) -> bool:
            return (e.release_date or "").startswith(value + "-")

        movie_cases: list[tuple[dict[str, str], Filter]] = [
            ({"with_genres": "18,53"}, lambda e: movie_base(e) and {18, 53} <= set(e.genre_ids)),
            ({"with_genres": "18|53"}, lambda e: movie_base(e) and bool({18, 53} & set(e.genre_ids))),
            (
                {"with_genres": "28,12|16"},
                lambda e: movie_base(e) and ({28, 12} <= set(e.genre_ids) or 16 in e.genre_ids),
            ),
            ({"without_genres": "18|35"}, lambda e: movie_base(e) and not {18, 35} & set(e.genre_ids)),
            ({"with_genres": "99999"}, lambda e: movie_base(e) and 99999 in e.genre_ids),
            ({"with_genres": "28,99999"}, lambda e: movie_base(e) and {28, 99999} <= set(e.genre_ids)),
            ({"with_genres": "12|99999"}, lambda e: movie_base(e) and bool({12, 99999} & set(e.genre_ids))),
            ({"without_genres": "99999,18"}, lambda e: movie_base(e) and not {18, 99999} & set(e.genre_ids)),
            ({"primary_release_year": "1999"}, lambda e: movie_base(e) and year(e, "1999")),
            ({"year": "2001"}, lambda e: movie_base(e) and year(e, "2001")),
            (
                {"primary_release_date.gte": "2000-01-01", "release_date.lte": "2005-12-31"},
                lambda e: movie_base(e) and "2000-01-01" <= (e.release_date or "") <= "2005-12-31",
            ),
            ({"with_original_language": "fr|ja"}, lambda e: movie_base(e) and e.original_language in ("fr", "ja")),
            ({"vote_average.gte": "8"}, lambda e: movie_base(e) and e.vote_average >= 8),
            ({"vote_average.lte": "7.5"}, lambda e: movie_base(e) and e.vote_average <= 7.5),
            (
                {"vote_count.gte": "10", "vote_count.lte": "2000"},
                lambda e: movie_base(e) and 10 <= e.vote_count <= 2000,
            ),
            ({"include_adult": "true"}, lambda e: not e.video),
            ({"include_video": "true", "include_adult": "false"}, lambda e: not e.adult),
            (
                {"with_genres": "18", "primary_release_date.gte": "1990-01-01", "sort_by": "vote_count.desc"},
                lambda e: movie_base(e) and 18 in e.genre_ids and (e.release_date or "") >= "1990-01-01",
            ),
        ]
        tv_cases: list[tuple[dict[str, str], Filter]] = [
            ({"first_air_date_year": "2011"}, lambda e: tv_base(e) and year(e, "2011")),
            (
                {"first_air_date.gte": "2005-01-01", "first_air_date.lte": "2010-12-31"},
                lambda e: tv_base(e) and "2005-01-01" <= (e.release_date or "") <= "2010-12-31",
            ),
            # The span from first air date to the last known one reaches into the window.
            (
                {"air_date.gte": today, "air_date.lte": soon},
                lambda e: (
                    tv_base(e)
                    and (e.release_date or "") <= soon
                    and (e.next_air_date or e.last_air_date or e.release_date or "") >= today
                ),
            ),
            ({"include_null_first_air_dates": "true"}, lambda e: not e.adult),
            (
                {"with_genres": "35", "with_original_language": "ko"},
                lambda e: tv_base(e) and 35 in e.genre_ids and e.original_language == "ko",
            ),
            (
                {"with_genres": "35", "with_original_language": "ko", "include_null_first_air_dates": "true"},
                lambda e: 35 in e.genre_ids and e.original_language == "ko",
            ),
            ({"vote_count.gte": "1"}, lambda e: tv_base(e) and e.vote_count >= 1),
        ]
        for media_type, entries, cases in (("movie", movies, movie_cases), ("tv", shows, tv_cases)):
            for params, keep in cases:
                sort = params.get("sort_by", "popularity.desc")
                field, way = sort.rsplit(".", 1)
                key = discover.SORT_FIELDS[media_type][field]
                expected = ordered(
                    [e for e in entries if keep(e) and (e.release_date or key != "release_date")],
                    key,
                    descending=way == "desc",
                )
                check_pages(server, app_creds, f"/3/discover/{media_type}", expected, **params)
        # The ones the sample cannot answer alone are really there.
        adult = get(server, app_creds, "/3/discover/movie", include_adult="true", sort_by="popularity.desc")
        assert adult["results"][0]["id"] == s + 1
        with_nulls = get(
            server, app_creds, "/3/discover/tv", include_null_first_air_dates="true", with_original_language="ko"
        )
        assert s + 8 in [r["id"] for r in with_nulls["results"]]

        # Refusals: TMDB's codes, never a 500.
        for path, params, code, status in (
            ("/3/discover/movie", {"with_genres": "action"}, 5, 422),
            ("/3/discover/movie", {"without_genres": "18,x"}, 5, 422),
            ("/3/discover/movie", {"primary_release_date.gte": "2020-13-01"}, 23, 400),
            ("/3/discover/movie", {"release_date.lte": "yesterday"}, 23, 400),
            ("/3/discover/movie", {"vote_average.gte": "high"}, 5, 422),
            ("/3/discover/movie", {"primary_release_year": "99999"}, 5, 422),
            ("/3/discover/movie", {"with_original_language": "english"}, 5, 422),
            ("/3/discover/tv", {"first_air_date_year": "MMXI"}, 5, 422),
            ("/3/discover/tv", {"air_date.gte": "2020-02-30"}, 23, 400),
            ("/3/discover/tv", {"vote_count.lte": "lots"}, 5, 422),
        ):
            response = server.client.get(path, headers=app_creds.headers, params=params)
            assert response.status_code == status, (path, params, response.text)
            assert (response.json()["success"], response.json()["status_code"]) == (False, code)


def served_order(entries: Sequence[Entry], score: Callable[[Entry], tuple[Any, ...]]) -> list[int]:
    return [e.id for e in sorted(entries, key=score, reverse=True)]


def rating_score(e: Entry) -> float:
    return popularity.served(
        imported_popularity=e.popularity, imported_vote_average=e.vote_average, imported_vote_count=e.vote_count
    ).rating_score


def test_named_lists(server: LiveServer, app_creds: AppCreds, tmp_path: Path) -> None:
    s = SYNTHETIC
    with imported(server, tmp_path, synthetic_lines(server)):
        movies = [e for e in catalog_entries(server, "movie") if not e.adult]
        shows = [e for e in catalog_entries(server, "tv") if not e.adult]
        check_pages(server, app_creds, "/3/movie/popular", ordered(movies, "popularity", descending=True))
        check_pages(server, app_creds, "/3/tv/popular", ordered(shows, "popularity", descending=True))
        for path, entries in (("/3/movie/top_rated", movies), ("/3/tv/top_rated", shows)):
            expected = served_order(entries, lambda e: (round(rating_score(e), 9), e.popularity, e.id))
            check_pages(server, app_creds, path, expected)
        # Out of the box (no votes) the sample's top_rated order is its popularity order.
        assert page_ids(server, app_creds, "/3/movie/top_rated", 1)[:2] == [s + 3, s + 5]

        playing = get(server, app_creds, "/3/movie/now_playing")
        assert playing["dates"] == {"maximum": clock_date(server, 0), "minimum": clock_date(server, -42)}
        assert [r["id"] for r in playing["results"]] == [s + 5]
        upcoming = get(server, app_creds, "/3/movie/upcoming", region="US")
        assert upcoming["dates"] == {"maximum": clock_date(server, 42), "minimum": clock_date(server, 1)}
        assert [r["id"] for r in upcoming["results"]] == [s + 6]
        assert [r["id"] for r in get(server, app_creds, "/3/tv/on_the_air")["results"]] == [s + 7, s + 8]
        assert [r["id"] for r in get(server, app_creds, "/3/tv/airing_today")["results"]] == [s + 8]
        # airing_today is "today" where the caller is: past midnight in Kiritimati (UTC+14) it is tomorrow.
        hour = (server.clock.now() % 86_400) / 3600
        kiritimati = get(server, app_creds, "/3/tv/airing_today", timezone="Pacific/Kiritimati")["results"]
        assert [r["id"] for r in kiritimati] == ([] if hour >= 10 else [s + 8])
        bad_zone = server.client.get("/3/tv/airing_today", headers=app_creds.headers, params={"timezone": "Mars/Base"})
        assert (bad_zone.status_code, bad_zone.json()["status_code"]) == (400, 28)

        # Trending with no activity anywhere: popularity order, movies and TV merged, media_type on each.
        both = [*movies, *shows]
        expected_all = served_order(both, lambda e: (0.0, e.popularity, e.id, e.media_type))
        body = get(server, app_creds, "/3/trending/all/day")
        assert [r["id"] for r in body["results"]] == expected_all[:20]
        assert body["total_results"] == len(both)
        assert {r["media_type"] for r in body["results"]} == {"movie", "tv"}
        page3 = get(server, app_creds, "/3/trending/all/week", page=3)
        assert [r["id"] for r in page3["results"]] == expected_all[40:60]
        tv_week = get(server, app_creds, "/3/trending/tv/week")
        assert [r["id"] for r in tv_week["results"]] == ordered(shows, "popularity", descending=True)[:20]
        assert all(r["media_type"] == "tv" for r in tv_week["results"])
        assert get(server, app_creds, "/3/trending/person/day") == {
            "page": 1,
            "results": [],
            "total_pages": 1,
            "total_results": 0,
        }
        for bad in ("/3/trending/all/month", "/3/trending/people/day"):
            response = server.client.get(bad, headers=app_creds.headers)
            assert (response.status_code, response.json()["status_code"]) == (404, 34)
        response = server.client.get("/3/trending/movie/day", headers=app_creds.headers, params={"page": "501"})
        assert (response.status_code, response.json()) == (400, BAD_PAGE)


def mark(server: LiveServer, user: V3User, kind: str, media_type: str, media_id: int) -> None:
    body = {"media_type": media_type, "media_id": media_id, kind: True}
    response = server.client.post(
        f"/3/account/{user.account.id}/{kind}", headers=user.creds.headers, params=user.params, json=body
    )
    assert response.status_code == 201, response.text


def rate(server: LiveServer, user: V3User, media_type: str, media_id: int, value: float) -> None:
    response = server.client.post(
        f"/3/{media_type}/{media_id}/rating", headers=user.creds.headers, params=user.params, json={"value": value}
    )
    assert response.status_code == 201, response.text


def test_ratings_move_votes_in_the_next_read(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    # The least popular sample movie: nothing else in the sample has votes.
    movies = sample_entries("movie")
    target = min(movies, key=lambda e: (e.popularity, e.id)).id
    alice_user = sign_in_v3(server, alice, app_creds)
    bob_user = sign_in_v3(server, server.create_user("bob"), app_creds)

    def figures() -> tuple[float, int]:
        body = get(server, app_creds, f"/3/movie/{target}")
        return body["vote_average"], body["vote_count"]

    assert figures() == (0.0, 0)
    rate(server, alice_user, "movie", target, 9)
    assert figures() == (9.0, 1)
    rate(server, bob_user, "movie", target, 6)
    assert figures() == (7.5, 2)
    # (7.5 x 2 + 6.5 x 10) / 12 beats every unrated title's 6.5: first in top_rated.
    assert page_ids(server, app_creds, "/3/movie/top_rated", 1)[0] == target
    rate(server, alice_user, "movie", target, 4)  # a new value replaces the old one
    assert figures() == (5.0, 2)
    deleted = server.client.delete(f"/3/movie/{target}/rating", headers=bob_user.creds.headers, params=bob_user.params)
    assert deleted.status_code == 200
    assert figures() == (4.0, 1)
    # Now below the prior: last in top_rated.
    last_page = get(server, app_creds, "/3/movie/top_rated")["total_pages"]
    assert page_ids(server, app_creds, "/3/movie/top_rated", last_page)[-1] == target
    # Lists and search show the same figures.
    found = get(server, app_creds, "/3/discover/movie", **{"vote_count.gte": "1"})
    assert [(r["id"], r["vote_average"], r["vote_count"]) for r in found["results"]] == [(target, 4.0, 1)]


def test_activity_moves_popularity_and_trending(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    movies = {e.id: e for e in sample_entries("movie")}
    quiet = min(movies.values(), key=lambda e: (e.popularity, e.id)).id
    listed_only = sorted(movies.values(), key=lambda e: (e.popularity, e.id))[1].id
    user = sign_in_v3(server, alice, app_creds)
    seed = movies[quiet].popularity

    def popularity_of(media_id: int) -> float:
        return float(get(server, app_creds, f"/3/movie/{media_id}")["popularity"])

    mark(server, user, "favorite", "movie", quiet)
    assert popularity_of(quiet) == seed + popularity.FAVORITE_POINTS
    mark(server, user, "watchlist", "movie", quiet)
    rate(server, user, "movie", quiet, 8)
    points = popularity.activity_points(favorites=1, ratings=1, watchlist=1, listed=0)
    assert popularity_of(quiet) == seed + points
    assert page_ids(server, app_creds, "/3/trending/movie/day", 1)[0] == quiet
    assert page_ids(server, app_creds, "/3/trending/all/week", 1)[0] == quiet

    # A list add counts at the next scheduled refresh (the server runs it every minute).
    created = server.client.post(
        "/4/list", headers=bearer(user.access_token), json={"name": "Watch", "iso_639_1": "en"}
    )
    list_id = created.json()["id"]
    items = {"items": [{"media_type": "movie", "media_id": quiet}, {"media_type": "movie", "media_id": listed_only}]}
    assert (
        server.client.post(f"/4/list/{list_id}/items", headers=bearer(user.access_token), json=items).status_code == 200
    )
    server.call(popularity.refresh_recent(server.services.db, now=server.clock.now()))
    assert popularity_of(quiet) == seed + points + popularity.LIST_POINTS
    assert popularity_of(listed_only) == movies[listed_only].popularity + popularity.LIST_POINTS
    trending_day = page_ids(server, app_creds, "/3/trending/movie/day", 1)
    assert trending_day[:2] == [quiet, listed_only]

    # Two days later the day window is empty and the week one is not (the schedule's later
    # rounds look only at adds made, or leaving a window, since the previous round).
    previous = server.clock.now()
    server.clock.advance(2 * popularity.DAY)
    refreshed = server.call(popularity.refresh_recent(server.services.db, now=server.clock.now(), last_run=previous))
    assert refreshed == 2
    served = {e.id: e.popularity for e in movies.values()}
    served[quiet] += points + popularity.LIST_POINTS
    served[listed_only] += popularity.LIST_POINTS
    expected_day = sorted(served, key=lambda i: (served[i], i), reverse=True)
    assert page_ids(server, app_creds, "/3/trending/movie/day", 1) == expected_day[:20]
    assert page_ids(server, app_creds, "/3/trending/movie/week", 1)[:2] == [quiet, listed_only]
    # Eight days later nothing is recent: the seed alone again, the vote stays.
    previous = server.clock.now()
    server.clock.advance(6 * popularity.DAY)
    server.call(popularity.refresh_recent(server.services.db, now=server.clock.now(), last_run=previous))
    # Nothing moved since: the next round refreshes nothing.
    assert (
        server.call(popularity.refresh_recent(server.services.db, now=server.clock.now(), last_run=server.clock.now()))
        == 0
    )
    assert popularity_of(quiet) == seed
    assert get(server, app_creds, f"/3/movie/{quiet}")["vote_count"] == 1
    assert (
        page_ids(server, app_creds, "/3/trending/movie/week", 1)
        == ordered(list(movies.values()), "popularity", descending=True)[:20]
    )


def test_search_multi(server: LiveServer, app_creds: AppCreds) -> None:
    needle = "star"
    both = [*sample_entries("movie"), *sample_entries("tv")]
    from tests.api.v3.catalog_support import SAMPLE_MOVIES, SAMPLE_TV

    def titles_of(e: Entry) -> tuple[str, str]:
        line = SAMPLE_MOVIES[e.id] if e.media_type == "movie" else SAMPLE_TV[e.id]
        return (line.get("title") or line["name"]).lower(), e.original_title.lower()

    hits = [e for e in both if any(needle in text for text in titles_of(e))]
    expected = [(e.media_type, e.id) for e in sorted(hits, key=lambda e: (-e.popularity, e.id, e.media_type))]
    assert {kind for kind, _ in expected} == {"movie", "tv"}
    body = get(server, app_creds, "/3/search/multi", query="STAR")
    assert [(r["media_type"], r["id"]) for r in body["results"]] == expected[:20]
    assert body["total_results"] == len(expected)
    movie = next(r for r in body["results"] if r["media_type"] == "movie")
    show = next(r for r in body["results"] if r["media_type"] == "tv")
    assert "title" in movie and "release_date" in movie and "name" in show and "first_air_date" in show
    assert get(server, app_creds, "/3/search/multi", query="  ") == {
        "page": 1,
        "results": [],
        "total_pages": 1,
        "total_results": 0,
    }
    response = server.client.get("/3/search/multi", headers=app_creds.headers, params={"query": "a", "page": "0"})
    assert (response.status_code, response.json()) == (400, BAD_PAGE)


NEW_ROUTES = (
    "/3/movie/popular",
    "/3/movie/top_rated",
    "/3/movie/now_playing",
    "/3/movie/upcoming",
    "/3/tv/popular",
    "/3/tv/top_rated",
    "/3/tv/on_the_air",
    "/3/tv/airing_today",
    "/3/trending/all/day",
    "/3/discover/movie",
    "/3/discover/tv",
    "/3/search/multi?query=star",
    "/3/find/tt0137523?external_source=imdb_id",
    "/3/movie/550/credits",
    "/3/tv/1399/similar",
)


def test_credentials_come_first(server: LiveServer) -> None:
    # Before any id, page or parameter is looked at: no credential or a bad one is 401 / 7.
    for path in NEW_ROUTES:
        for headers in ({}, {"Authorization": "Bearer nonsense"}):
            response = server.client.get(path + ("&" if "?" in path else "?") + "page=0", headers=headers)
            assert response.status_code == 401, path
            assert response.json()["status_code"] == 7
