"""LISTS (v3) over real HTTP on both engines: TMDB's v3 shapes and codes, one list state with v4."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.accounts.support import BASE_ID, Title, V3User, catalog, error_of, sign_in_v3
from tests.conftest import AppCreds, LiveServer, bearer

MOVIE = Title("movie", BASE_ID + 11, "Alpha list movie", (18,), vote_average=7.0)
MOVIE_2 = Title("movie", BASE_ID + 12, "Beta list movie", (18,), vote_average=6.0)
SHOW = Title("tv", BASE_ID + 13, "Gamma list show", (18,), vote_average=8.0)
TITLES = [MOVIE, MOVIE_2, SHOW]

UPDATED = {"success": True, "status_code": 12, "status_message": "The item/record was updated successfully."}
DELETED = {"success": True, "status_code": 13, "status_message": "The item/record was deleted successfully."}


@pytest.fixture
def user(server: LiveServer, app_creds: AppCreds, alice: Any) -> Any:
    with catalog(server, TITLES):
        yield sign_in_v3(server, alice, app_creds)


def v3(server: LiveServer, user: V3User, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A v3 call with the app's read token and the user's session_id in the query."""
    params = {**user.params, **kwargs.pop("params", {})}
    return server.client.request(method, path, headers=user.creds.headers, params=params, **kwargs)


def test_v3_list_lifecycle_is_the_v4_list(server: LiveServer, user: V3User) -> None:
    created = v3(server, user, "POST", "/3/list", json={"name": "Made in v3", "description": "d", "language": "de"})
    assert created.status_code == 201
    body = created.json()
    list_id = body["list_id"]
    assert body == {
        "status_message": "The item/record was created successfully.",
        "success": True,
        "status_code": 1,
        "list_id": list_id,
    }
    assert created.headers["cache-control"] == "no-store"

    added = v3(server, user, "POST", f"/3/list/{list_id}/add_item", json={"media_id": MOVIE.id})
    assert (added.status_code, added.json()) == (201, UPDATED)
    assert error_of(v3(server, user, "POST", f"/3/list/{list_id}/add_item", json={"media_id": MOVIE.id})) == (403, 8)
    unknown = v3(server, user, "POST", f"/3/list/{list_id}/add_item", json={"media_id": BASE_ID + 99})
    assert error_of(unknown) == (404, 34)
    # v3 add_item adds movies: a TV id is a movie that is not in the catalog.
    assert error_of(v3(server, user, "POST", f"/3/list/{list_id}/add_item", json={"media_id": SHOW.id})) == (404, 34)
    for bad in ("abc", -1, None, True, 1.5):
        response = v3(server, user, "POST", f"/3/list/{list_id}/add_item", json={"media_id": bad})
        assert error_of(response) == (400, 18), bad

    # The same list through v4: the item is there, and v4 adds a TV show to it.
    v4_view = server.client.get(f"/4/list/{list_id}", headers=user.v4)
    assert v4_view.status_code == 200
    assert (v4_view.json()["name"], v4_view.json()["iso_639_1"], v4_view.json()["public"]) == ("Made in v3", "de", True)
    assert [r["id"] for r in v4_view.json()["results"]] == [MOVIE.id]
    items = {"items": [{"media_type": "tv", "media_id": SHOW.id}]}
    assert server.client.post(f"/4/list/{list_id}/items", headers=user.v4, json=items).status_code == 200
    account_lists = server.client.get(f"/4/account/{user.account.object_id}/lists", headers=user.v4).json()
    assert [entry["id"] for entry in account_lists["results"]] == [list_id]

    # A v3 read shows every item, movies and TV alike, each with its media_type (TV is not hidden).
    read = server.client.get(f"/3/list/{list_id}", headers=user.creds.headers)
    assert read.status_code == 200
    details = read.json()
    assert details["items"] == [
        {**details["items"][0], "media_type": "movie", "id": MOVIE.id, "title": MOVIE.title},
        {**details["items"][1], "media_type": "tv", "id": SHOW.id, "name": SHOW.title},
    ]
    assert {key: value for key, value in details.items() if key != "items"} == {
        "created_by": "alice",
        "description": "d",
        "favorite_count": 0,
        "id": str(list_id),
        "iso_639_1": "de",
        "item_count": 2,
        "name": "Made in v3",
        "page": 1,
        "poster_path": f"/p{MOVIE.id}.jpg",
        "total_pages": 1,
        "total_results": 2,
    }
    for movie_id, present in ((MOVIE.id, True), (MOVIE_2.id, False), (SHOW.id, False)):
        status = server.client.get(
            f"/3/list/{list_id}/item_status", headers=user.creds.headers, params={"movie_id": str(movie_id)}
        )
        assert status.json() == {"id": list_id, "item_present": present}, movie_id
    assert error_of(server.client.get(f"/3/list/{list_id}/item_status", headers=user.creds.headers)) == (422, 5)
    bad_movie = server.client.get(
        f"/3/list/{list_id}/item_status", headers=user.creds.headers, params={"movie_id": "abc"}
    )
    assert error_of(bad_movie) == (400, 18)

    removed = v3(server, user, "POST", f"/3/list/{list_id}/remove_item", json={"media_id": MOVIE.id})
    assert (removed.status_code, removed.json()) == (200, DELETED)
    again = v3(server, user, "POST", f"/3/list/{list_id}/remove_item", json={"media_id": MOVIE.id})
    assert (again.status_code, again.json()) == (200, DELETED)
    assert server.client.get(f"/4/list/{list_id}", headers=user.v4).json()["item_count"] == 1

    for unconfirmed in ({}, {"confirm": "false"}, {"confirm": "yes"}):
        assert error_of(v3(server, user, "POST", f"/3/list/{list_id}/clear", params=unconfirmed)) == (400, 29)
    cleared = v3(server, user, "POST", f"/3/list/{list_id}/clear", params={"confirm": "true"})
    assert (cleared.status_code, cleared.json()) == (201, UPDATED)
    assert server.client.get(f"/4/list/{list_id}", headers=user.v4).json()["item_count"] == 0
    # confirm in a JSON body (moviedb-promise sends every parameter there).
    v3(server, user, "POST", f"/3/list/{list_id}/add_item", json={"media_id": MOVIE_2.id})
    body_confirm = v3(server, user, "POST", f"/3/list/{list_id}/clear", json={"confirm": True})
    assert body_confirm.status_code == 201
    assert server.client.get(f"/3/list/{list_id}", headers=user.creds.headers).json()["item_count"] == 0

    # Delete: HTTP 200 with TMDB's documented body, not TMDB's own 500 / 11; v4 sees it gone.
    deleted = v3(server, user, "DELETE", f"/3/list/{list_id}")
    assert (deleted.status_code, deleted.json()) == (200, UPDATED)
    assert error_of(server.client.get(f"/4/list/{list_id}", headers=user.v4)) == (404, 34)
    assert error_of(server.client.get(f"/3/list/{list_id}", headers=user.creds.headers)) == (404, 34)
    assert error_of(v3(server, user, "DELETE", f"/3/list/{list_id}")) == (404, 34)


