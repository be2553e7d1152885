"""The `filmshelf_server` fixture of filmshelf.testing: its helpers, its clock and its reset.

Each helper's effect is checked through the real API on the fixture's loopback address.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from filmshelf.testing import FilmshelfServer, FilmshelfTestingError


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(server: FilmshelfServer, path: str, **params: Any) -> Any:
    response = httpx.get(server.base_url + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_make_user_and_make_app_return_plain_working_credentials(filmshelf_server: FilmshelfServer) -> None:
    user = filmshelf_server.make_user()
    named = filmshelf_server.make_user("maria", "a long password here")
    assert (user.username, user.password) == ("user1", "user1-password")
    assert (named.username, named.password) == ("maria", "a long password here")
    app = filmshelf_server.make_app(named, "Maria's app")
    assert app.owner == named and app.name == "Maria's app"
    # The API key and the read token are accepted as TMDB's are.
    assert get(filmshelf_server, "/3/configuration", api_key=app.api_key)["images"]
    response = httpx.get(filmshelf_server.base_url + "/3/movie/11", headers=app.headers, timeout=30)
    assert response.json()["title"] == "Star Wars"
    # An app without an owner belongs to an account named `developer`.
    assert filmshelf_server.make_app().owner.username == "developer"


def test_make_user_refuses_a_taken_name_clearly(filmshelf_server: FilmshelfServer) -> None:
    filmshelf_server.make_user("sam")
    with pytest.raises(FilmshelfTestingError, match="taken"):
        filmshelf_server.make_user("sam")


def test_sign_in_returns_a_v4_access_token_of_that_user(filmshelf_server: FilmshelfServer) -> None:
    user = filmshelf_server.make_user()
    app = filmshelf_server.make_app()
    token = filmshelf_server.sign_in(app, user)
    response = httpx.get(
        f"{filmshelf_server.base_url}/4/account/{user.account_object_id}/lists", headers=bearer(token), timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.json()["total_results"] == 0


def test_v3_session_returns_a_session_of_that_user(filmshelf_server: FilmshelfServer) -> None:
    user = filmshelf_server.make_user("viv")
    app = filmshelf_server.make_app()
    session_id = filmshelf_server.v3_session(app, user)
    account = get(filmshelf_server, "/3/account", api_key=app.api_key, session_id=session_id)
    assert (account["id"], account["username"]) == (user.account_id, "viv")


def test_approve_and_deny_take_tokens_and_tmdb_approval_urls(filmshelf_server: FilmshelfServer) -> None:
    user = filmshelf_server.make_user()
    app = filmshelf_server.make_app()
    http = filmshelf_server.http
    # v4, approved through TMDB's approval URL: the exchange succeeds.
    token = filmshelf_server.request_token(app)
    filmshelf_server.approve(f"https://www.themoviedb.org/auth/access?request_token={token}", user)
    answer = http.post("/4/auth/access_token", headers=app.headers, json={"request_token": token})
    assert answer.status_code == 200 and answer.json()["account_id"] == user.account_object_id
    # v4, denied: the exchange is refused, and a second decision is an error.
    token = filmshelf_server.request_token(app)
    filmshelf_server.deny(token, user)
    answer = http.post("/4/auth/access_token", headers=app.headers, json={"request_token": token})
    assert answer.status_code == 401, answer.text
    with pytest.raises(FilmshelfTestingError, match="already"):
        filmshelf_server.approve(token, user)
    # v3, denied through TMDB's /authenticate/{token} URL: no session.
    v3_token = filmshelf_server.v3_request_token(app)
    filmshelf_server.deny(f"https://www.themoviedb.org/authenticate/{v3_token}", user)
    answer = http.post(
        "/3/authentication/session/new", params={"api_key": app.api_key}, json={"request_token": v3_token}
    )
    assert answer.status_code == 401, answer.text
    with pytest.raises(FilmshelfTestingError, match="DECIDED"):
        filmshelf_server.approve(v3_token, user)
    with pytest.raises(FilmshelfTestingError, match="no request token"):
        filmshelf_server.approve("https://www.themoviedb.org/settings", user)


def test_seeded_favorites_watchlist_ratings_and_lists_are_served(filmshelf_server: FilmshelfServer) -> None:
    user = filmshelf_server.make_user()
    app = filmshelf_server.make_app()
    before = get(filmshelf_server, "/3/movie/11", api_key=app.api_key)
    filmshelf_server.favorite(user, "movie", 11)
    filmshelf_server.watchlist(user, "tv", 95)
    filmshelf_server.rate(user, "movie", 11, 8.5)
    list_id = filmshelf_server.create_list(user, "Weekend", [("movie", 11), ("tv", 95)], description="d")
    session = filmshelf_server.v3_session(app, user)
    base = f"/3/account/{user.account_id}"
    keys = {"api_key": app.api_key, "session_id": session}
    assert [row["id"] for row in get(filmshelf_server, f"{base}/favorite/movies", **keys)["results"]] == [11]
    assert [row["id"] for row in get(filmshelf_server, f"{base}/watchlist/tv", **keys)["results"]] == [95]
    rated = get(filmshelf_server, f"{base}/rated/movies", **keys)["results"]
    assert [(row["id"], row["rating"]) for row in rated] == [(11, 8.5)]
    listed = get(filmshelf_server, f"/4/list/{list_id}", api_key=app.api_key)
    assert [(row["media_type"], row["id"]) for row in listed["results"]] == [("movie", 11), ("tv", 95)]
    # The rating moved the title's shared vote figures, as a rating through the API does.
    after = get(filmshelf_server, "/3/movie/11", api_key=app.api_key)
    assert after["vote_count"] == before["vote_count"] + 1
    with pytest.raises(FilmshelfTestingError, match="not in the catalog"):
        filmshelf_server.create_list(user, "Bad", [("movie", 999_999_999)])
    with pytest.raises(FilmshelfTestingError, match="rate movie 11"):
        filmshelf_server.rate(user, "movie", 11, 11)


def test_reset_forgets_users_data_caches_and_clock_but_keeps_the_catalog(filmshelf_server: FilmshelfServer) -> None:
    user = filmshelf_server.make_user()
    app = filmshelf_server.make_app()
    pristine = get(filmshelf_server, "/3/movie/11", api_key=app.api_key)
    filmshelf_server.rate(user, "movie", 11, 1.0)
    filmshelf_server.favorite(user, "movie", 11)
    filmshelf_server.create_list(user, "Gone soon", [("movie", 11)])
    session = filmshelf_server.v3_session(app, user)
    moved = get(filmshelf_server, "/3/movie/11", api_key=app.api_key)
    assert (moved["vote_count"], moved["popularity"]) != (pristine["vote_count"], pristine["popularity"])
    assert filmshelf_server.services.app_tokens.get(app.read_access_token) is None  # only the Bearer path caches
    httpx.get(filmshelf_server.base_url + "/3/movie/11", headers=app.headers, timeout=30)
    assert filmshelf_server.services.app_tokens.get(app.read_access_token) is not None
    filmshelf_server.advance_clock(3600)

    filmshelf_server.reset()

    assert filmshelf_server.services.app_tokens.get(app.read_access_token) is None
    assert abs(filmshelf_server.now() - time.time()) < 60
    # The app, the user and the session are gone; the catalog and its figures are as imported.
    response = httpx.get(filmshelf_server.base_url + "/3/movie/11", params={"api_key": app.api_key}, timeout=30)
    assert response.status_code == 401 and response.json()["status_code"] == 7
    fresh_app = filmshelf_server.make_app()
    served = get(filmshelf_server, "/3/movie/11", api_key=fresh_app.api_key)
    for figure in ("vote_count", "vote_average", "popularity"):
        assert served[figure] == pristine[figure], figure
    gone = httpx.get(
        filmshelf_server.base_url + "/3/account", params={"api_key": fresh_app.api_key, "session_id": session}
    )
    assert gone.status_code == 401
    # Ids start again: the first account made after a reset is account 1.
    assert fresh_app.owner.account_id == 1 and filmshelf_server.make_user().username == "user1"


def test_advance_clock_expires_guest_sessions_and_request_tokens(filmshelf_server: FilmshelfServer) -> None:
    app = filmshelf_server.make_app()
    user = filmshelf_server.make_user()
    guest = filmshelf_server.guest_session(app)
    rated = filmshelf_server.http.post(
        "/3/movie/11/rating", params={"api_key": app.api_key, "guest_session_id": guest}, json={"value": 7}
    )
    assert rated.status_code == 201, rated.text
    token = filmshelf_server.request_token(app)
    filmshelf_server.advance_clock(24 * 3600 + 1)
    expired = filmshelf_server.http.post(
        "/3/movie/11/rating", params={"api_key": app.api_key, "guest_session_id": guest}, json={"value": 7}
    )
    assert expired.status_code == 401 and expired.json()["status_code"] == 3
    with pytest.raises(FilmshelfTestingError, match="cannot be decided"):
        filmshelf_server.approve(token, user)
