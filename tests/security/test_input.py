"""Hostile input that once gave 500s or dropped connections (issue 9 §1.6-1.8).

Deeply nested JSON and bad `next` values are refused the same way on either engine, so those
run on SQLite only; NUL bytes and oversized session cookies broke PostgreSQL only, so those run
on both engines.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from filmshelf.errors import STATUS
from tests.conftest import AppCreds, LiveServer

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def error_of(response: httpx.Response) -> tuple[int, int]:
    body = response.json()
    assert body["success"] is False and body["status_message"] == STATUS[body["status_code"]].message, body
    return response.status_code, body["status_code"]


# --- §1.6: JSON nested ~1000 deep ---------------------------------------------------------------------
DEEP = b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b"}"
DEEP_OBJECTS = b'{"a":' * 1000 + b"1" + b"}" * 1000
JSON_ROUTES = [
    ("POST", "/4/auth/request_token"),
    ("POST", "/4/auth/access_token"),
    ("DELETE", "/4/auth/access_token"),
    ("POST", "/4/list"),
    ("PUT", "/4/list/1"),
    ("POST", "/4/list/1/items"),
    ("POST", "/3/authentication/token/validate_with_login"),
    ("POST", "/3/authentication/session/new"),
    ("POST", "/3/authentication/session/convert/4"),
    ("DELETE", "/3/authentication/session"),
    ("POST", "/3/account/1/favorite"),
    ("POST", "/3/movie/550/rating"),
]


@SQLITE_ONLY
def test_deeply_nested_json_is_400_47(server: LiveServer) -> None:
    for method, path in JSON_ROUTES:
        for body in (DEEP, DEEP_OBJECTS):
            assert len(body) < 8 * 1024
            headers = {"Content-Type": "application/json"}
            response = server.client.request(method, path, content=body, headers=headers)
            assert error_of(response) == (400, 47), (path, response.text)
            assert response.json()["error_message"] == "JSON nested too deeply"


@SQLITE_ONLY
def test_deeply_nested_json_with_credentials_is_400_47(server: LiveServer, app_creds: AppCreds) -> None:
    response = server.client.post(
        "/4/auth/request_token", content=DEEP, headers={**app_creds.headers, "Content-Type": "application/json"}
    )
    assert error_of(response) == (400, 47)
    # Nesting that is merely deep (but sane) is still decoded normally.
    sane = b'{"redirect_to": "myapp://cb", "extra": ' + b"[" * 50 + b"]" * 50 + b"}"
    ok = server.client.post(
        "/4/auth/request_token", content=sane, headers={**app_creds.headers, "Content-Type": "application/json"}
    )
    assert ok.status_code == 200, ok.text


# --- §1.7: `next` on the sign-in form ------------------------------------------------------------------
BAD_NEXT = [
    "/\r\nSet-Cookie: evil=1",
    "/\n",
    "/\r",
    "/\x00",
    "/\x01x",
    "/\x1b[31m",
    "/\x7f",
    "/\t",
    "/a b",
    "/caf\u00e9",
    "/\u2028",
    "/\u0100",
    "/\U0001f600",
    "/\ud800",
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/" + "a" * 3000,
    "",
    "javascript:alert(1)",
]


def browser(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30)


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


def post_login(client: httpx.Client, password: str, next_value: str) -> httpx.Response:
    token = csrf_of(client.get("/login"))
    form = {"username": "alice", "password": password, "next": next_value, "_csrf_token": token}
    # Encoded by hand: surrogates cannot be UTF-8 encoded, so they go as their escape.
    body = "&".join(
        f"{key}={httpx.QueryParams({key: value}).__str__().split('=', 1)[1]}"
        if "\ud800" not in value
        else f"{key}=%2F%ED%A0%80"
        for key, value in form.items()
    )
    return client.post("/login", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})


@SQLITE_ONLY
def test_bad_next_goes_home(server: LiveServer, alice: Any) -> None:
    for next_value in BAD_NEXT:
        server.clock.advance(3601)  # a quiet hour: the throttle forgets the wrong password below
        with browser(server) as client:
            refused = post_login(client, "wrong password here", next_value)
            assert refused.status_code == 401, repr(next_value)
            assert 'name="next" value="/"' in refused.text, repr(next_value)
            accepted = post_login(client, PASSWORD, next_value)
            assert accepted.status_code == 303, (repr(next_value), accepted.text)
            assert accepted.headers["location"] == "/", repr(next_value)
            if "\ud800" in next_value:
                continue
            page = client.get("/login", params={"next": next_value})
            if "\x00" in next_value:  # the front door refuses NUL in any query string
                assert error_of(page) == (400, 47)
            else:
                assert page.status_code == 200 and 'name="next" value="/"' in page.text, repr(next_value)


@SQLITE_ONLY
def test_good_next_is_kept(server: LiveServer, alice: Any) -> None:
    target = "/auth/access?request_token=abc.DEF-123_x%2Fy"
    with browser(server) as client:
        response = post_login(client, PASSWORD, target)
    assert response.status_code == 303 and response.headers["location"] == target


# --- §1.8: NUL and oversized values on their way to SQL ------------------------------------------------
ODD_USERNAMES = ["ali\x00ce", "\x00", "alice\x00", "a" * 200, "alice ", "al\u0131ce"]


def test_odd_usernames_on_the_sign_in_page(server: LiveServer, alice: Any) -> None:
    for username in ODD_USERNAMES:
        with browser(server) as client:
            token = csrf_of(client.get("/login"))
            response = client.post(
                "/login", data={"username": username, "password": PASSWORD, "next": "/", "_csrf_token": token}
            )
        assert response.status_code == 401, (username, response.text)
        assert "Invalid username or password." in response.text


def test_odd_usernames_in_validate_with_login(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.client.get("/3/authentication/token/new", headers=app_creds.headers).json()["request_token"]
    for username in ODD_USERNAMES:
        response = server.client.post(
            "/3/authentication/token/validate_with_login",
            headers=app_creds.headers,
            json={"username": username, "password": PASSWORD, "request_token": token},
        )
        assert error_of(response) == (401, 30), username
    # The token is still usable with the right login.
    ok = server.client.post(
        "/3/authentication/token/validate_with_login",
        headers=app_creds.headers,
        json={"username": "alice", "password": PASSWORD, "request_token": token},
    )
    assert ok.status_code == 200, ok.text


ODD_COOKIES = ["a" * 129, "f" * 64 + "0" * 200, "%00", "abc%00def", "0" * 63 + "%00", "\u00e9" * 10, "null", "F" * 64]


def test_odd_session_cookies_are_no_session(server: LiveServer, alice: Any) -> None:
    for cookie in ODD_COOKIES:
        odd_session_cookie_is_no_session(server, cookie)


def odd_session_cookie_is_no_session(server: LiveServer, cookie: str) -> None:
    sent = {b"Cookie": f"filmshelf_session={cookie}".encode("latin-1")}
    for path in ("/", "/login", "/auth/access/approve"):
        response = server.client.get(path, headers=sent)
        assert response.status_code == 200, (path, response.text)
        assert "Signed in as" not in response.text
    # A sign-in from a browser holding such a cookie works and replaces it.
    with browser(server) as client:
        form = client.get("/login", headers=sent)
        csrf_cookie = form.cookies["filmshelf_csrf"]
        headers = {b"Cookie": f"filmshelf_session={cookie}; filmshelf_csrf={csrf_cookie}".encode("latin-1")}
        client.cookies.clear()
        response = client.post(
            "/login",
            data={"username": "alice", "password": PASSWORD, "next": "/", "_csrf_token": csrf_of(form)},
            headers=headers,
        )
        assert response.status_code == 303, response.text
        session = response.cookies["filmshelf_session"]
        assert session != cookie
        client.cookies.clear()
        home = client.get("/", headers={"Cookie": f"filmshelf_session={session}"})
        assert "Signed in as" in home.text
