"""The public API's transport rules: CORS, JSON content type, Cache-Control, form bodies.

The rules are pure functions tested without a server; one server test (SQLite: nothing here
touches the database engine) checks that they reach the wire, and that pages stay closed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from filmshelf.api.public_api import CATALOG_CACHE, NO_STORE, cache_control, form_as_json, is_api_path, is_preflight
from tests.conftest import AppCreds, LiveServer, bearer


def test_cache_control_rules() -> None:
    public = [
        ("GET", "/3/movie/550", ""),
        ("GET", "/3/movie/550", "append_to_response=videos,casts&language=en-US"),
        ("GET", "/3/tv/1399", ""),
        ("GET", "/3/search/movie", "query=fight"),
        ("GET", "/3/configuration", ""),
        ("GET", "/3/configuration/languages", ""),
        ("GET", "/3/genre/movie/list", ""),
        ("GET", "/3/discover/movie", "page=2"),
        ("GET", "/3/trending/movie/day", ""),
        ("HEAD", "/3/movie/550", ""),
    ]
    for method, path, query in public:
        assert cache_control(method, path, query, 200) == CATALOG_CACHE, (method, path, query)
    private = [
        ("GET", "/3/movie/550", "", 404),  # errors are never cached
        ("GET", "/3/movie/550", "", 401),
        ("GET", "/3/movie/550/account_states", "", 200),
        ("GET", "/3/tv/1399/account_states/", "", 200),
        ("GET", "/3/tv/1399/season/1/episode/1/account_states", "", 200),
        ("GET", "/3/movie/550", "append_to_response=account_states&session_id=abc", 200),
        ("GET", "/3/movie/550", "guest_session_id=abc", 200),
        ("POST", "/3/movie/550/rating", "", 201),
        ("DELETE", "/3/movie/550/rating", "", 200),
        ("GET", "/3/account", "session_id=abc", 200),
        ("GET", "/3/account/1/favorite/movies", "", 200),
        ("GET", "/3/authentication/token/new", "", 200),
        ("GET", "/3/authentication", "", 200),
        ("GET", "/3/list/1", "", 200),
        ("GET", "/3/guest_session/abc/rated/movies", "", 200),
        ("GET", "/4/list/1", "", 200),
        ("GET", "/4/account/abc/movie/favorites", "", 200),
        ("POST", "/4/auth/request_token", "", 200),
        ("GET", "/3", "", 200),
    ]
    for method, path, query, status in private:
        assert cache_control(method, path, query, status) == NO_STORE, (method, path, query, status)


def test_request_rules() -> None:
    assert is_api_path("/3/movie/550") and is_api_path("/4/list/1")
    for page in ("/auth/access", "/authenticate/abc", "/login", "/", "/openapi.json", "/3", "/30/x"):
        assert not is_api_path(page), page
    assert is_preflight("OPTIONS", [(b"origin", b"http://a"), (b"access-control-request-method", b"POST")])
    assert not is_preflight("OPTIONS", [(b"origin", b"http://a")])
    assert not is_preflight("GET", [(b"access-control-request-method", b"POST")])
    assert json.loads(form_as_json(b"a=1&b=x+y&a=2&empty=&caf%C3%A9=%E2%9C%93")) == {
        "a": "1",
        "b": "x y",
        "empty": "",
        "café": "✓",
    }
    assert json.loads(form_as_json(b"")) == {}


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_headers_on_the_wire(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    origin = {"Origin": "https://app.example"}
    # Preflights for what browser clients send, on known and unknown API paths alike.
    for path, method in (
        ("/3/movie/550", "GET"),
        ("/4/list/1/items", "DELETE"),
        ("/3/list", "POST"),
        ("/3/nope", "PUT"),
    ):
        response = server.client.options(
            path,
            headers={
                **origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert response.status_code == 204, path
        assert response.headers["access-control-allow-origin"] == "*"
        assert method in response.headers["access-control-allow-methods"]
        allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
        assert {"authorization", "content-type"} <= allowed
        assert "access-control-allow-credentials" not in response.headers
        assert response.content == b""

    catalog = server.client.get("/3/movie/550", headers={**origin, **app_creds.headers})
    assert catalog.status_code == 200
    assert catalog.headers["content-type"] == "application/json;charset=utf-8"
    assert catalog.headers["cache-control"] == "public, max-age=300"
    assert catalog.headers["vary"] == "Authorization"
    assert catalog.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in catalog.headers
    configuration = server.client.get("/3/configuration", headers=app_creds.headers)
    assert configuration.headers["cache-control"] == "public, max-age=300"

    # Errors: readable cross-origin, JSON with charset, never cached (also Litestar's own 404/405).
    for response in (
        server.client.get("/3/movie/550", headers=origin),
        server.client.get("/3/movie/999999999", headers=app_creds.headers),
        server.client.get("/3/no/such/path", headers=origin),
        server.client.put("/3/movie/550", headers=app_creds.headers),
    ):
        assert response.status_code in (401, 404, 405), response.request.url
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["content-type"] == "application/json;charset=utf-8"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["access-control-expose-headers"] == "Retry-After"

    # Account and auth answers stay no-store.
    token = server.client.post("/4/auth/request_token", headers={**origin, **app_creds.headers})
    assert (token.headers["cache-control"], token.headers["access-control-allow-origin"]) == ("no-store", "*")
    access = server.sign_in(alice, app_creds)
    account = server.client.get("/3/account", headers=bearer(access))
    assert (account.status_code, account.headers["cache-control"]) == (200, "no-store")
    v4 = server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(access))
    assert (v4.headers["cache-control"], v4.headers["content-type"]) == ("no-store", "application/json;charset=utf-8")

    # Pages keep their strict policy and are never readable cross-origin.
    pending = server.request_token(app_creds)
    for page in (
        server.client.get("/auth/access", params={"request_token": pending}, headers=origin),
        server.client.get("/login", headers=origin),
    ):
        assert "access-control-allow-origin" not in page.headers, page.request.url
        assert page.headers["x-frame-options"] == "DENY", page.request.url
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    preflight = server.client.options("/auth/access", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
