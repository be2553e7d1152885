"""Sign-in and approval pages over real HTTP: CSRF, 303s, headers, cookies, throttling."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import AppCreds, LiveServer

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


def browser(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30)


def sign_in(
    client: httpx.Client, username: str = "alice", password: str = PASSWORD, next_path: str = "/"
) -> httpx.Response:
    form = client.get("/login", params={"next": next_path})
    return client.post(
        "/login",
        data={"username": username, "password": password, "next": next_path, "_csrf_token": csrf_of(form)},
    )


def approval_url(token: str) -> str:
    return f"/auth/access?request_token={quote(token, safe='')}"


def assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_approval_requires_sign_in_then_approve_redirects(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds, {"redirect_to": "myapp://callback"})
    with browser(server) as client:
        first = client.get(approval_url(token))
        assert first.status_code == 303
        assert first.headers["location"].startswith("/login?next=")
        login = sign_in(client, next_path=approval_url(token))
        assert login.status_code == 303 and login.headers["location"] == approval_url(token)
        page = client.get(approval_url(token))
        assert page.status_code == 200
        assert_page_headers(page)
        assert "Alice&#39;s app" in page.text or "Alice's app" in page.text
        assert "myapp:" in page.text  # the user sees where approval leads
        decision = client.post(
            "/auth/access", data={"request_token": token, "decision": "approve", "_csrf_token": csrf_of(page)}
        )
    assert decision.status_code == 303  # never 307/308 (RFC 9700 §4.12)
    assert decision.headers["location"] == "myapp://callback"
    response = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    assert response.status_code == 200 and response.json()["account_id"] == alice.object_id


def test_approve_without_redirect_shows_confirmation(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    with browser(server) as client:
        sign_in(client)
        page = client.get(approval_url(token))
        decision = client.post(
            "/auth/access", data={"request_token": token, "decision": "approve", "_csrf_token": csrf_of(page)}
        )
        assert decision.status_code == 303
        assert decision.headers["location"].startswith("/auth/access/approve")
        confirmation = client.get(decision.headers["location"])
        assert confirmation.status_code == 200 and "approved" in confirmation.text.lower()


def test_deny_makes_token_unusable(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds, {"redirect_to": "https://app.example/cb"})
    with browser(server) as client:
        sign_in(client)
        page = client.get(approval_url(token))
        decision = client.post(
            "/auth/access", data={"request_token": token, "decision": "deny", "_csrf_token": csrf_of(page)}
        )
        assert decision.status_code == 303 and decision.headers["location"].startswith("/auth/access/deny")
        again = client.get(approval_url(token))
        assert again.status_code == 409
    response = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    assert response.status_code == 401 and response.json()["status_code"] == 33


def test_post_without_csrf_is_refused_and_token_stays_pending(
    server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    token = server.request_token(app_creds)
    with browser(server) as client:
        sign_in(client)
        client.get(approval_url(token))
        refused = client.post("/auth/access", data={"request_token": token, "decision": "approve"})
        assert refused.status_code == 403
        forged = client.post(
            "/auth/access", data={"request_token": token, "decision": "approve", "_csrf_token": "forged"}
        )
        assert forged.status_code == 403
    # A CSRF token from another browser session does not work either.
    with browser(server) as other:
        other_token = csrf_of(other.get("/login"))
    with browser(server) as client:
        sign_in(client)
        client.get(approval_url(token))
        cross = client.post(
            "/auth/access", data={"request_token": token, "decision": "approve", "_csrf_token": other_token}
        )
        assert cross.status_code == 403
    response = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    assert response.status_code == 422 and response.json()["status_code"] == 41


def test_get_never_approves(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    with browser(server) as client:
        sign_in(client)
        client.get(approval_url(token) + "&decision=approve&approve=1")
    response = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    assert response.status_code == 422


def test_expired_or_forged_token_shows_error_not_form(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    with browser(server) as client:
        sign_in(client)
        server.clock.advance(901)
        expired = client.get(approval_url(token))
        assert expired.status_code == 400 and 'name="decision"' not in expired.text
        forged = client.get(approval_url(token[:-4] + "AAAA"))
        assert forged.status_code == 400 and 'name="decision"' not in forged.text
        missing = client.get("/auth/access")
        assert missing.status_code == 400


def test_app_name_is_escaped(server: LiveServer, alice: Any) -> None:
    creds = server.create_app(alice, "<script>alert(1)</script>")
    token = server.request_token(creds)
    with browser(server) as client:
        sign_in(client)
        page = client.get(approval_url(token))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_session_cookie_flags_and_rotation(server: LiveServer, alice: Any) -> None:
    with browser(server) as client:
        client.get("/login")
        before = client.cookies.get("filmshelf_session")
        response = sign_in(client)
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("filmshelf_session="))
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
        after = client.cookies.get("filmshelf_session")
        assert after and after != before
        # Sign out ends the session server-side: the old cookie no longer signs anyone in.
        home = client.get("/")
        assert "Signed in as" in home.text
        client.post("/logout", data={"_csrf_token": csrf_of(home)})
    with browser(server) as replay:
        replay.cookies.set("filmshelf_session", after)
        assert "Signed in as" not in replay.get("/").text


def test_secure_cookie_when_public_url_is_https(database_url: str, make_settings: Any) -> None:
    from filmshelf.clock import FixedClock
    from tests.conftest import start_server

    settings = make_settings(database_url, public_url="https://films.example")
    uv, thread, base_url, (_app, _loop) = start_server(settings, FixedClock())
    try:
        with httpx.Client(base_url=base_url) as client:
            response = client.get("/login")
            cookies = response.headers.get_list("set-cookie")
            assert cookies and all("Secure" in c for c in cookies)
    finally:
        uv.should_exit = True
        thread.join(timeout=20)


def test_unknown_user_and_wrong_password_look_identical(server: LiveServer, alice: Any) -> None:
    with browser(server) as one, browser(server) as two:
        wrong = sign_in(one, "alice", "wrong password!")
        unknown = sign_in(two, "nobody", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong.text) == strip.sub("", unknown.text)


def test_repeated_failures_are_throttled(server: LiveServer, alice: Any) -> None:
    with browser(server) as client:
        statuses = [sign_in(client, "alice", f"wrong {i} password").status_code for i in range(7)]
        # Five free failures, then each try waits out a lock that doubles with every failure.
        assert statuses == [401] * 5 + [429, 429]
        server.clock.advance(1.5)
        assert sign_in(client, "alice", "wrong again password").status_code == 401
        assert sign_in(client, "alice", "wrong again password").status_code == 429
        # Even the right password waits while locked ...
        assert sign_in(client).status_code == 429
        # ... and works once the lock has passed (clock, no sleeping).
        server.clock.advance(60)
        assert sign_in(client).status_code == 303


def test_next_parameter_cannot_leave_the_site(server: LiveServer, alice: Any) -> None:
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        with browser(server) as client:
            response = sign_in(client, next_path=target)
            assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize("path", ["/login", "/auth/access/approve", "/"])
def test_every_page_refuses_framing(server: LiveServer, path: str) -> None:
    assert_page_headers(server.client.get(path))
