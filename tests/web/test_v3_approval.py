"""The v3 approval page `/authenticate/{request_token}` over real HTTP: sign-in, Allow / Deny, what
`session/new` does afterwards, CSRF, redirect rules, headers, expiry, other apps' tokens.

The Allow and Deny round trips (the compare-and-set in storage) run on both engines; the page
rules that do not depend on the engine run on SQLite only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from filmshelf.auth.v3_approval import callback_url
from tests.conftest import AppCreds, LiveServer
from tests.web.test_pages import PASSWORD, assert_page_headers, browser, csrf_of, sign_in

SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
CALLBACK = "https://app.example/cb?state=s1"


def v3_token(server: LiveServer, creds: AppCreds) -> str:
    response = server.client.get("/3/authentication/token/new", headers=creds.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["request_token"]
    return token


def page_url(token: str, redirect_to: str | None = None) -> str:
    return f"/authenticate/{token}" + (f"?redirect_to={quote(redirect_to, safe='')}" if redirect_to else "")


def new_session(server: LiveServer, creds: AppCreds, token: str) -> httpx.Response:
    return server.client.post("/3/authentication/session/new", headers=creds.headers, json={"request_token": token})


def decide(client: httpx.Client, token: str, decision: str, redirect_to: str | None = None) -> httpx.Response:
    form = client.get(page_url(token, redirect_to))
    assert form.status_code == 200, form.text
    data = {"decision": decision, "redirect_to": redirect_to or "", "_csrf_token": csrf_of(form)}
    return client.post(f"/authenticate/{token}", data=data)


def test_allow_after_sign_in_lands_on_redirect_and_makes_a_session(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    token = v3_token(server, app_creds)
    with browser(server) as client:
        first = client.get(page_url(token, CALLBACK))
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=" + quote(page_url(token, CALLBACK), safe="")
        login = sign_in(client, next_path=page_url(token, CALLBACK))
        assert login.status_code == 303 and login.headers["location"] == page_url(token, CALLBACK)
        form = client.get(login.headers["location"])
        assert form.status_code == 200
        assert_page_headers(form)
        assert form.headers["cache-control"] == "no-store"
        assert "Alice&#39;s app" in form.text or "Alice's app" in form.text
        assert "https://app.example" in form.text  # the user sees where the decision leads
        # Not decided yet: the app cannot make a session (17: the token exists but was not approved).
        assert new_session(server, app_creds, token).json()["status_code"] == 17
        decision = client.post(
            f"/authenticate/{token}",
            data={"decision": "allow", "redirect_to": CALLBACK, "_csrf_token": csrf_of(form)},
        )
    assert decision.status_code == 303  # never 307/308: the form is not replayed to the app
    assert decision.headers["location"] == f"{CALLBACK}&request_token={token}&approved=true"
    created = new_session(server, app_creds, token)
    assert created.status_code == 200, created.text
    session_id = created.json()["session_id"]
    account = server.client.get("/3/account", headers=app_creds.headers, params={"session_id": session_id})
    assert account.status_code == 200 and account.json()["username"] == "alice"
    # One token, one session.
    assert new_session(server, app_creds, token).json()["status_code"] == 33


def test_deny_redirects_with_denied_and_the_token_never_makes_a_session(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    token = v3_token(server, app_creds)
    with browser(server) as client:
        sign_in(client)
        decision = decide(client, token, "deny", "myapp://callback")
        assert decision.status_code == 303
        assert decision.headers["location"] == f"myapp://callback?request_token={token}&denied=true"
        again = client.get(page_url(token))
        assert again.status_code == 409 and 'name="decision"' not in again.text
    refused = new_session(server, app_creds, token)
    assert refused.status_code == 401 and refused.json()["status_code"] == 33
    login = server.client.post(
        "/3/authentication/token/validate_with_login",
        headers=app_creds.headers,
        json={"username": "alice", "password": PASSWORD, "request_token": token},
    )
    assert login.status_code == 401 and login.json()["status_code"] == 33


@SQLITE_ONLY
def test_without_redirect_to_the_decision_shows_a_page_here(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    allowed, denied = v3_token(server, app_creds), v3_token(server, app_creds)
    with browser(server) as client:
        sign_in(client)
        first = decide(client, allowed, "allow")
        assert first.status_code == 303 and first.headers["location"] == "/authenticate/allow"
        shown = client.get("/authenticate/allow")
        assert shown.status_code == 200 and "Access allowed" in shown.text
        assert_page_headers(shown)
        second = decide(client, denied, "deny")
        assert second.status_code == 303 and second.headers["location"] == "/authenticate/deny"
        assert "Access denied" in client.get("/authenticate/deny").text
    assert new_session(server, app_creds, allowed).status_code == 200
    assert new_session(server, app_creds, denied).json()["status_code"] == 33


@SQLITE_ONLY
def test_expired_unknown_and_already_validated_tokens_show_an_error_not_the_form(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    validated = v3_token(server, app_creds)
    login = server.client.post(
        "/3/authentication/token/validate_with_login",
        headers=app_creds.headers,
        json={"username": "alice", "password": PASSWORD, "request_token": validated},
    )
    assert login.status_code == 200
    token = v3_token(server, app_creds)
    with browser(server) as client:
        sign_in(client)
        form = client.get(page_url(token))
        assert form.status_code == 200
        for unknown in [token[:-4] + "0000", "x" * 300, "%3Cscript%3E"]:
            answer = client.get(f"/authenticate/{unknown}")
            assert answer.status_code == 404 and 'name="decision"' not in answer.text
        decided = client.get(page_url(validated))
        assert decided.status_code == 409 and 'name="decision"' not in decided.text
        server.clock.advance(3601)  # v3 request tokens live 60 minutes
        expired = client.get(page_url(token))
        assert expired.status_code == 400 and "expired" in expired.text
        late = client.post(f"/authenticate/{token}", data={"decision": "allow", "_csrf_token": csrf_of(form)})
        assert late.status_code == 400 and "expired" in late.text
    assert new_session(server, app_creds, token).json()["status_code"] == 33


def test_another_apps_token_serves_only_that_app(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    bob = server.create_user("bob")
    other = server.create_app(bob, "Bob's app")
    token = v3_token(server, other)
    with browser(server) as client:
        sign_in(client)
        form = client.get(page_url(token))
        assert "Bob&#39;s app" in form.text or "Bob's app" in form.text  # the page names the app that asked
        assert decide(client, token, "allow").status_code == 303
    stolen = new_session(server, app_creds, token)
    assert stolen.status_code == 401 and stolen.json()["status_code"] == 33
    created = new_session(server, other, token)
    assert created.status_code == 200
    account = server.client.get(
        "/3/account", headers=other.headers, params={"session_id": created.json()["session_id"]}
    )
    assert account.json()["username"] == "alice"  # the approving account, not the app's owner


@SQLITE_ONLY
def test_csrf_sign_in_and_decision_are_required(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = v3_token(server, app_creds)
    with browser(server) as anonymous:
        form = anonymous.get("/login")
        refused = anonymous.post(f"/authenticate/{token}", data={"decision": "allow", "_csrf_token": csrf_of(form)})
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login?next=")
    with browser(server) as client:
        sign_in(client)
        client.get(page_url(token))
        assert client.post(f"/authenticate/{token}", data={"decision": "allow"}).status_code == 403
        forged = client.post(f"/authenticate/{token}", data={"decision": "allow", "_csrf_token": "forged"})
        assert forged.status_code == 403
        form = client.get(page_url(token))
        nothing = client.post(f"/authenticate/{token}", data={"decision": "yes", "_csrf_token": csrf_of(form)})
        assert nothing.status_code == 400
        # A GET never decides, whatever its query says.
        client.get(page_url(token) + "&decision=allow")
        client.get(f"/authenticate/{token}?decision=allow&approved=true")
    assert new_session(server, app_creds, token).json()["status_code"] == 17


@SQLITE_ONLY
def test_redirect_to_follows_the_v4_rules(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = v3_token(server, app_creds)
    refused = [
        "javascript:alert(1)",
        "//evil.example/cb",
        "https://user@evil.example/",
        "/relative",
        "HTTPS://x.example/",
    ]
    with browser(server) as client:
        sign_in(client)
        for redirect_to in refused:
            shown = client.get(page_url(token, redirect_to))
            assert shown.status_code == 400 and 'name="decision"' not in shown.text, redirect_to
            # A form posted with a bad redirect_to (a tampered hidden field) decides nothing.
            form = client.get(page_url(token))
            posted = client.post(
                f"/authenticate/{token}",
                data={"decision": "allow", "redirect_to": redirect_to, "_csrf_token": csrf_of(form)},
            )
            assert posted.status_code == 400 and "location" not in posted.headers, redirect_to
    assert new_session(server, app_creds, token).json()["status_code"] == 17


@SQLITE_ONLY
def test_sign_in_on_the_way_is_throttled_with_the_api_login(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    # Failures through validate_with_login and through the sign-in form share one counter.
    for i in range(3):
        spent = v3_token(server, app_creds)
        server.client.post(
            "/3/authentication/token/validate_with_login",
            headers=app_creds.headers,
            json={"username": "alice", "password": f"wrong {i} password", "request_token": spent},
        )
    token = v3_token(server, app_creds)
    with browser(server) as client:
        target = page_url(token, CALLBACK)
        statuses = [sign_in(client, "alice", f"bad {i} password", next_path=target).status_code for i in range(3)]
        assert statuses == [401, 401, 429]
        locked = sign_in(client, next_path=target)
        assert locked.status_code == 429 and quote(token) in locked.text  # the form still leads back here
        server.clock.advance(60)
        assert sign_in(client, next_path=target).headers["location"] == target


@SQLITE_ONLY
def test_revoked_app_token_cannot_be_decided(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    from filmshelf.storage.tables import apps

    token = v3_token(server, app_creds)

    async def revoke() -> None:
        from sqlalchemy import update

        async with server.services.db.write() as conn:
            await conn.run(update(apps).where(apps.c.id == app_creds.app.id).values(revoked_at=server.clock.now()))

    server.call(revoke())
    with browser(server) as client:
        sign_in(client)
        assert client.get(page_url(token)).status_code == 404


def test_callback_url_adds_tmdbs_parameters_before_the_fragment() -> None:
    token = "a" * 40
    assert callback_url("https://app.example/cb", token, allowed=True) == (
        f"https://app.example/cb?request_token={token}&approved=true"
    )
    assert callback_url("https://app.example/cb?x=1#top", token, allowed=False) == (
        f"https://app.example/cb?x=1&request_token={token}&denied=true#top"
    )
    assert callback_url("myapp://cb?", token, allowed=True) == f"myapp://cb?request_token={token}&approved=true"
    assert urlsplit(callback_url("com.example.app:/cb", token, allowed=True)).query == (
        f"request_token={token}&approved=true"
    )
