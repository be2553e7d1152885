"""Liberal in what is accepted, never in whom is trusted (issue 10 §3), over real HTTP on both engines.

* GET as well as POST on the classic sign-in steps;
* credentials in a JSON or form body as well as the query;
* a v4 user token as Bearer acting on v3 account routes; the app read token naming its owner on
  GET /3/account only;
* the `{account_id}` path segment trusted for nothing: a matrix of path ids x credentials x routes
  in which every answer and every change belongs to the credential's own account.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.accounts.support import BASE_ID, Title, V3User, catalog, error_of, sign_in_v3
from tests.conftest import AppCreds, LiveServer, bearer

MOVIE = Title("movie", BASE_ID + 31, "Leniency movie", (18,))
SHOW = Title("tv", BASE_ID + 32, "Leniency show", (18,))
PASSWORD = "correct horse battery"


@pytest.fixture
def titles(server: LiveServer) -> Any:
    with catalog(server, [MOVIE, SHOW]):
        yield


def request_token(server: LiveServer, creds: AppCreds) -> str:
    token: str = server.client.get("/3/authentication/token/new", headers=creds.headers).json()["request_token"]
    return token


def test_classic_sign_in_by_get_by_post_query_and_by_form(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    key = {"api_key": app_creds.app.api_key}
    # GET with every field in the query (tmdbsimple, moviedb-promise).
    token = request_token(server, app_creds)
    login = {"username": "alice", "password": PASSWORD, "request_token": token}
    validated = server.client.get("/3/authentication/token/validate_with_login", params={**key, **login})
    assert validated.status_code == 200, validated.text
    assert validated.json()["request_token"] == token
    assert validated.headers["cache-control"] == "no-store"
    session = server.client.get("/3/authentication/session/new", params={**key, "request_token": token})
    assert session.status_code == 200, session.text
    session_id = session.json()["session_id"]
    assert server.client.get("/3/account", params={**key, "session_id": session_id}).json()["id"] == alice.id
    # The GET forms refuse exactly as the POST forms do.
    refused = server.client.get(
        "/3/authentication/token/validate_with_login", params={**key, **login, "request_token": "f" * 40}
    )
    assert error_of(refused) == (401, 33)
    missing = server.client.get("/3/authentication/token/validate_with_login", params={**key, "request_token": token})
    assert error_of(missing) == (400, 26)
    assert error_of(server.client.get("/3/authentication/session/new", params=key)) == (401, 33)
    unvalidated = request_token(server, app_creds)
    assert error_of(
        server.client.get("/3/authentication/session/new", params={**key, "request_token": unvalidated})
    ) == (401, 17)

    # POST with the fields in the query and no body at all.
    token = request_token(server, app_creds)
    posted = server.client.post(
        "/3/authentication/token/validate_with_login",
        params={**key, "username": "alice", "password": PASSWORD, "request_token": token},
    )
    assert posted.status_code == 200, posted.text
    assert (
        server.client.post("/3/authentication/session/new", params={**key, "request_token": token}).status_code == 200
    )

    # POST with a form body holding every field, api_key included.
    token = request_token(server, app_creds)
    form = {**key, "username": "alice", "password": PASSWORD, "request_token": token}
    assert server.client.post("/3/authentication/token/validate_with_login", data=form).status_code == 200
    formed = server.client.post("/3/authentication/session/new", data={**key, "request_token": token})
    assert formed.status_code == 200, formed.text
    # Logout with session_id (and api_key) in a JSON body, then in the query.
    logout = server.client.request(
        "DELETE", "/3/authentication/session", json={**key, "session_id": formed.json()["session_id"]}
    )
    assert logout.json() == {"success": True}
    by_query = server.client.request("DELETE", "/3/authentication/session", params={**key, "session_id": session_id})
    assert by_query.json() == {"success": True}
    assert error_of(server.client.get("/3/account", params={**key, "session_id": session_id})) == (401, 3)


def test_validate_key(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    ok = {"success": True, "status_code": 1, "status_message": "Success."}
    access = server.sign_in(alice, app_creds)
    # Keyword arguments for httpx's get: one way of passing the app's credentials each.
    accepted: list[dict[str, Any]] = [
        {"headers": app_creds.headers},
        {"headers": bearer(access)},
        {"params": {"api_key": app_creds.app.api_key}},
    ]
    for kwargs in accepted:
        response = server.client.get("/3/authentication", **kwargs)
        assert (response.status_code, response.json()) == (200, ok), kwargs
    refused: list[dict[str, Any]] = [{}, {"params": {"api_key": "0" * 32}}, {"headers": bearer("not.a.token")}]
    for kwargs in refused:
        assert error_of(server.client.get("/3/authentication", **kwargs)) == (401, 7), kwargs
    # tmdbv3api builds its query by hand, with an empty pair in it.
    raw = server.client.get(f"/3/authentication?api_key={app_creds.app.api_key}&&language=en-US")
    assert (raw.status_code, raw.json()) == (200, ok)
    assert "&&" in str(raw.request.url)


def test_credentials_in_bodies_and_bearer_user_tokens(
    server: LiveServer, app_creds: AppCreds, alice: Any, titles: Any
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    key = app_creds.app.api_key
    creds = {"api_key": key, "session_id": user.session_id}
    # moviedb-promise: every parameter, credentials included, in the JSON body.
    favorite = server.client.post(
        "/3/account/{account_id}/favorite",
        json={**creds, "media_type": "movie", "media_id": MOVIE.id, "favorite": True},
    )
    assert favorite.status_code == 201, favorite.text
    rated = server.client.post(f"/3/movie/{MOVIE.id}/rating", json={**creds, "value": 8})
    assert rated.status_code == 201, rated.text
    unrated = server.client.request("DELETE", f"/3/movie/{MOVIE.id}/rating", json=creds)
    assert unrated.status_code == 200, unrated.text
    # A form body: values arrive as text ("true", "550", "6.5") and are read as such.
    form = {**creds, "media_type": "tv", "media_id": str(SHOW.id), "watchlist": "true"}
    assert server.client.post(f"/3/account/{alice.id}/watchlist", data=form).status_code == 201
    assert server.client.post(f"/3/tv/{SHOW.id}/rating", data={**creds, "value": "6.5"}).status_code == 201
    # The query wins over the body; a bad one is refused, not passed over for the body's.
    mixed = server.client.post(f"/3/tv/{SHOW.id}/rating", params={"session_id": "0" * 40}, json={**creds, "value": 5})
    assert error_of(mixed) == (401, 3)
    # A session_id that is given is checked, whatever its form; a valid Bearer token does not stand in.
    for given in (12345, "0" * 300, ["x"]):
        refused = server.client.post(f"/3/tv/{SHOW.id}/rating", headers=user.v4, json={"session_id": given, "value": 5})
        assert error_of(refused) == (401, 3), given
    # Without credentials anywhere: 401 / 7 first.
    assert error_of(server.client.post(f"/3/tv/{SHOW.id}/rating", json={"value": 5})) == (401, 7)

    # A v4 user access token as Bearer, no session_id: the v3 account routes act for its user.
    v4 = user.v4
    assert server.client.get("/3/account", headers=v4).json()["id"] == alice.id
    assert [
        r["id"] for r in server.client.get(f"/3/account/{alice.id}/favorite/movies", headers=v4).json()["results"]
    ] == [MOVIE.id]
    assert [
        (r["id"], r["rating"]) for r in server.client.get("/3/account/x/rated/tv", headers=v4).json()["results"]
    ] == [(SHOW.id, 6.5)]
    episodes = server.client.get(f"/3/account/{alice.id}/rated/tv/episodes", headers=v4)
    assert episodes.json() == {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
    marked = server.client.post(
        f"/3/account/{alice.id}/watchlist",
        headers=v4,
        json={"media_type": "movie", "media_id": MOVIE.id, "watchlist": True},
    )
    assert marked.status_code == 201
    # Logout of the v4 token ends it here too.
    server.client.request("DELETE", "/4/auth/access_token", headers=v4, json={"access_token": user.access_token})
    assert error_of(server.client.get("/3/account", headers=v4)) == (401, 35)

    # The app read token alone: GET /3/account names the app's owner; nothing else is the owner's.
    bob = server.create_user("bob")
    bobs_app = server.create_app(bob, "Bob's app")
    owner = server.client.get("/3/account", headers=bobs_app.headers)
    assert (owner.status_code, owner.json()["id"], owner.json()["username"]) == (200, bob.id, "bob")
    assert server.client.get(f"/3/account/{alice.id}", headers=bobs_app.headers).json()["id"] == bob.id
    for path in (
        f"/3/account/{bob.id}/favorite/movies",
        f"/3/account/{bob.id}/lists",
        f"/3/movie/{MOVIE.id}/account_states",
    ):
        assert error_of(server.client.get(path, headers=bobs_app.headers)) == (401, 3), path
    assert error_of(server.client.post(f"/3/movie/{MOVIE.id}/rating", headers=bobs_app.headers, json={"value": 5})) == (
        401,
        3,
    )
    write = {"media_type": "movie", "media_id": MOVIE.id, "favorite": True}
    assert error_of(server.client.post(f"/3/account/{bob.id}/favorite", headers=bobs_app.headers, json=write)) == (
        401,
        3,
    )
    assert error_of(server.client.post("/3/list", headers=bobs_app.headers, json={"name": "x"})) == (401, 3)


# --- the path id is trusted for nothing ----------------------------------------------------------------
READS = [
    "",
    "/favorite/movies",
    "/favorite/tv",
    "/watchlist/movies",
    "/watchlist/tv",
    "/rated/movies",
    "/rated/tv",
    "/lists",
]


# The catalog's shared figures: another account's rating or favorite moves them, by design.
SHARED_FIGURES = {"vote_average", "vote_count", "popularity"}


def _own(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return {**body, "results": [{k: v for k, v in r.items() if k not in SHARED_FIGURES} for r in body["results"]]}
    return body


def _state(server: LiveServer, who: V3User) -> dict[str, Any]:
    """Everything an account has, read with its own session and its own id (without shared figures)."""
    return {
        route: _own(
            server.client.get(
                f"/3/account/{who.account.id}{route}", headers=who.creds.headers, params=who.params
            ).json()
        )
        for route in READS
    }


def test_no_combination_reaches_another_account(
    server: LiveServer, app_creds: AppCreds, alice: Any, titles: Any
) -> None:
    a = sign_in_v3(server, alice, app_creds)
    b = sign_in_v3(server, server.create_user("bob"), server.create_app(alice, "Second app"))
    for who, value in ((a, 9), (b, 3)):
        for kind in ("favorite", "watchlist"):
            body = {"media_type": "movie", "media_id": MOVIE.id, kind: True}
            server.client.post(
                f"/3/account/{who.account.id}/{kind}", headers=who.creds.headers, params=who.params, json=body
            )
        server.client.post(
            f"/3/movie/{MOVIE.id}/rating", headers=who.creds.headers, params=who.params, json={"value": value}
        )
    server.client.post("/3/list", headers=a.creds.headers, params=a.params, json={"name": "A's"})
    before = {"a": _state(server, a), "b": _state(server, b)}
    assert before["a"]["/rated/movies"]["results"][0]["rating"] == 9
    assert before["b"]["/rated/movies"]["results"][0]["rating"] == 3

    path_ids = [str(a.account.id), a.account.object_id, str(b.account.id), b.account.object_id, "{account_id}", "abc"]

    def credentials(who: V3User, other: V3User) -> list[tuple[str, dict[str, Any]]]:
        """Every way `who` can call, including mixes with the other account's ids and app."""
        return [
            ("session", {"headers": who.creds.headers, "params": who.params}),
            ("session by api_key", {"params": {**who.params, "api_key": who.creds.app.api_key}}),
            ("session in body", {"json_creds": {"api_key": who.creds.app.api_key, "session_id": who.session_id}}),
            ("user token", {"headers": who.v4}),
            ("user token, other's app key", {"headers": who.v4, "params": {"api_key": other.creds.app.api_key}}),
        ]

    # Every route under every path id with a session; every credential under every path id on the
    # routes whose answers differ between the two accounts (details, ratings, lists).
    for who, other, name in ((a, b, "a"), (b, a, "b")):
        own = before[name]
        cases = [(label, kwargs, route) for label, kwargs in credentials(who, other)[:1] for route in READS]
        cases += [
            (label, kwargs, route)
            for label, kwargs in credentials(who, other)[1:]
            for route in ("", "/rated/movies", "/lists")
        ]
        for label, kwargs, route in cases:
            for path_id in path_ids:
                response = _call(server, "GET", f"/3/account/{path_id}{route}", kwargs)
                assert response.status_code == 200, (label, path_id, route, response.text)
                assert _own(response.json()) == own[route], (label, path_id, route)
    # Writes through any path id land on the caller's own account: each removes the caller's own
    # favorite, and the other account is untouched.
    for who, other in ((a, b), (b, a)):
        other_before = _state(server, other)
        for path_id in (str(other.account.id), other.account.object_id, "{account_id}"):
            for label, kwargs in credentials(who, other):
                body = {"media_type": "movie", "media_id": MOVIE.id, "favorite": False}
                response = _call(server, "POST", f"/3/account/{path_id}/favorite", kwargs, body)
                assert response.status_code == 200, (label, path_id, response.text)
        assert _state(server, other) == other_before
        assert _state(server, who)["/favorite/movies"]["total_results"] == 0
    # A session of one app is refused with the other app's credential (sessions are bound to their app).
    crossed = server.client.get("/3/account", headers=b.creds.headers, params=a.params)
    assert error_of(crossed) == (401, 3)
    assert error_of(server.client.get("/3/account", headers=a.v4, params=b.params)) == (401, 3)
    after = {"a": _state(server, a), "b": _state(server, b)}
    for name in ("a", "b"):
        for route in READS:
            if route != "/favorite/movies":
                assert after[name][route] == before[name][route], (name, route)


def _call(server: LiveServer, method: str, path: str, kwargs: dict[str, Any], body: Any = None) -> httpx.Response:
    kwargs = dict(kwargs)
    json_creds = kwargs.pop("json_creds", None)
    if json_creds is not None:
        if method == "GET":
            # Reads take credentials from the query: a GET has no body.
            kwargs["params"] = json_creds
        else:
            body = {**json_creds, **(body or {})}
    if body is not None:
        kwargs["json"] = body
    return server.client.request(method, path, **kwargs)


def test_legacy_append_names(server: LiveServer, app_creds: AppCreds, titles: Any) -> None:
    response = server.client.get(
        f"/3/movie/{MOVIE.id}",
        headers=app_creds.headers,
        params={"append_to_response": "videos,trailers,images,casts,translations,keywords,release_dates"},
    )
    body = response.json()
    assert body["casts"] == {"cast": [], "crew": []}
    assert body["trailers"] == {"quicktime": [], "youtube": []}
    assert body["videos"] == {"results": []}
    plain = server.client.get(f"/3/movie/{MOVIE.id}", headers=app_creds.headers).json()
    assert "casts" not in plain and "trailers" not in plain
