"""v3 sessions over real HTTP on both engines: convert/4, the classic flow, logout, and every refusal."""

from __future__ import annotations

import hashlib
import re
import time

import httpx
from sqlalchemy import select

from filmshelf.accounts import users
from filmshelf.storage.tables import v3_request_tokens, v3_sessions
from tests.accounts.support import convert, error_of, sign_in_v3
from tests.conftest import AppCreds, LiveServer, bearer

HEX40 = re.compile(r"[0-9a-f]{40}")
CONVERT_REFUSED = {
    "success": False,
    "failure": True,
    "status_code": 36,
    "status_message": "This token hasn't been granted write permission by the user.",
}


def account_status(server: LiveServer, creds: AppCreds, session_id: str) -> int:
    return server.client.get("/3/account", headers=creds.headers, params={"session_id": session_id}).status_code


# --- POST /3/authentication/session/convert/4 ------------------------------------------------------
def test_convert_gives_a_working_session(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    token = server.sign_in(alice, app_creds)
    response = convert(server, app_creds, token)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"success", "session_id"} and body["success"] is True
    assert HEX40.fullmatch(body["session_id"])
    details = server.client.get("/3/account", headers=app_creds.headers, params={"session_id": body["session_id"]})
    assert details.status_code == 200 and details.json()["id"] == alice.id
    # The user's own token works as the app credential too; each conversion is a new session.
    second = server.client.post(
        "/3/authentication/session/convert/4", headers=bearer(token), json={"access_token": token}
    )
    assert second.status_code == 200 and HEX40.fullmatch(second.json()["session_id"])
    assert second.json()["session_id"] != body["session_id"]

    async def stored() -> set[str]:
        async with server.services.db.read() as conn:
            return {row.session_hash for row in await conn.rows(select(v3_sessions.c.session_hash))}

    # Only SHA-256 digests are stored, never the session ids.
    assert server.call(stored()) == {
        hashlib.sha256(sid.encode()).hexdigest() for sid in (body["session_id"], second.json()["session_id"])
    }