def test_v4_list_seen_and_changed_through_v3(server: LiveServer, user: V3User, app_creds: AppCreds) -> None:
    made = server.client.post("/4/list", headers=user.v4, json={"name": "Private v4", "public": False})
    list_id = made.json()["id"]
    # Private: invisible to an app alone and to another user, visible to the owner's session or token.
    assert error_of(server.client.get(f"/3/list/{list_id}", headers=user.creds.headers)) == (404, 34)
    assert v3(server, user, "GET", f"/3/list/{list_id}").json()["name"] == "Private v4"
    assert server.client.get(f"/3/list/{list_id}", headers=user.v4).status_code == 200
    bob = sign_in_v3(server, server.create_user("bob"), app_creds)
    assert error_of(v3(server, bob, "GET", f"/3/list/{list_id}")) == (404, 34)
    assert error_of(v3(server, bob, "POST", f"/3/list/{list_id}/add_item", json={"media_id": MOVIE.id})) == (404, 34)
    # A Bearer user token acts without a session_id (the v3 list writes of a Bearer-only client).
    added = server.client.post(f"/3/list/{list_id}/add_item", headers=user.v4, json={"media_id": MOVIE.id})
    assert added.status_code == 201
    assert [r["id"] for r in server.client.get(f"/4/list/{list_id}", headers=user.v4).json()["results"]] == [MOVIE.id]
    # Public: bob reads it but may not change or delete it.
    server.client.put(f"/4/list/{list_id}", headers=user.v4, json={"public": True})
    assert v3(server, bob, "GET", f"/3/list/{list_id}").json()["item_count"] == 1
    assert error_of(v3(server, bob, "POST", f"/3/list/{list_id}/remove_item", json={"media_id": MOVIE.id})) == (
        401,
        38,
    )
    assert error_of(v3(server, bob, "POST", f"/3/list/{list_id}/clear", params={"confirm": "true"})) == (401, 38)
    assert error_of(v3(server, bob, "DELETE", f"/3/list/{list_id}")) == (401, 38)
    assert server.client.get(f"/4/list/{list_id}", headers=user.v4).json()["item_count"] == 1
    # The owner deletes it through v3; v4 and the account's lists no longer have it.
    assert v3(server, user, "DELETE", f"/3/list/{list_id}").status_code == 200
    assert error_of(server.client.get(f"/4/list/{list_id}", headers=user.v4)) == (404, 34)
    assert server.client.get(f"/3/account/{user.account.id}/lists", headers=user.v4).json()["total_results"] == 0


