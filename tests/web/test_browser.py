"""The approval flow in a real headless chromium (Debian's), driven by Playwright for Python."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import IN_CI, AppCreds, LiveServer

CHROMIUM = os.environ.get("FILMSHELF_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required in CI (make test installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class Callback:
    """A loopback HTTP server standing in for the app's redirect_to endpoint."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                body = b"<html><body><h1 id='cb'>callback reached</h1></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.hits = hits
        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/callback?state=s1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def callback() -> Iterator[Callback]:
    server = Callback()
    yield server
    server.close()


def open_and_sign_in(page: Any, server: LiveServer, token: str) -> None:
    page.goto(f"{server.base_url}/auth/access?request_token={quote(token, safe='')}")
    assert page.url.startswith(f"{server.base_url}/login")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("#approve")


def test_approve_in_browser_lands_on_redirect_then_exchange(
    chromium: Any, server: LiveServer, app_creds: AppCreds, alice: Any, callback: Callback
) -> None:
    token = server.request_token(app_creds, {"redirect_to": callback.url})
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, token)
        assert page.inner_text("#app-name") == "Alice's app"
        assert page.inner_text("#redirect-target") == callback.url.split("/callback")[0]
        page.click("#approve")
        page.wait_for_selector("#cb")
        assert page.url == callback.url
        assert [hit for hit in callback.hits if hit != "/favicon.ico"] == ["/callback?state=s1"]
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["filmshelf_session"]["httpOnly"] is True
        assert cookies["filmshelf_session"]["sameSite"] == "Lax"
    finally:
        context.close()
    response = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    assert response.status_code == 200
    assert response.json()["account_id"] == alice.object_id


def test_deny_in_browser_leaves_token_unusable(
    chromium: Any, server: LiveServer, app_creds: AppCreds, alice: Any, callback: Callback
) -> None:
    token = server.request_token(app_creds, {"redirect_to": callback.url})
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, token)
        page.click("#deny")
        page.wait_for_selector("#title")
        assert page.inner_text("#title") == "Access denied"
        assert [hit for hit in callback.hits if hit != "/favicon.ico"] == []
    finally:
        context.close()
    response = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    assert response.status_code == 401 and response.json()["status_code"] == 33


def test_approval_page_cannot_be_framed(chromium: Any, server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    token = server.request_token(app_creds)
    context = chromium.new_context()
    try:
        page = context.new_page()
        open_and_sign_in(page, server, token)
        target = f"{server.base_url}/auth/access?request_token={quote(token, safe='')}"
        # A page on another origin (127.0.0.2 is loopback too) tries to frame the Approve button.
        page.set_content(f'<iframe id="f" src="{target}"></iframe>')
        page.wait_for_timeout(1000)
        frame = page.frame_locator("#f")
        assert frame.locator("#approve").count() == 0
    finally:
        context.close()
