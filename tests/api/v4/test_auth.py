"""AUTH (v4) over real HTTP on both engines: request token, exchange, logout, and every refusal."""

from __future__ import annotations

import base64
import json
import re
import threading
from typing import Any

import httpx
import jwt
import pytest

from filmshelf.auth.tokens import Keys, TokenKind, sign
from tests.conftest import AppCreds, LiveServer, bearer

HEX24 = re.compile(r"[0-9a-f]{24}")


def claims_of(token: str) -> dict[str, Any]:
    """Decode a JWT payload without verifying (as a client would)."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def header_of(token: str) -> dict[str, Any]:
    head = token.split(".")[0]
    header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    return header


def error(response: httpx.Response) -> tuple[int, int]:
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["status_message"], str) and body["status_message"]
    return response.status_code, body["status_code"]


def exchange(server: LiveServer, creds: AppCreds, token: str) -> httpx.Response:
    return server.client.post("/4/auth/access_token", headers=creds.headers, json={"request_token": token})


def logout(server: LiveServer, headers: dict[str, str], token: str) -> httpx.Response:
    return server.client.request("DELETE", "/4/auth/access_token", headers=headers, json={"access_token": token})


# --- POST /4/auth/request_token ------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{}, {"json": {}}, {"content": b""}], ids=["no-body", "empty-object", "empty"])
def test_request_token_without_redirect(server: LiveServer, app_creds: AppCreds, kwargs: dict[str, Any]) -> None:
    response = server.client.post("/4/auth/request_token", headers=app_creds.headers, **kwargs)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"request_token", "status_code", "status_message", "success"}
    assert body["success"] is True and body["status_code"] == 1 and body["status_message"] == "Success."
    claims = claims_of(body["request_token"])
    assert header_of(body["request_token"]) == {"alg": "HS256"}
    assert set(claims) == {"aud", "nbf", "jti", "scopes", "version", "exp"}
    assert claims["aud"] == app_creds.app.api_key
    assert claims["nbf"] == server.clock.now() and isinstance(claims["nbf"], float)
    assert HEX24.fullmatch(claims["jti"])
    assert claims["scopes"] == ["pending_request_token"] and claims["version"] == 2
    assert claims["exp"] == int(claims["nbf"]) + 900 and isinstance(claims["exp"], int)


def test_request_token_carries_redirect_to(server: LiveServer, app_creds: AppCreds) -> None:
    token = server.request_token(app_creds, {"redirect_to": "https://www.themoviedb.org/"})
    assert claims_of(token)["redirect_to"] == "https://www.themoviedb.org/"


def test_request_token_accepts_v3_api_key(server: LiveServer, app_creds: AppCreds) -> None:
    response = server.client.post("/4/auth/request_token", params={"api_key": app_creds.app.api_key})
    assert response.status_code == 200
    assert claims_of(response.json()["request_token"])["aud"] == app_creds.app.api_key


def test_request_tokens_are_unique(server: LiveServer, app_creds: AppCreds) -> None:
    tokens = {claims_of(server.request_token(app_creds))["jti"] for _ in range(50)}
    assert len(tokens) == 50


@pytest.mark.parametrize(
    "headers,params",
    [
        ({}, {}),
        ({"Authorization": "Bearer not-a-jwt"}, {}),
        ({"Authorization": "Bearer a.b.c"}, {}),
        ({"Authorization": "Basic Zm9vOmJhcg=="}, {}),
        ({}, {"api_key": "0" * 32}),
        ({}, {"api_key": "x" * 5000}),
    ],
    ids=["none", "garbage", "malformed-jwt", "basic", "unknown-api-key", "huge-api-key"],
)
def test_request_token_refuses_bad_credentials(
    server: LiveServer, app_creds: AppCreds, headers: dict[str, str], params: dict[str, str]
) -> None:
    response = server.client.post("/4/auth/request_token", headers=headers, params=params)
    assert error(response) == (401, 7)
    assert response.json()["status_message"] == "Invalid API key: You must be granted a valid key."


def test_request_token_refuses_read_token_signed_elsewhere(server: LiveServer, app_creds: AppCreds) -> None:
    claims = claims_of(app_creds.read_token)
    foreign = sign(claims, Keys.derive("another-server-secret-" + "z" * 32), TokenKind.APP)
    response = server.client.post("/4/auth/request_token", headers=bearer(foreign))
    assert error(response) == (401, 7)


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "//evil.example/cb",
        "/relative/path",
        "relative",
        "https:\\\\evil.example",
        "https://good.example@evil.example/cb",
        "https://evil.example/cb\r\nSet-Cookie: x=1",
        "https://evil .example/",
        "HTTP://example.com/cb",
        "https:///nohost",
        "https://example.com/a/../b",
        "https://example.com/%2E%2E/b",
        "https://example.com/%252E%252E/b",
        "https://" + "a" * 2050 + ".example/",
        "",
        "myapp:",
    ],
)
def test_request_token_refuses_bad_redirect_to(server: LiveServer, app_creds: AppCreds, bad: str) -> None:
    response = server.client.post("/4/auth/request_token", headers=app_creds.headers, json={"redirect_to": bad})
    assert error(response) == (422, 5)
    assert response.json()["error_message"]


@pytest.mark.parametrize(
    "good",
    [
        "https://www.themoviedb.org/",
        "http://127.0.0.1:8080/callback",
        "http://localhost:3000/cb?state=1",
        "http://[::1]:9000/cb",
        "myapp://callback",
        "com.example.app:/oauth2redirect",
    ],
)
def test_request_token_accepts_app_callbacks(server: LiveServer, app_creds: AppCreds, good: str) -> None:
    token = server.request_token(app_creds, {"redirect_to": good})
    assert claims_of(token)["redirect_to"] == good


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"redirect_to": 5}', b'"x"'])
def test_request_token_bad_body_is_tmdb_error(server: LiveServer, app_creds: AppCreds, body: bytes) -> None:
    headers = {**app_creds.headers, "Content-Type": "application/json"}
    response = server.client.post("/4/auth/request_token", headers=headers, content=body)
    assert error(response) == (400, 47)


# --- POST /4/auth/access_token ---------------------------------------------------------------
def test_full_flow_gives_access_token(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    assert server.decide(token, alice, app_creds)
    response = exchange(server, app_creds, token)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "account_id", "status_code", "status_message", "success"}
    assert body["account_id"] == alice.object_id and body["status_code"] == 1 and body["success"] is True
    claims = claims_of(body["access_token"])
    assert claims["aud"] == app_creds.app.api_key and claims["sub"] == alice.object_id
    assert claims["scopes"] == ["api_read", "api_write"] and claims["version"] == 1
    assert HEX24.fullmatch(claims["jti"])
    assert set(claims) == {"aud", "sub", "scopes", "version", "jti", "nbf", "exp"}
    # The user token also authenticates the app on app-level calls.
    assert server.client.post("/4/auth/request_token", headers=bearer(body["access_token"])).status_code == 200


def test_exchange_before_approval_is_41(server: LiveServer, app_creds: AppCreds) -> None:
    token = server.request_token(app_creds)
    response = exchange(server, app_creds, token)
    assert error(response) == (422, 41)
    assert response.json()["status_message"] == "This request token hasn't been approved by the user."


def test_exchange_after_deny_is_33(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    assert server.decide(token, alice, app_creds, approve=False)
    assert error(exchange(server, app_creds, token)) == (401, 33)
    # A denied token cannot be approved afterwards.
    assert not server.decide(token, alice, app_creds, approve=True)
    assert error(exchange(server, app_creds, token)) == (401, 33)


def test_exchange_after_expiry_is_33(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    assert server.decide(token, alice, app_creds)
    server.clock.advance(901)
    response = exchange(server, app_creds, token)
    assert error(response) == (401, 33)
    assert response.json()["status_message"] == (
        "Invalid request token: The request token is either expired or invalid."
    )


def test_exchange_just_before_expiry_works(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    assert server.decide(token, alice, app_creds)
    server.clock.advance(899)
    assert exchange(server, app_creds, token).status_code == 200


def test_replayed_exchange_is_refused_and_revokes_first_token(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    token = server.request_token(app_creds)
    assert server.decide(token, alice, app_creds)
    first = exchange(server, app_creds, token)
    assert first.status_code == 200
    access = first.json()["access_token"]
    assert error(exchange(server, app_creds, token)) == (401, 33)
    # Reuse detection revoked the token minted by the first exchange (RFC 6749 §4.1.2).
    response = server.client.post("/4/auth/request_token", headers=bearer(access))
    assert error(response) == (401, 35)


def test_exchange_by_another_app_is_33_and_token_survives(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    other = server.create_app(alice, "Other app")
    token = server.request_token(app_creds)
    assert server.decide(token, alice, app_creds)
    assert error(exchange(server, other, token)) == (401, 33)
    assert exchange(server, app_creds, token).status_code == 200


@pytest.mark.parametrize("kind", ["garbage", "forged", "read-token", "other-kind-key", "alg-none"])
def test_exchange_of_unknown_or_forged_token_is_33(server: LiveServer, app_creds: AppCreds, kind: str) -> None:
    real = server.request_token(app_creds)
    claims = claims_of(real)
    if kind == "garbage":
        token = "nonsense"
    elif kind == "forged":
        token = sign(claims, Keys.derive("forger-secret-" + "f" * 40), TokenKind.REQUEST)
    elif kind == "read-token":
        # tmdbapis probes servers exactly like this on start-up and expects a refusal.
        token = app_creds.read_token
    elif kind == "other-kind-key":
        token = sign(claims, server.services.keys, TokenKind.ACCESS)
    else:
        token = jwt.encode(claims, key="", algorithm="none")
    assert error(exchange(server, app_creds, token)) == (401, 33)


@pytest.mark.parametrize(
    "body",
    [b"", b"{}", b'{"request_token": 5}', b"not json", b'{"request_token": null}'],
)
def test_exchange_bad_body_is_tmdb_error(server: LiveServer, app_creds: AppCreds, body: bytes) -> None:
    headers = {**app_creds.headers, "Content-Type": "application/json"}
    response = server.client.post("/4/auth/access_token", headers=headers, content=body)
    assert error(response) == (400, 47)


def test_exchange_needs_app_credentials(server: LiveServer, app_creds: AppCreds) -> None:
    token = server.request_token(app_creds)
    response = server.client.post("/4/auth/access_token", json={"request_token": token})
    assert error(response) == (401, 7)


def test_twenty_racing_exchanges_have_one_winner(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    for _round in range(3):
        token = server.request_token(app_creds)
        assert server.decide(token, alice, app_creds)
        barrier = threading.Barrier(20)
        results: list[httpx.Response] = []
        lock = threading.Lock()

        def race(token: str = token, barrier: threading.Barrier = barrier) -> None:
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                barrier.wait()
                response = client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
            with lock:
                results.append(response)

        threads = [threading.Thread(target=race) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(r.status_code for r in results)
        assert statuses == [200] + [401] * 19
        assert {r.json()["status_code"] for r in results if r.status_code == 401} == {33}


# --- DELETE /4/auth/access_token ---------------------------------------------------------------
def test_logout_with_app_token_revokes_everywhere(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    access = server.sign_in(alice, app_creds)
    response = logout(server, app_creds.headers, access)
    assert response.status_code == 200
    assert response.json() == {"success": True, "status_code": 1, "status_message": "Success."}
    assert error(server.client.post("/4/auth/request_token", headers=bearer(access))) == (401, 35)
    # Idempotent: a second logout answers the same.
    assert logout(server, app_creds.headers, access).json() == response.json()


def test_logout_with_user_token_as_bearer(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    access = server.sign_in(alice, app_creds)
    first = logout(server, bearer(access), access)
    assert first.status_code == 200 and first.json()["success"] is True
    again = logout(server, bearer(access), access)
    assert again.status_code == 200 and again.json() == first.json()
    assert error(server.client.post("/4/auth/request_token", headers=bearer(access))) == (401, 35)


def test_logout_leaves_other_sessions(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    first = server.sign_in(alice, app_creds)
    second = server.sign_in(alice, app_creds)
    assert logout(server, app_creds.headers, first).status_code == 200
    assert server.client.post("/4/auth/request_token", headers=bearer(second)).status_code == 200


def test_other_app_cannot_revoke(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    other = server.create_app(alice, "Other app")
    access = server.sign_in(alice, app_creds)
    assert error(logout(server, other.headers, access)) == (401, 35)
    assert server.client.post("/4/auth/request_token", headers=bearer(access)).status_code == 200


def test_logout_of_garbage_token_is_35(server: LiveServer, app_creds: AppCreds) -> None:
    assert error(logout(server, app_creds.headers, "garbage")) == (401, 35)


def test_logout_bad_body_is_json_error(server: LiveServer, app_creds: AppCreds) -> None:
    response = server.client.request("DELETE", "/4/auth/access_token", headers=app_creds.headers)
    assert error(response) == (400, 47)


def test_access_token_expires_after_its_lifetime(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    access = server.sign_in(alice, app_creds)
    server.clock.advance(364 * 24 * 3600)
    assert server.client.post("/4/auth/request_token", headers=bearer(access)).status_code == 200
    server.clock.advance(2 * 24 * 3600)
    assert error(server.client.post("/4/auth/request_token", headers=bearer(access))) == (401, 35)


def test_password_change_revokes_tokens(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    from filmshelf.accounts.users import change_password

    access = server.sign_in(alice, app_creds)
    server.call(
        change_password(
            server.services.db,
            hasher=server.services.hasher,
            account_id=alice.id,
            password="a brand new passphrase",
            now=1.0,
        )
    )
    assert error(server.client.post("/4/auth/request_token", headers=bearer(access))) == (401, 35)


def test_a_users_token_stops_working_while_its_apps_owner_is_disabled(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    # The token's account (carol) is fine; the app she approved belongs to alice. The app is read
    # with the token in one statement: a disabled owner must still end every call made through it.
    from filmshelf.accounts import users

    carol = server.create_user("carol")
    token = server.sign_in(carol, app_creds)
    lists_path = f"/4/account/{carol.object_id}/lists"
    assert server.client.get(lists_path, headers=bearer(token)).status_code == 200
    assert server.client.post("/4/list", headers=bearer(token), json={"name": "Before"}).status_code == 201

    def set_alice(disabled: bool) -> None:
        assert server.call(
            users.set_disabled(server.services.db, account_id=alice.id, disabled=disabled, now=server.clock.now())
        )

    set_alice(True)
    for refused in (
        server.client.get(lists_path, headers=bearer(token)),
        server.client.post("/4/list", headers=bearer(token), json={"name": "While"}),
    ):
        assert refused.status_code == 401, refused.text
        assert refused.json() == {"success": False, "status_code": 35, "status_message": "Invalid token."}
    set_alice(False)
    assert server.client.get(lists_path, headers=bearer(token)).status_code == 200