def test_convert_refusals(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    for given in (app_creds.read_token, "not-a-token", ""):
        response = convert(server, app_creds, given)
        assert response.status_code == 401, given
        assert response.json() == CONVERT_REFUSED

    revoked = server.sign_in(alice, app_creds)
    logout = server.client.request(
        "DELETE", "/4/auth/access_token", headers=app_creds.headers, json={"access_token": revoked}
    )
    assert logout.status_code == 200
    assert error_of(convert(server, app_creds, revoked)) == (401, 35)

    other_apps_token = server.sign_in(alice, server.create_app(alice, "Other app"))
    assert error_of(convert(server, app_creds, other_apps_token)) == (401, 35)

    token = server.sign_in(alice, app_creds)
    no_credentials = server.client.post("/3/authentication/session/convert/4", json={"access_token": token})
    assert error_of(no_credentials) == (401, 7)
    no_field = server.client.post("/3/authentication/session/convert/4", headers=app_creds.headers, json={})
    assert error_of(no_field) == (400, 47)


# --- ending sessions -------------------------------------------------------------------------------
def test_revoking_the_v4_token_ends_the_session(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    user = sign_in_v3(server, alice, app_creds)
    other = sign_in_v3(server, alice, app_creds)
    assert account_status(server, app_creds, user.session_id) == 200
    logout = server.client.request(
        "DELETE", "/4/auth/access_token", headers=app_creds.headers, json={"access_token": user.access_token}
    )
    assert logout.status_code == 200
    response = server.client.get("/3/account", headers=app_creds.headers, params=user.params)
    assert error_of(response) == (401, 3)
    write = server.client.post(
        f"/3/account/{alice.id}/favorite",
        headers=app_creds.headers,
        params=user.params,
        json={"media_type": "movie", "media_id": 550, "favorite": True},
    )
    assert error_of(write) == (401, 3)
    # A session converted from another token lives on ...
    assert account_status(server, app_creds, other.session_id) == 200
    # ... until a password change revokes every token of the account.
    server.call(
        users.change_password(
            server.services.db,
            hasher=server.services.hasher,
            account_id=alice.id,
            password="a new horse battery",
            now=1.0,
        )
    )
    assert account_status(server, app_creds, other.session_id) == 401


def test_delete_session(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    user = sign_in_v3(server, alice, app_creds)
    other_app = server.create_app(alice, "Other app")
    # Another app cannot see or end it.
    assert account_status(server, other_app, user.session_id) == 401
    foreign = server.client.request(
        "DELETE", "/3/authentication/session", headers=other_app.headers, json={"session_id": user.session_id}
    )
    assert error_of(foreign) == (404, 37)
    assert account_status(server, app_creds, user.session_id) == 200

    response = server.client.request(
        "DELETE", "/3/authentication/session", headers=app_creds.headers, json={"session_id": user.session_id}
    )
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert account_status(server, app_creds, user.session_id) == 401
    for body in ({"session_id": user.session_id}, {}, {"session_id": "0" * 40}, {"session_id": ""}):
        again = server.client.request("DELETE", "/3/authentication/session", headers=app_creds.headers, json=body)
        assert error_of(again) == (404, 37), body
    # The v4 token it came from is untouched.
    assert convert(server, app_creds, user.access_token).status_code == 200


# --- the classic flow ----------------------------------------------------------------------------
def new_token(server: LiveServer, creds: AppCreds) -> str:
    response = server.client.get("/3/authentication/token/new", headers=creds.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["request_token"]
    return token


def validate(server: LiveServer, creds: AppCreds, **body: object) -> httpx.Response:
    return server.client.post("/3/authentication/token/validate_with_login", headers=creds.headers, json=body)


def new_session(server: LiveServer, creds: AppCreds, token: str) -> httpx.Response:
    return server.client.post("/3/authentication/session/new", headers=creds.headers, json={"request_token": token})


def login(token: str) -> dict[str, str]:
    return {"username": "alice", "password": "correct horse battery", "request_token": token}


def test_classic_flow_end_to_end(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    response = server.client.get("/3/authentication/token/new", headers=app_creds.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    token = body["request_token"]
    assert HEX40.fullmatch(token)
    expires_at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(server.clock.now() + 3600))
    assert body == {"success": True, "expires_at": expires_at, "request_token": token}

    server.clock.advance(60)
    validated = validate(server, app_creds, **login(token))
    assert validated.status_code == 200
    # The expiry does not move when the token is validated.
    assert validated.json() == {"success": True, "expires_at": expires_at, "request_token": token}

    created = new_session(server, app_creds, token)
    assert created.status_code == 200
    session_id = created.json()["session_id"]
    assert created.json() == {"success": True, "session_id": session_id} and HEX40.fullmatch(session_id)

    details = server.client.get("/3/account", headers=app_creds.headers, params={"session_id": session_id})
    assert details.status_code == 200 and details.json()["username"] == "alice"
    # A request token validates once and makes one session only.
    assert error_of(new_session(server, app_creds, token)) == (401, 33)
    assert error_of(validate(server, app_creds, **login(token))) == (401, 33)

    logout = server.client.request(
        "DELETE", "/3/authentication/session", headers=app_creds.headers, json={"session_id": session_id}
    )
    assert logout.status_code == 200 and logout.json() == {"success": True}
    assert account_status(server, app_creds, session_id) == 401

    async def stored() -> list[str]:
        async with server.services.db.read() as conn:
            return [row.token_hash for row in await conn.rows(select(v3_request_tokens.c.token_hash))]

    assert server.call(stored()) == [hashlib.sha256(token.encode()).hexdigest()]
    assert error_of(server.client.get("/3/authentication/token/new")) == (401, 7)


def test_validate_with_login_refusals(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    token = new_token(server, app_creds)
    missing = [
        {"password": "correct horse battery"},
        {"username": "alice"},
        {"username": "", "password": "correct horse battery"},
        {},
    ]
    for fields in missing:
        assert error_of(validate(server, app_creds, request_token=token, **fields)) == (400, 26), fields
    for username, password in [("alice", "wrong password here"), ("nobody", "correct horse battery")]:
        response = validate(server, app_creds, username=username, password=password, request_token=token)
        assert error_of(response) == (401, 30)
    unknown = dict(login(token), request_token="f" * 40)
    assert error_of(validate(server, app_creds, **unknown)) == (401, 33)
    no_token = {"username": "alice", "password": "correct horse battery"}
    assert error_of(validate(server, app_creds, **no_token)) == (401, 33)
    other_app = server.create_app(alice, "Other")
    assert error_of(validate(server, other_app, **login(token))) == (401, 33)
    server.clock.advance(3600)
    assert error_of(validate(server, app_creds, **login(token))) == (401, 33)
    # Before expiry the failures above did not spend the token.
    fresh = new_token(server, app_creds)
    assert validate(server, app_creds, **login(fresh)).status_code == 200


def test_validate_with_login_is_throttled(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    token = new_token(server, app_creds)
    for _ in range(5):
        response = validate(server, app_creds, username="alice", password="wrong password here", request_token=token)
        assert error_of(response) == (401, 30)
    # Locked now, even with the right password.
    locked = validate(server, app_creds, **login(token))
    assert error_of(locked) == (429, 25)
    assert int(locked.headers["retry-after"]) >= 1
    server.clock.advance(5)
    assert validate(server, app_creds, **login(token)).status_code == 200


def test_session_new_refusals(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    token = new_token(server, app_creds)
    assert error_of(new_session(server, app_creds, token)) == (401, 17)
    for unusable in ("e" * 40, ""):
        assert error_of(new_session(server, app_creds, unusable)) == (401, 33)
    assert validate(server, app_creds, **login(token)).status_code == 200
    other_app = server.create_app(alice, "Other")
    assert error_of(new_session(server, other_app, token)) == (401, 33)

    expired_new = new_token(server, app_creds)
    server.clock.advance(3601)
    assert error_of(new_session(server, app_creds, expired_new)) == (401, 33)
    assert error_of(new_session(server, app_creds, token)) == (401, 33)

    fresh = new_token(server, app_creds)
    assert validate(server, app_creds, **login(fresh)).status_code == 200
    assert new_session(server, app_creds, fresh).status_code == 200
