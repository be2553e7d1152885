"""Guest sessions and account_states over real HTTP on both engines; expiry moves the injected clock."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from filmshelf.storage.tables import guest_ratings, guest_sessions
from tests.accounts.support import BASE_ID, Title, V3User, catalog, error_of, sign_in_v3
from tests.conftest import AppCreds, LiveServer

MOVIE = Title("movie", BASE_ID + 21, "Guest movie", (18,))
SHOW = Title("tv", BASE_ID + 22, "Guest show", (18,))
HEX32 = re.compile(r"[0-9a-f]{32}")
CREATED = {"success": True, "status_code": 1, "status_message": "Success."}
UPDATED = {"success": True, "status_code": 12, "status_message": "The item/record was updated successfully."}
DELETED = {"success": True, "status_code": 13, "status_message": "The item/record was deleted successfully."}


@pytest.fixture
def titles(server: LiveServer) -> Any:
    with catalog(server, [MOVIE, SHOW]):
        yield


def new_guest(server: LiveServer, creds: AppCreds) -> str:
    response = server.client.get("/3/authentication/guest_session/new", headers=creds.headers)
    assert response.status_code == 200, response.text
    guest_id: str = response.json()["guest_session_id"]
    return guest_id


def rate(server: LiveServer, creds: AppCreds, path: str, value: Any, **params: str) -> httpx.Response:
    return server.client.post(path, headers=creds.headers, params=params, json={"value": value})


def rated_ids(server: LiveServer, creds: AppCreds, guest_id: str, kind: str, **params: str) -> list[tuple[int, float]]:
    response = server.client.get(f"/3/guest_session/{guest_id}/rated/{kind}", headers=creds.headers, params=params)
    assert response.status_code == 200, response.text
    return [(item["id"], item["rating"]) for item in response.json()["results"]]


def count_rows(server: LiveServer) -> tuple[int, int]:
    async def run() -> tuple[int, int]:
        async with server.services.db.read() as conn:
            sessions = int(await conn.scalar(select(func.count()).select_from(guest_sessions)))
            ratings = int(await conn.scalar(select(func.count()).select_from(guest_ratings)))
            return sessions, ratings

    return server.call(run())


def test_guest_session_rates_and_reads(server: LiveServer, app_creds: AppCreds, alice: Any, titles: Any) -> None:
    response = server.client.get("/3/authentication/guest_session/new", headers=app_creds.headers)
    body = response.json()
    assert set(body) == {"success", "guest_session_id", "expires_at"} and body["success"] is True
    assert HEX32.fullmatch(body["guest_session_id"])
    expected_expiry = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(server.clock.now() + 24 * 3600))
    assert body["expires_at"] == expected_expiry
    assert response.headers["cache-control"] == "no-store"
    guest = body["guest_session_id"]

    movie_path, show_path = f"/3/movie/{MOVIE.id}/rating", f"/3/tv/{SHOW.id}/rating"
    first = rate(server, app_creds, movie_path, 8.5, guest_session_id=guest)
    assert (first.status_code, first.json()) == (201, CREATED)
    again = rate(server, app_creds, movie_path, 9, guest_session_id=guest)
    assert (again.status_code, again.json()) == (201, UPDATED)
    server.clock.advance(1)
    # guest_session_id in the JSON body works as well as in the query.
    in_body = server.client.post(show_path, headers=app_creds.headers, json={"value": "7.5", "guest_session_id": guest})
    assert in_body.status_code == 201
    assert error_of(rate(server, app_creds, movie_path, 11, guest_session_id=guest)) == (400, 18)
    assert error_of(rate(server, app_creds, f"/3/movie/{BASE_ID + 99}/rating", 5, guest_session_id=guest)) == (404, 34)

    assert rated_ids(server, app_creds, guest, "movies") == [(MOVIE.id, 9.0)]
    assert rated_ids(server, app_creds, guest, "tv") == [(SHOW.id, 7.5)]
    episodes = server.client.get(f"/3/guest_session/{guest}/rated/tv/episodes", headers=app_creds.headers)
    assert episodes.json() == {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
    bad_sort = server.client.get(
        f"/3/guest_session/{guest}/rated/movies", headers=app_creds.headers, params={"sort_by": "title.asc"}
    )
    assert error_of(bad_sort) == (422, 5)

    states = server.client.get(
        f"/3/movie/{MOVIE.id}/account_states", headers=app_creds.headers, params={"guest_session_id": guest}
    )
    assert states.json() == {"id": MOVIE.id, "favorite": False, "rated": {"value": 9.0}, "watchlist": False}
    assert states.headers["cache-control"] == "no-store"

    # A guest's ratings are its own: no account shows them, and another app cannot use the session.
    user = sign_in_v3(server, alice, app_creds)
    mine = server.client.get(f"/3/account/{alice.id}/rated/movies", headers=app_creds.headers, params=user.params)
    assert mine.json()["total_results"] == 0
    other_app = server.create_app(alice, "Other app")
    assert error_of(rate(server, other_app, movie_path, 5, guest_session_id=guest)) == (401, 3)
    foreign = server.client.get(f"/3/guest_session/{guest}/rated/movies", headers=other_app.headers)
    assert error_of(foreign) == (401, 3)
    for unknown in ("0" * 32, "x"):
        assert error_of(rate(server, app_creds, movie_path, 5, guest_session_id=unknown)) == (401, 3)
        response = server.client.get(f"/3/guest_session/{unknown}/rated/tv", headers=app_creds.headers)
        assert error_of(response) == (401, 3)
    assert error_of(server.client.get("/3/authentication/guest_session/new")) == (401, 7)

    removed = server.client.delete(movie_path, headers=app_creds.headers, params={"guest_session_id": guest})
    assert (removed.status_code, removed.json()) == (200, DELETED)
    assert rated_ids(server, app_creds, guest, "movies") == []
    states = server.client.get(
        f"/3/movie/{MOVIE.id}/account_states", headers=app_creds.headers, params={"guest_session_id": guest}
    )
    assert states.json()["rated"] is False


def test_guest_sessions_expire(server: LiveServer, app_creds: AppCreds, titles: Any) -> None:
    movie_path = f"/3/movie/{MOVIE.id}/rating"
    unused = new_guest(server, app_creds)
    used = new_guest(server, app_creds)
    assert rate(server, app_creds, movie_path, 6, guest_session_id=used).status_code == 201
    # Within the hour an unused session still works (reading does not use it up, nor count as use).
    server.clock.advance(59 * 60)
    assert rated_ids(server, app_creds, unused, "movies") == []
    # Past 60 minutes unused, it is gone; a used one lives on.
    server.clock.advance(2 * 60)
    assert error_of(rate(server, app_creds, movie_path, 6, guest_session_id=unused)) == (401, 3)
    assert error_of(server.client.get(f"/3/guest_session/{unused}/rated/movies", headers=app_creds.headers)) == (
        401,
        3,
    )
    assert rated_ids(server, app_creds, used, "movies") == [(MOVIE.id, 6.0)]
    assert rate(server, app_creds, movie_path, 7, guest_session_id=used).status_code == 201
    # At its expires_at (24 h after issue) the used one ends too.
    server.clock.advance(24 * 3600 - 61 * 60)
    assert error_of(rate(server, app_creds, movie_path, 6, guest_session_id=used)) == (401, 3)
    states = server.client.get(
        f"/3/movie/{MOVIE.id}/account_states", headers=app_creds.headers, params={"guest_session_id": used}
    )
    assert error_of(states) == (401, 3)
    # Dead sessions and their ratings are deleted when the next guest session is made.
    assert count_rows(server) == (2, 1)
    new_guest(server, app_creds)
    assert count_rows(server) == (1, 0)


def test_account_states_for_session_and_user_token(
    server: LiveServer, app_creds: AppCreds, alice: Any, titles: Any
) -> None:
    user: V3User = sign_in_v3(server, alice, app_creds)

    def states(media: str, title_id: int | str, **kwargs: Any) -> httpx.Response:
        return server.client.get(f"/3/{media}/{title_id}/account_states", **kwargs)

    nothing = {"id": MOVIE.id, "favorite": False, "rated": False, "watchlist": False}
    assert states("movie", MOVIE.id, headers=app_creds.headers, params=user.params).json() == nothing
    server.client.post(
        f"/3/account/{alice.id}/favorite",
        headers=app_creds.headers,
        params=user.params,
        json={"media_type": "movie", "media_id": MOVIE.id, "favorite": True},
    )
    server.client.post(
        f"/3/account/{alice.id}/watchlist",
        headers=app_creds.headers,
        params=user.params,
        json={"media_type": "tv", "media_id": SHOW.id, "watchlist": True},
    )
    # Rated with the v4 user token as Bearer and no session_id.
    assert server.client.post(f"/3/tv/{SHOW.id}/rating", headers=user.v4, json={"value": 4.5}).status_code == 201
    movie_states = {"id": MOVIE.id, "favorite": True, "rated": False, "watchlist": False}
    show_states = {"id": SHOW.id, "favorite": False, "rated": {"value": 4.5}, "watchlist": True}
    for kwargs in ({"headers": app_creds.headers, "params": user.params}, {"headers": user.v4}):
        assert states("movie", MOVIE.id, **kwargs).json() == movie_states
        assert states("tv", SHOW.id, **kwargs).json() == show_states
        # The media type is part of the key; unknown titles and bad ids are 404 / 34.
        assert error_of(states("tv", MOVIE.id, **kwargs)) == (404, 34)
        assert error_of(states("movie", "abc", **kwargs)) == (404, 34)
    assert error_of(states("movie", MOVIE.id, headers=app_creds.headers)) == (401, 3)
    assert error_of(states("movie", MOVIE.id, params=user.params)) == (401, 7)
    bad_session = states("movie", MOVIE.id, headers=user.v4, params={"session_id": "0" * 40})
    assert error_of(bad_session) == (401, 3)
    # Another user sees only their own state.
    bob = sign_in_v3(server, server.create_user("bob"), app_creds)
    assert states("movie", MOVIE.id, headers=bob.v4).json() == nothing
