"""The v3 approval page in Debian's headless chromium (Playwright): Allow lands on redirect_to and
session/new works, Deny, an expired token, another app's token, and framing blocked.

SQLite only: the page's storage (the compare-and-set on the token row) runs on both engines in
test_v3_approval.py; what a browser adds (redirects, cookies, CSRF fields, framing) does not
depend on the engine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import AppCreds, LiveServer
from tests.web.test_browser import PASSWORD, Callback, callback, chromium  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]


def v3_token(server: LiveServer, creds: AppCreds) -> str:
    response = server.client.get("/3/authentication/token/new", headers=creds.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["request_token"]
    return token


def page_url(server: LiveServer, token: str, redirect_to: str | None = None) -> str:
    query = f"?redirect_to={quote(redirect_to, safe='')}" if redirect_to else ""
    return f"{server.base_url}/authenticate/{token}{query}"


def open_and_sign_in(page: Any, server: LiveServer, url: str) -> None:
    page.goto(url)
    assert page.url.startswith(f"{server.base_url}/login")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("#allow")
    assert page.url == url


def new_session(server: LiveServer, creds: AppCreds, token: str) -> Any:
    return server.client.post("/3/authentication/session/new", headers=creds.headers, json={"request_token": token})


def hits(app_server: Callback) -> list[str]:
    return [hit for hit in app_server.hits if hit != "/favicon.ico"]


def test_allow_lands_on_redirect_to_then_session_new_works(
    chromium: Any,  # noqa: F811
    server: LiveServer,
    app_creds: AppCreds,
    alice: Any,
    callback: Callback,  # noqa: F811
) -> None:
    token = v3_token(server, app_creds)
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, page_url(server, token, callback.url))
        assert page.inner_text("#app-name") == "Alice's app"
        assert page.inner_text("#signed-in-as") == "alice"
        assert page.inner_text("#redirect-target") == callback.url.split("/callback")[0]
        page.click("#allow")
        page.wait_for_selector("#cb")
        expected = f"{callback.url}&request_token={token}&approved=true"
        assert page.url == expected
        assert hits(callback) == [f"/callback?state=s1&request_token={token}&approved=true"]
    finally:
        context.close()
    created = new_session(server, app_creds, token)
    assert created.status_code == 200, created.text
    account = server.client.get(
        "/3/account", headers=app_creds.headers, params={"session_id": created.json()["session_id"]}
    )
    assert account.json()["username"] == "alice"


def test_deny_lands_on_redirect_to_with_denied_and_no_session(
    chromium: Any,  # noqa: F811
    server: LiveServer,
    app_creds: AppCreds,
    alice: Any,
    callback: Callback,  # noqa: F811
) -> None:
    token = v3_token(server, app_creds)
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, page_url(server, token, callback.url))
        page.click("#deny")
        page.wait_for_selector("#cb")
        assert page.url == f"{callback.url}&request_token={token}&denied=true"
        # Back to the page: it is decided, no buttons.
        page.goto(page_url(server, token, callback.url))
        assert page.inner_text("#title") == "Already decided"
        assert page.locator("#allow").count() == 0
    finally:
        context.close()
    refused = new_session(server, app_creds, token)
    assert refused.status_code == 401 and refused.json()["status_code"] == 33


def test_expired_token_shows_an_error_and_allow_after_expiry_does_nothing(
    chromium: Any,  # noqa: F811
    server: LiveServer,
    app_creds: AppCreds,
    alice: Any,
) -> None:
    token, late = v3_token(server, app_creds), v3_token(server, app_creds)
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, page_url(server, late))
        server.clock.advance(3601)
        page.click("#allow")  # the form was shown before the token expired
        page.wait_for_selector("#title")
        assert page.inner_text("#title") == "Request expired"
        page.goto(page_url(server, token))
        assert page.inner_text("#title") == "Request expired"
        assert page.locator("#allow").count() == 0
    finally:
        context.close()
    assert new_session(server, app_creds, late).json()["status_code"] == 33


def test_another_apps_token_names_that_app_and_serves_only_it(
    chromium: Any,  # noqa: F811
    server: LiveServer,
    app_creds: AppCreds,
    alice: Any,
) -> None:
    other = server.create_app(server.create_user("bob"), "Bob's app")
    token = v3_token(server, other)
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, page_url(server, token))
        assert page.inner_text("#app-name") == "Bob's app"
        page.click("#allow")
        page.wait_for_selector("#title")
        assert page.inner_text("#title") == "Access allowed"
    finally:
        context.close()
    stolen = new_session(server, app_creds, token)
    assert stolen.status_code == 401 and stolen.json()["status_code"] == 33
    assert new_session(server, other, token).status_code == 200


def test_v3_approval_page_cannot_be_framed(
    chromium: Any,  # noqa: F811
    server: LiveServer,
    app_creds: AppCreds,
    alice: Any,
) -> None:
    token = v3_token(server, app_creds)
    context = chromium.new_context()
    try:
        page = context.new_page()
        target = page_url(server, token)
        open_and_sign_in(page, server, target)
        # A page of another origin (about:blank) frames the Allow button of the signed-in user.
        page.goto("about:blank")
        page.set_content(f'<iframe id="f" src="{target}"></iframe>')
        page.wait_for_load_state()
        # The browser refuses to render it (frame-ancestors 'none', X-Frame-Options DENY).
        assert [frame.url.split(":", 1)[0] for frame in page.frames[1:]] == ["chrome-error"]
        assert page.frame_locator("#f").locator("#allow").count() == 0
    finally:
        context.close()
    assert new_session(server, app_creds, token).json()["status_code"] == 17
