"""The `tmdb_double` fixture: TMDB's hosts answered by filmshelf in httpx, requests and aiohttp.

Each client library sends to https://api.themoviedb.org exactly as it would in production; the
answers come from the in-process filmshelf (the sample catalog's Star Wars is movie 11, which
TMDB's real API would also answer, so each test also checks `forwarded`: the double answered).
"""

from __future__ import annotations

import asyncio
import re

import aiohttp
import httpx
import requests
import requests.adapters
import tmdbsimple

from filmshelf.testing import TmdbDouble

ORIGINALS = (
    (httpx.HTTPTransport, "handle_request", httpx.HTTPTransport.handle_request),
    (httpx.AsyncHTTPTransport, "handle_async_request", httpx.AsyncHTTPTransport.handle_async_request),
    (requests.adapters.HTTPAdapter, "send", requests.adapters.HTTPAdapter.send),
    (aiohttp.ClientSession, "_request", aiohttp.ClientSession._request),
)
MOVIE = "https://api.themoviedb.org/3/movie/11"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def test_httpx_sync_and_async_reach_the_double(tmdb_double: TmdbDouble) -> None:
    app = tmdb_double.make_app()
    with httpx.Client() as client:
        response = client.get(MOVIE, params={"api_key": app.api_key})
    assert response.status_code == 200 and response.json()["title"] == "Star Wars"
    assert str(response.url).startswith(MOVIE)

    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(base_url="https://api.themoviedb.org/3") as client:
            return await client.get("/movie/11", headers=app.headers)

    answer = asyncio.run(fetch())
    assert answer.status_code == 200 and answer.json()["id"] == 11
    assert tmdb_double.forwarded == 2


def test_requests_reaches_the_double_and_sees_tmdb_urls(tmdb_double: TmdbDouble) -> None:
    app = tmdb_double.make_app()
    response = requests.get(MOVIE, params={"api_key": app.api_key}, timeout=30)
    assert response.status_code == 200 and response.json()["title"] == "Star Wars"
    assert response.url == f"{MOVIE}?api_key={app.api_key}"
    with requests.Session() as session:
        created = session.post(
            "https://api.themoviedb.org/4/auth/request_token", headers=app.headers, json={}, timeout=30
        )
    assert created.status_code == 200 and created.json()["success"] is True
    assert tmdb_double.forwarded == 2


def test_aiohttp_reaches_the_double(tmdb_double: TmdbDouble) -> None:
    app = tmdb_double.make_app()

    async def fetch() -> tuple[int, str, int]:
        async with aiohttp.ClientSession() as session, session.get(MOVIE, params={"api_key": app.api_key}) as one:
            title = (await one.json())["title"]
        async with (
            aiohttp.ClientSession(base_url="https://api.themoviedb.org") as session,
            session.get("/3/movie/11", headers=app.headers) as two,
        ):
            return one.status, title, two.status

    assert asyncio.run(fetch()) == (200, "Star Wars", 200)
    assert tmdb_double.forwarded == 2


def test_a_client_signs_in_through_tmdb_urls_and_one_approve_call(tmdb_double: TmdbDouble) -> None:
    app = tmdb_double.make_app()
    user = tmdb_double.make_user()
    api = httpx.Client(base_url="https://api.themoviedb.org", headers=app.headers)
    token = api.post("/4/auth/request_token", json={}).json()["request_token"]
    # What a client library shows its user: TMDB's approval page, answered by filmshelf's.
    approval = tmdb_double.approval_url(token)
    assert approval.startswith("https://www.themoviedb.org/auth/access?request_token=")
    page = httpx.get(approval)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    tmdb_double.approve(approval, user)
    answer = api.post("/4/auth/access_token", json={"request_token": token}).json()
    assert answer["account_id"] == user.account_object_id
    lists = api.get(
        f"/4/account/{user.account_object_id}/lists", headers={"Authorization": f"Bearer {answer['access_token']}"}
    )
    assert lists.status_code == 200 and lists.json()["total_results"] == 0
    api.close()


def test_tmdbsimple_unchanged_signs_in_and_marks_a_favorite(tmdb_double: TmdbDouble) -> None:
    app = tmdb_double.make_app()
    user = tmdb_double.make_user()
    tmdbsimple.API_KEY = app.api_key
    try:
        assert tmdbsimple.Movies(11).info()["title"] == "Star Wars"
        auth = tmdbsimple.Authentication()
        token = auth.token_new()["request_token"]
        tmdb_double.approve(f"https://www.themoviedb.org/authenticate/{token}", user)
        session_id = auth.session_new(request_token=token)["session_id"]
        account = tmdbsimple.Account(session_id)
        assert account.info()["username"] == user.username
        account.favorite(media_type="movie", media_id=11, favorite=True)
        assert [movie["id"] for movie in account.favorite_movies()["results"]] == [11]
    finally:
        tmdbsimple.API_KEY = None
    assert tmdb_double.forwarded == 6


def test_other_hosts_pass_through_untouched(tmdb_double: TmdbDouble) -> None:
    # filmshelf's own loopback address is "another host" for the double: it is not rewritten.
    response = httpx.get(tmdb_double.base_url + "/3/configuration/languages")
    assert response.status_code == 401  # reached, unauthenticated
    assert requests.get(tmdb_double.base_url + "/3/configuration/languages", timeout=30).status_code == 401
    assert tmdb_double.forwarded == 0


def test_stop_restores_every_client_library(tmdb_double: TmdbDouble) -> None:
    assert all(getattr(owner, name) is not original for owner, name, original in ORIGINALS)
    tmdb_double.stop()
    assert all(getattr(owner, name) is original for owner, name, original in ORIGINALS)
    tmdb_double.start()
    assert all(getattr(owner, name) is not original for owner, name, original in ORIGINALS)


def test_a_browser_like_client_clicks_approve_on_tmdbs_site(tmdb_double: TmdbDouble) -> None:
    """What a user does in a browser, through httpx with cookies: TMDB's approval URL, sign-in, Approve."""
    app = tmdb_double.make_app(name="Clicky")
    user = tmdb_double.make_user()
    token = tmdb_double.request_token(app)
    with httpx.Client(follow_redirects=True) as browser:
        login = browser.get(tmdb_double.approval_url(token))
        assert login.status_code == 200 and login.url.path == "/login" and login.url.host == "www.themoviedb.org"
        form = {"username": user.username, "password": user.password, "next": login.url.params["next"]}
        page = browser.post("https://www.themoviedb.org/login", data={**form, "_csrf_token": _csrf(login.text)})
        assert page.status_code == 200 and "Clicky" in page.text and page.url.path == "/auth/access"
        done = browser.post(
            "https://www.themoviedb.org/auth/access",
            data={"request_token": token, "decision": "approve", "_csrf_token": _csrf(page.text)},
        )
        assert done.status_code == 200 and done.url.path == "/auth/access/approve", done.text
    exchanged = tmdb_double.http.post("/4/auth/access_token", headers=app.headers, json={"request_token": token})
    assert exchanged.status_code == 200 and exchanged.json()["account_id"] == user.account_object_id


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html
    return found.group(1)