def test_v3_list_refusals_and_client_shapes(server: LiveServer, user: V3User) -> None:
    headers = user.creds.headers
    # Writes need someone acting: no session (or a bad one) is 401 / 3, no app credential 401 / 7.
    assert error_of(server.client.post("/3/list", headers=headers, json={"name": "x"})) == (401, 3)
    bad_session = server.client.post("/3/list", headers=headers, params={"session_id": "f" * 40}, json={"name": "x"})
    assert error_of(bad_session) == (401, 3)
    assert error_of(server.client.post("/3/list", params=user.params, json={"name": "x"})) == (401, 7)
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": "ok", "language": "english"}):
        assert error_of(v3(server, user, "POST", "/3/list", json=body)) == (422, 5), body
    assert error_of(v3(server, user, "POST", "/3/list", json={"name": 5})) == (400, 47)
    for bad_id in ("abc", "0", "509ec17b19c2950a0600050d", "99999999999"):
        assert error_of(server.client.get(f"/3/list/{bad_id}", headers=headers)) == (404, 34), bad_id
        assert error_of(v3(server, user, "DELETE", f"/3/list/{bad_id}")) == (404, 34), bad_id

    # tmdbsimple: nulls for what was not given; tmdbv3api: language "en-US".
    simple = v3(server, user, "POST", "/3/list", json={"name": "simple", "description": None, "language": None})
    assert simple.status_code == 201
    v3api = v3(server, user, "POST", "/3/list", json={"name": "v3api", "description": "", "language": "en-US"})
    v4_view = server.client.get(f"/4/list/{v3api.json()['list_id']}", headers=user.v4).json()
    assert (v4_view["iso_639_1"], v4_view["iso_3166_1"]) == ("en", "US")
    # moviedb-promise: api_key and session_id in the JSON body of every write, nothing in the query.
    key = user.creds.app.api_key
    promise = server.client.post(
        "/3/list", json={"api_key": key, "session_id": user.session_id, "name": "promise", "language": "en"}
    )
    assert promise.status_code == 201, promise.text
    promise_id = promise.json()["list_id"]
    add = server.client.post(
        f"/3/list/{promise_id}/add_item", json={"api_key": key, "session_id": user.session_id, "media_id": MOVIE.id}
    )
    assert add.status_code == 201, add.text
    clear = server.client.post(
        f"/3/list/{promise_id}/clear", json={"api_key": key, "session_id": user.session_id, "confirm": True}
    )
    assert clear.status_code == 201, clear.text
    gone = server.client.request(
        "DELETE", f"/3/list/{promise_id}", json={"api_key": key, "session_id": user.session_id}
    )
    assert gone.status_code == 200, gone.text
    # tmdbsimple's clear and delete: JSON content type, no body at all.
    plain = simple.json()["list_id"]
    no_body = {**headers, "Content-Type": "application/json"}
    assert (
        server.client.post(
            f"/3/list/{plain}/clear", headers=no_body, params={**user.params, "confirm": "true"}
        ).status_code
        == 201
    )
    assert server.client.delete(f"/3/list/{plain}", headers=no_body, params=user.params).status_code == 200
    assert (
        server.client.get(f"/3/account/{user.account.id}/lists", headers=bearer(user.access_token)).json()[
            "total_results"
        ]
        == 1
    )
