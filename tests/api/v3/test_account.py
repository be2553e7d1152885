"""ACCOUNT (v3) and v3 ratings over real HTTP on both engines: codes, shapes, refusals, isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from filmshelf.accounts import users
from tests.accounts.support import BASE_ID, Title, V3User, catalog, error_of, insert_list, sign_in_v3
from tests.conftest import AppCreds, LiveServer

MOVIE = Title("movie", BASE_ID + 1, "Alpha", (16, 10751), vote_average=7.5)
MOVIE_2 = Title("movie", BASE_ID + 2, "Beta", (28,), vote_average=6.0)
SHOW = Title("tv", BASE_ID + 3, "Gamma", (16,), vote_average=8.0)
# A TV-only id: the same number as a movie must not resolve.
TV_ONLY = Title("tv", BASE_ID + 4, "Delta", (18,))
TITLES = [MOVIE, MOVIE_2, SHOW, TV_ONLY]

CREATED = {"success": True, "status_code": 1, "status_message": "Success."}
UPDATED = {"success": True, "status_code": 12, "status_message": "The item/record was updated successfully."}
DELETED = {"success": True, "status_code": 13, "status_message": "The item/record was deleted successfully."}
READ_ROUTES = [
    "favorite/movies",
    "favorite/tv",
    "rated/movies",
    "rated/tv",
    "watchlist/movies",
    "watchlist/tv",
    "lists",
]


@pytest.fixture
def user(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> Any:
    with catalog(server, TITLES):
        yield sign_in_v3(server, alice, app_creds)


def post(server: LiveServer, user: V3User, path: str, body: Any) -> httpx.Response:
    return server.client.post(path, headers=user.creds.headers, params=user.params, json=body)


def get(server: LiveServer, user: V3User, path: str, **params: str) -> httpx.Response:
    return server.client.get(path, headers=user.creds.headers, params={**user.params, **params})


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["results"]]


# --- details -------------------------------------------------------------------------------------
def test_account_details(server: LiveServer, user: V3User) -> None:
    alice = user.account
    expected = {
        "avatar": {"gravatar": {"hash": alice.gravatar_hash}, "tmdb": {"avatar_path": None}},
        "id": alice.id,
        "iso_639_1": "en",
        "iso_3166_1": "US",
        "name": "",
        "include_adult": False,
        "username": "alice",
    }
    # The path id is not used for anything: every spelling serves the session's account.
    for path in ("/3/account", f"/3/account/{alice.id}", f"/3/account/{alice.object_id}"):
        response = get(server, user, path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store"
        assert response.json() == expected
    for other in (str(alice.id + 1), "abc", "0", "null", "{account_id}"):
        assert get(server, user, f"/3/account/{other}").json() == expected, other
    headers = user.creds.headers
    key = {"api_key": user.creds.app.api_key}
    # The app's read token alone names the app's owner (here alice); an api_key alone names nobody.
    assert server.client.get("/3/account", headers=headers).json() == expected
    assert error_of(server.client.get("/3/account", params=key)) == (401, 3)
    assert error_of(server.client.get("/3/account", headers=headers, params={"session_id": "a" * 40})) == (401, 3)
    assert error_of(server.client.get("/3/account", params=user.params)) == (401, 7)


# --- favorite / watchlist --------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["favorite", "watchlist"])
def test_mark_codes(server: LiveServer, user: V3User, kind: str) -> None:
    path = f"/3/account/{user.account.id}/{kind}"
    listing = f"/3/account/{user.account.id}/{kind}/movies"
    body = {"media_type": "movie", "media_id": MOVIE.id, kind: True}
    first = post(server, user, path, body)
    assert (first.status_code, first.json()) == (201, CREATED)
    again = post(server, user, path, body)
    assert (again.status_code, again.json()) == (201, UPDATED)
    assert ids(get(server, user, listing)) == [MOVIE.id]
    tv = post(server, user, path, {"media_type": "tv", "media_id": SHOW.id, kind: True})
    assert (tv.status_code, tv.json()) == (201, CREATED)
    assert ids(get(server, user, f"/3/account/{user.account.id}/{kind}/tv")) == [SHOW.id]

    removed = post(server, user, path, {**body, kind: False})
    assert (removed.status_code, removed.json()) == (200, DELETED)
    assert ids(get(server, user, listing)) == []
    # Removing what is not there is still "deleted" (idempotent).
    absent = post(server, user, path, {**body, kind: False})
    assert (absent.status_code, absent.json()) == (200, DELETED)


@pytest.mark.parametrize("kind", ["favorite", "watchlist"])
def test_mark_refusals(server: LiveServer, user: V3User, kind: str) -> None:
    path = f"/3/account/{user.account.id}/{kind}"
    good: dict[str, Any] = {"media_type": "movie", "media_id": MOVIE.id, kind: True}
    bad_bodies: list[dict[str, Any]] = [
        {**good, "media_type": "person"},
        {**good, "media_type": ""},
        {**good, "media_type": 1},
        {key: value for key, value in good.items() if key != "media_type"},
        {**good, "media_id": "abc"},
        {**good, "media_id": -1},
        {**good, "media_id": 1.5},
        {**good, "media_id": True},
        {key: value for key, value in good.items() if key != "media_id"},
        {**good, kind: "yes"},
        {key: value for key, value in good.items() if key != kind},
    ]
    for body in bad_bodies:
        response = post(server, user, path, body)
        assert error_of(response) == (400, 18), body
        assert response.json()["status_message"] == "Validation failed."
        assert response.json()["error_message"]
    assert error_of(post(server, user, path, {**good, "media_id": BASE_ID + 99})) == (404, 34)
    # A movie id under media_type tv (and the reverse) is an unknown title.
    assert error_of(post(server, user, path, {**good, "media_type": "tv"})) == (404, 34)
    assert error_of(post(server, user, path, {**good, "media_id": TV_ONLY.id})) == (404, 34)
    not_json = server.client.post(path, headers=user.creds.headers, params=user.params, content=b"{")
    assert error_of(not_json) == (400, 47)
    no_session = server.client.post(path, headers=user.creds.headers, json=good)
    assert error_of(no_session) == (401, 3)
    assert ids(get(server, user, f"/3/account/{user.account.id}/{kind}/movies")) == []
    assert ids(get(server, user, f"/3/account/{user.account.id}/{kind}/tv")) == []


# --- ratings ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("media_type", "title"), [("movie", MOVIE), ("tv", SHOW)])
def test_rating_codes(server: LiveServer, user: V3User, media_type: str, title: Title) -> None:
    path = f"/3/{media_type}/{title.id}/rating"
    rated = f"/3/account/{user.account.id}/rated/{'movies' if media_type == 'movie' else 'tv'}"
    first = post(server, user, path, {"value": 8.5})
    assert (first.status_code, first.json()) == (201, CREATED)
    assert [(r["id"], r["rating"]) for r in get(server, user, rated).json()["results"]] == [(title.id, 8.5)]
    again = post(server, user, path, {"value": 10})
    assert (again.status_code, again.json()) == (201, UPDATED)
    assert [(r["id"], r["rating"]) for r in get(server, user, rated).json()["results"]] == [(title.id, 10)]
    removed = server.client.delete(path, headers=user.creds.headers, params=user.params)
    assert (removed.status_code, removed.json()) == (200, DELETED)
    assert ids(get(server, user, rated)) == []
    absent = server.client.delete(path, headers=user.creds.headers, params=user.params)
    assert (absent.status_code, absent.json()) == (200, DELETED)
    # Values at both ends, and a decimal string, are accepted.
    for value in (0.5, 10.0, "7.5"):
        assert post(server, user, path, {"value": value}).status_code == 201, value


TOO_LOW = "Value too low: Value must be greater than 0.0."
TOO_HIGH = "Value too high: Value must be less than, or equal to 10.0."
NOT_HALF = "Value invalid: Values must be a multiple of 0.50."
NOT_NUMBER = "Value invalid: Values must be a number."


def test_rating_refusals(server: LiveServer, user: V3User) -> None:
    path = f"/3/movie/{MOVIE.id}/rating"
    cases: list[tuple[Any, str]] = [
        (0, TOO_LOW),
        (0.3, TOO_LOW),
        (-1, TOO_LOW),
        (10.5, TOO_HIGH),
        (11, TOO_HIGH),
        (7.25, NOT_HALF),
        ("x", NOT_NUMBER),
        ("nan", NOT_NUMBER),
        (None, NOT_NUMBER),
        (True, NOT_NUMBER),
        ([8], NOT_NUMBER),
    ]
    for value, message in cases:
        response = post(server, user, path, {"value": value})
        assert response.status_code == 400, value
        assert response.json() == {
            "success": False,
            "status_code": 18,
            "status_message": "Validation failed.",
            "error_message": message,
        }, value
    assert error_of(post(server, user, path, {})) == (400, 18)
    for missing in (f"/3/movie/{BASE_ID + 99}/rating", f"/3/movie/{TV_ONLY.id}/rating", f"/3/tv/{MOVIE.id}/rating"):
        assert error_of(post(server, user, missing, {"value": 8})) == (404, 34), missing
        deleted = server.client.delete(missing, headers=user.creds.headers, params=user.params)
        assert error_of(deleted) == (404, 34), missing
    for bad_id in ("abc", "0", "-5", "1.5", "99999999999"):
        assert error_of(post(server, user, f"/3/movie/{bad_id}/rating", {"value": 8})) == (404, 34), bad_id
    no_session = server.client.post(path, headers=user.creds.headers, json={"value": 8})
    assert error_of(no_session) == (401, 3)
    no_app = server.client.post(path, params=user.params, json={"value": 8})
    assert error_of(no_app) == (401, 7)
    assert ids(get(server, user, f"/3/account/{user.account.id}/rated/movies")) == []


# --- reading lists of titles ---------------------------------------------------------------------------
def test_paging_and_sorting(server: LiveServer, user: V3User) -> None:
    many = [Title("movie", BASE_ID + 100 + i, f"Movie {i:02d}", (35,)) for i in range(25)]
    # Added in an order that differs from id order, one second apart.
    order = [t.id for t in many[5:]] + [t.id for t in many[:5]]
    path = f"/3/account/{user.account.id}/favorite/movies"
    with catalog(server, many):
        for media_id in order:
            response = post(
                server,
                user,
                f"/3/account/{user.account.id}/favorite",
                {"media_type": "movie", "media_id": media_id, "favorite": True},
            )
            assert response.status_code == 201
            server.clock.advance(1)
        first = get(server, user, path)
        body = first.json()
        assert (body["page"], body["total_pages"], body["total_results"]) == (1, 2, 25)
        assert ids(first) == order[:20]
        second = get(server, user, path, page="2")
        assert ids(second) == order[20:] and second.json()["page"] == 2
        assert ids(get(server, user, path, page="3")) == []
        assert ids(get(server, user, path, sort_by="created_at.asc")) == order[:20]
        descending = ids(get(server, user, path, sort_by="created_at.desc")) + ids(
            get(server, user, path, sort_by="created_at.desc", page="2")
        )
        assert descending == order[::-1]
        for bad_sort in ("title.asc", "created_at", "created_at.up", "vote_average.desc"):
            response = get(server, user, path, sort_by=bad_sort)
            assert error_of(response) == (422, 5), bad_sort
            assert "created_at.asc" in response.json()["error_message"]
        for bad_page in ("0", "501", "abc", "-1"):
            assert error_of(get(server, user, path, page=bad_page)) == (400, 22), bad_page


def test_account_lists(server: LiveServer, user: V3User, app_creds: AppCreds) -> None:
    bob = server.create_user("bob")
    first = insert_list(server, user.account, name="Public one", items=[MOVIE, SHOW])
    server.clock.advance(10)
    second = insert_list(server, user.account, name="Private one", public=False)
    insert_list(server, bob, name="Bob's list")
    response = get(server, user, f"/3/account/{user.account.id}/lists")
    assert response.status_code == 200
    assert response.json() == {
        "page": 1,
        "results": [
            {
                "description": "About Private one",
                "favorite_count": 0,
                "id": second,
                "item_count": 0,
                "iso_639_1": "en",
                "list_type": "movie",
                "name": "Private one",
                "poster_path": None,
            },
            {
                "description": "About Public one",
                "favorite_count": 0,
                "id": first,
                "item_count": 2,
                "iso_639_1": "en",
                "list_type": "movie",
                "name": "Public one",
                "poster_path": f"/p{MOVIE.id}.jpg",
            },
        ],
        "total_pages": 1,
        "total_results": 2,
    }


# --- one user never reaches another's data ---------------------------------------------------------------
def test_second_user_only_ever_reaches_their_own_account(server: LiveServer, user: V3User, app_creds: AppCreds) -> None:
    alice = user.account
    for kind in ("favorite", "watchlist"):
        post(server, user, f"/3/account/{alice.id}/{kind}", {"media_type": "movie", "media_id": MOVIE.id, kind: True})
        post(server, user, f"/3/account/{alice.id}/{kind}", {"media_type": "tv", "media_id": SHOW.id, kind: True})
    post(server, user, f"/3/movie/{MOVIE.id}/rating", {"value": 9})
    post(server, user, f"/3/tv/{SHOW.id}/rating", {"value": 9})
    insert_list(server, alice, name="Alice's private list", public=False)
    before = {route: get(server, user, f"/3/account/{alice.id}/{route}").json() for route in READ_ROUTES}
    assert all(body["total_results"] == 1 for body in before.values())

    bob = sign_in_v3(server, server.create_user("bob"), app_creds)
    # Bob naming Alice's ids is served Bob's own (empty) account, and his writes land on Bob.
    for target in (str(alice.id), alice.object_id):
        assert get(server, bob, f"/3/account/{target}").json()["id"] == bob.account.id
        for route in READ_ROUTES:
            assert get(server, bob, f"/3/account/{target}/{route}").json()["total_results"] == 0, route
        for kind in ("favorite", "watchlist"):
            body = {"media_type": "movie", "media_id": MOVIE.id, kind: False}
            assert post(server, bob, f"/3/account/{target}/{kind}", body).status_code == 200
    removed = server.client.delete(f"/3/movie/{MOVIE.id}/rating", headers=bob.creds.headers, params=bob.params)
    assert removed.status_code == 200
    mark = {"media_type": "movie", "media_id": MOVIE_2.id, "favorite": True}
    post(server, bob, f"/3/account/{alice.id}/favorite", mark)
    assert ids(get(server, bob, f"/3/account/{bob.account.id}/favorite/movies")) == [MOVIE_2.id]
    post(server, bob, f"/3/tv/{SHOW.id}/rating", {"value": 1})
    assert get(server, bob, f"/3/account/{bob.account.id}/rated/tv").json()["total_results"] == 1
    # Alice's data is exactly as before. (Bob's rating is a vote of its own: the title's shared
    # vote figures move, nothing of Alice's.)
    after = {route: get(server, user, f"/3/account/{alice.id}/{route}").json() for route in READ_ROUTES}
    assert without_title_figures(after) == without_title_figures(before)
    assert after["rated/tv"]["results"][0]["vote_count"] == before["rated/tv"]["results"][0]["vote_count"] + 1


def without_title_figures(pages: dict[str, Any]) -> dict[str, Any]:
    """The pages without the catalog's shared vote and popularity figures."""
    shared = {"vote_average", "vote_count", "popularity"}
    return {
        route: {**page, "results": [{k: v for k, v in r.items() if k not in shared} for r in page["results"]]}
        for route, page in pages.items()
    }
