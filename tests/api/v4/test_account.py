"""ACCOUNT (v4) over real HTTP on both engines: one state with v3, sorting, paging, shapes, refusals."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from filmshelf.accounts import users
from filmshelf.catalog import popularity as stats
from tests.accounts.support import BASE_ID, Title, V3User, catalog, error_of, insert_list, sign_in_v3
from tests.conftest import AppCreds, LiveServer, bearer

MOVIES = [
    Title("movie", BASE_ID + 11, "Cobalt", (16,), vote_average=6.5, release_date="1999-03-01"),
    Title("movie", BASE_ID + 12, "amber", (35,), vote_average=8.25, release_date="2011-07-15"),
    Title("movie", BASE_ID + 13, "Birch", (18,), vote_average=4.0, release_date="1985-11-30"),
]
SHOWS = [
    Title("tv", BASE_ID + 21, "Yarrow", (16,), vote_average=7.0, release_date="2004-01-01"),
    Title("tv", BASE_ID + 22, "Xylem", (18,), vote_average=9.0, release_date="1994-01-01"),
]
ROUTES = [
    "lists",
    "movie/favorites",
    "tv/favorites",
    "movie/rated",
    "tv/rated",
    "movie/watchlist",
    "tv/watchlist",
    "movie/recommendations",
    "tv/recommendations",
]
V3_PATHS = {
    ("favorite", "movie"): "favorite/movies",
    ("favorite", "tv"): "favorite/tv",
    ("watchlist", "movie"): "watchlist/movies",
    ("watchlist", "tv"): "watchlist/tv",
    ("rated", "movie"): "rated/movies",
    ("rated", "tv"): "rated/tv",
}
V4_PATHS = {
    ("favorite", "movie"): "movie/favorites",
    ("favorite", "tv"): "tv/favorites",
    ("watchlist", "movie"): "movie/watchlist",
    ("watchlist", "tv"): "tv/watchlist",
    ("rated", "movie"): "movie/rated",
    ("rated", "tv"): "tv/rated",
}


@pytest.fixture
def user(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> Any:
    with catalog(server, MOVIES + SHOWS):
        yield sign_in_v3(server, alice, app_creds)


def v4(server: LiveServer, user: V3User, route: str, **params: str) -> httpx.Response:
    return server.client.get(f"/4/account/{user.account.object_id}/{route}", headers=user.v4, params=params)


def v3(server: LiveServer, user: V3User, route: str, **params: str) -> httpx.Response:
    return server.client.get(
        f"/3/account/{user.account.id}/{route}", headers=user.creds.headers, params={**user.params, **params}
    )


def write_v3(server: LiveServer, user: V3User, kind: str, title: Title, value: float = 0) -> None:
    headers, params = user.creds.headers, user.params
    if kind == "rated":
        path = f"/3/{title.media_type}/{title.id}/rating"
        response = server.client.post(path, headers=headers, params=params, json={"value": value})
    else:
        body = {"media_type": title.media_type, "media_id": title.id, kind: True}
        response = server.client.post(f"/3/account/{user.account.id}/{kind}", headers=headers, params=params, json=body)
    assert response.status_code == 201, response.text


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["results"]]


def iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp)) + f".{round(timestamp * 1000) % 1000:03d}Z"


def test_v3_writes_are_read_back_through_v4_and_v3_alike(server: LiveServer, user: V3User) -> None:
    # Each kind gets its own insertion order (never the id order), one second apart.
    plan = {
        "favorite": [MOVIES[2], SHOWS[1], MOVIES[0], SHOWS[0]],
        "watchlist": [MOVIES[1], MOVIES[2], SHOWS[0]],
        "rated": [MOVIES[0], SHOWS[0], MOVIES[2], SHOWS[1], MOVIES[1]],
    }
    values = {MOVIES[0].id: 9.5, MOVIES[1].id: 3.0, MOVIES[2].id: 6.5, SHOWS[0].id: 10.0, SHOWS[1].id: 0.5}
    rated_at: dict[int, float] = {}
    for kind, titles in plan.items():
        for title in titles:
            server.clock.advance(1.25)
            rated_at[title.id] = server.clock.now()
            write_v3(server, user, kind, title, values[title.id])

    for (kind, media_type), v4_route in V4_PATHS.items():
        expected = [t.id for t in plan[kind] if t.media_type == media_type]
        for direction, order in (("asc", expected), ("desc", expected[::-1])):
            sort = f"created_at.{direction}"
            from_v4 = v4(server, user, v4_route, sort_by=sort)
            from_v3 = v3(server, user, V3_PATHS[kind, media_type], sort_by=sort)
            assert ids(from_v4) == ids(from_v3) == order, (kind, media_type, direction)
            assert from_v4.json()["total_results"] == from_v3.json()["total_results"] == len(order)
        # The default order is created_at.asc on both.
        assert ids(v4(server, user, v4_route)) == ids(v3(server, user, V3_PATHS[kind, media_type])) == expected

    # Shapes: favorites carry no media_type, watchlist does, rated carry account_rating (v4) / rating (v3).
    favorite = v4(server, user, "movie/favorites").json()["results"][0]
    activity = stats.activity_points(favorites=1, ratings=1, watchlist=1, listed=0)
    birch = stats.served(
        imported_popularity=1.0,
        imported_vote_average=4.0,
        imported_vote_count=10,
        user_vote_sum=6.5,
        user_vote_count=1,
        activity_week=activity,
    )
    assert favorite == {
        "adult": False,
        "backdrop_path": f"/b{MOVIES[2].id}.jpg",
        "genre_ids": [18],
        "id": MOVIES[2].id,
        "original_language": "en",
        "original_title": "Birch",
        "overview": "",
        # The title's served figures count this account's favorite, watchlist entry and 6.5 rating.
        "popularity": birch.popularity,
        "poster_path": f"/p{MOVIES[2].id}.jpg",
        "release_date": "1985-11-30",
        "title": "Birch",
        "video": False,
        "vote_average": round(birch.vote_average, 3),
        "vote_count": 11,
    }
    watch_show = v4(server, user, "tv/watchlist").json()["results"][0]
    assert watch_show["media_type"] == "tv" and watch_show["name"] == "Yarrow"
    assert watch_show["first_air_date"] == "2004-01-01" and watch_show["origin_country"] == ["US"]
    assert all(r["media_type"] == "movie" for r in v4(server, user, "movie/watchlist").json()["results"])
    for media_type, route in (("movie", "movie/rated"), ("tv", "tv/rated")):
        results = v4(server, user, route).json()["results"]
        assert [r["account_rating"] for r in results] == [
            {"created_at": iso(rated_at[t.id]), "value": values[t.id]}
            for t in plan["rated"]
            if t.media_type == media_type
        ]
        assert all("media_type" not in r and "rating" not in r for r in results)
        v3_results = v3(server, user, V3_PATHS["rated", media_type]).json()["results"]
        assert [r["rating"] for r in v3_results] == [r["account_rating"]["value"] for r in results]
        # Apart from how the rating is carried, v3 and v4 show the same objects.
        assert [{k: v for k, v in r.items() if k != "rating"} for r in v3_results] == [
            {k: v for k, v in r.items() if k != "account_rating"} for r in results
        ]

    # Re-rating keeps the original created_at (and so the position); removal is seen by both.
    write_v3(server, user, "rated", MOVIES[0], 2.5)
    first = v4(server, user, "movie/rated").json()["results"][0]
    assert first["id"] == MOVIES[0].id
    assert first["account_rating"] == {"created_at": iso(rated_at[MOVIES[0].id]), "value": 2.5}
    deleted = server.client.delete(f"/3/movie/{MOVIES[0].id}/rating", headers=user.creds.headers, params=user.params)
    assert deleted.status_code == 200
    assert MOVIES[0].id not in ids(v4(server, user, "movie/rated"))
    assert MOVIES[0].id not in ids(v3(server, user, "rated/movies"))


def test_sort_orders(server: LiveServer, user: V3User) -> None:
    for title in MOVIES + SHOWS:
        write_v3(server, user, "favorite", title)
        server.clock.advance(1)
    cobalt, amber, birch = (m.id for m in MOVIES)
    yarrow, xylem = (s.id for s in SHOWS)
    movie_orders = {
        "title.asc": [amber, birch, cobalt],  # case-insensitive
        "title.desc": [cobalt, birch, amber],
        "release_date.asc": [birch, cobalt, amber],
        "release_date.desc": [amber, cobalt, birch],
        "vote_average.asc": [birch, cobalt, amber],
        "vote_average.desc": [amber, cobalt, birch],
        "created_at.desc": [birch, amber, cobalt],
    }
    for sort, order in movie_orders.items():
        assert ids(v4(server, user, "movie/favorites", sort_by=sort)) == order, sort
    tv_orders = {
        "name.asc": [xylem, yarrow],
        "name.desc": [yarrow, xylem],
        "first_air_date.asc": [xylem, yarrow],
        "first_air_date.desc": [yarrow, xylem],
        "vote_average.asc": [yarrow, xylem],
        "vote_average.desc": [xylem, yarrow],
        "created_at.asc": [yarrow, xylem],
    }
    for sort, order in tv_orders.items():
        assert ids(v4(server, user, "tv/favorites", sort_by=sort)) == order, sort
    refused = {
        "movie/favorites": ["name.asc", "first_air_date.desc", "popularity.desc", "title", "title.ASC"],
        "tv/favorites": ["title.asc", "release_date.asc", "original_order.asc"],
        "movie/rated": ["primary_release_date.asc"],
        "tv/watchlist": ["x"],
        "movie/recommendations": ["name.asc"],
        "tv/recommendations": ["title.desc"],
    }
    for route, sorts in refused.items():
        for sort in sorts:
            response = v4(server, user, route, sort_by=sort)
            assert error_of(response) == (422, 5), (route, sort)
            assert "created_at.asc" in response.json()["error_message"]
    # Recommendations accept the route's sort values (relevance order is kept).
    assert v4(server, user, "movie/recommendations", sort_by="title.asc").status_code == 200


def test_paging(server: LiveServer, user: V3User) -> None:
    many = [Title("movie", BASE_ID + 200 + i, f"Paged {i:02d}", (99,)) for i in range(25)]
    with catalog(server, many):
        for index, title in enumerate(many):
            write_v3(server, user, "rated", title, 0.5 + (index % 20) * 0.5)
            server.clock.advance(1)
        first = v4(server, user, "movie/rated")
        assert (first.json()["page"], first.json()["total_pages"], first.json()["total_results"]) == (1, 2, 25)
        second = v4(server, user, "movie/rated", page="2")
        assert ids(first) + ids(second) == [t.id for t in many]
        assert second.json()["page"] == 2 and len(ids(second)) == 5
        assert ids(v4(server, user, "movie/rated", page="3")) == []
        # Favorites made in the same instant tie on created_at: the TMDB id breaks the tie in the
        # direction asked, so pages neither overlap nor skip.
        for title in many:
            write_v3(server, user, "favorite", title)
        for direction, expected in (("asc", [t.id for t in many]), ("desc", [t.id for t in many][::-1])):
            pages = [v4(server, user, "movie/favorites", sort_by=f"created_at.{direction}", page=p) for p in "12"]
            assert ids(pages[0]) + ids(pages[1]) == expected, direction
        for route in ROUTES:
            for bad in ("0", "abc", "501"):
                assert error_of(v4(server, user, route, page=bad)) == (400, 22), (route, bad)
    empty = v4(server, user, "tv/rated").json()
    assert empty == {"page": 1, "results": [], "total_pages": 1, "total_results": 0}


def test_lists_summary_shape(server: LiveServer, user: V3User) -> None:
    alice = user.account
    older = insert_list(server, alice, name="Favourites", items=[MOVIES[1], SHOWS[0]], sort_by="title.desc")
    server.clock.advance(3600)
    newer = insert_list(server, alice, name="Secret", public=False)
    insert_list(server, server.create_user("bob"), name="Bob's")
    created = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(server.clock.now()))
    updated = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(server.clock.now() + 1))
    response = v4(server, user, "lists")
    assert response.status_code == 200
    body = response.json()
    assert (body["page"], body["total_pages"], body["total_results"]) == (1, 1, 2)
    assert [item["id"] for item in body["results"]] == [newer, older]
    assert body["results"][0] == {
        "account_object_id": alice.object_id,
        "adult": 0,
        "average_rating": 0.0,
        "backdrop_path": None,
        "created_at": created,
        "description": "About Secret",
        "featured": 0,
        "id": newer,
        "iso_3166_1": "US",
        "iso_639_1": "en",
        "name": "Secret",
        "number_of_items": 0,
        "poster_path": None,
        "public": 0,
        "revenue": 0,
        "runtime": 0,
        "sort_by": 1,
        "updated_at": updated,
    }
    summary = body["results"][1]
    assert summary["public"] == 1 and summary["sort_by"] == 8 and summary["number_of_items"] == 2
    assert summary["average_rating"] == round((8.25 + 7.0) / 2, 3)
    assert summary["poster_path"] == f"/p{MOVIES[1].id}.jpg" and summary["backdrop_path"] == f"/b{MOVIES[1].id}.jpg"
    assert (summary["revenue"], summary["runtime"]) == (1000, 100)
    assert all(type(summary[key]) is int for key in ("public", "sort_by", "adult", "featured", "revenue", "runtime"))


def test_only_the_owner_reads_account_pages(server: LiveServer, user: V3User, app_creds: AppCreds) -> None:
    alice = user.account
    for title in MOVIES + SHOWS:
        for kind in ("favorite", "watchlist", "rated"):
            write_v3(server, user, kind, title, 8)
    insert_list(server, alice, name="Private", public=False)
    # Unmarked titles sharing a genre, so that both recommendation pages have results.
    extra = [Title("movie", BASE_ID + 31, "Extra film", (16,)), Title("tv", BASE_ID + 32, "Extra show", (16,))]
    with catalog(server, extra):
        owner_view = {route: v4(server, user, route).json() for route in ROUTES}
        _refusals(server, user, app_creds, owner_view)


def _refusals(server: LiveServer, user: V3User, app_creds: AppCreds, owner_view: dict[str, Any]) -> None:
    alice = user.account
    assert all(body["total_results"] > 0 for body in owner_view.values())

    bob = server.sign_in(server.create_user("bob"), app_creds)
    revoked = server.sign_in(alice, app_creds)
    server.client.request("DELETE", "/4/auth/access_token", headers=app_creds.headers, json={"access_token": revoked})
    for route in ROUTES:
        path = f"/4/account/{alice.object_id}/{route}"
        for headers, expected in (
            (bearer(bob), (401, 3)),
            (app_creds.headers, (401, 36)),
            ({}, (401, 7)),
            (bearer(revoked), (401, 35)),
        ):
            response = server.client.get(path, headers=headers)
            assert error_of(response) == expected, (route, expected)
            assert "results" not in response.json()
        api_key = server.client.get(path, params={"api_key": app_creds.app.api_key})
        assert error_of(api_key) == (401, 7), route
        # Alice's token on any other account id is refused the same way.
        for other in ("0" * 24, "nope", str(alice.id)):
            wrong = server.client.get(f"/4/account/{other}/{route}", headers=user.v4)
            assert error_of(wrong) == (401, 3), (route, other)
    # Nothing above changed what the owner sees.
    assert {route: v4(server, user, route).json() for route in ROUTES} == owner_view
