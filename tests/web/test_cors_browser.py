"""A browser app served from another origin signs in, lists and writes through filmshelf's API with
fetch() (CORS, preflights included), and cannot read filmshelf's HTML pages.

The app (tests/web/cross_origin_app/) is served by a second loopback HTTP server, so its origin
(another port) differs from filmshelf's. Its JavaScript asks for a v4 request token, sends the
user to filmshelf's approval page, and when the browser comes back exchanges the token, creates
and fills a private list, reads it and the account's lists, converts the token to a v3 session,
marks a favorite and reads it back, deletes the list, and finally tries to read filmshelf pages.
Every request with `Authorization` or a JSON body is preflighted by the browser, and its answer
is readable only when both the preflight and the response allow this origin.

SQLite only: CORS is answered before any storage is touched.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import AppCreds, LiveServer
from tests.web.test_browser import PASSWORD, chromium  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]

APP_FILES = Path(__file__).parent / "cross_origin_app"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def app_origin() -> Iterator[str]:
    """The browser app's own origin: a static file server on another loopback port."""
    httpd = HTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(APP_FILES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_browser_app_on_another_origin_uses_the_api_but_not_the_pages(
    chromium: Any,  # noqa: F811
    server: LiveServer,
    app_creds: AppCreds,
    alice: Any,
    app_origin: str,
) -> None:
    assert app_origin != server.base_url
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(f"{app_origin}/index.html?api={quote(server.base_url)}&token={quote(app_creds.read_token)}")
        # The app sends the browser to filmshelf's approval page, which asks for sign-in first.
        try:
            page.wait_for_url(f"{server.base_url}/login?**", timeout=15_000)
        except PlaywrightTimeout:
            pytest.fail(f"the app did not get a request token: {page.inner_text('#result')}")
        page.fill("#username", "alice")
        page.fill("#password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_selector("#approve")
        page.click("#approve")
        page.wait_for_url(f"{app_origin}/index.html?back=1")
        page.wait_for_selector("#result:not(:empty)")
        seen = json.loads(page.inner_text("#result"))
    finally:
        context.close()
    assert "error" not in seen, seen.get("error")
    steps = {step["name"]: step for step in seen["steps"]}

    # Sign-in, list, favorite: each answered and readable from the app's origin.
    for name, status in [
        ("request_token", 200),
        ("access_token", 200),
        ("create_list", 201),
        ("add_items", 200),
        ("read_list", 200),
        ("my_lists", 200),
        ("session", 200),
        ("favorite", 201),
        ("favorites", 200),
        ("delete_list", 200),
    ]:
        assert steps[name]["status"] == status, steps[name]
        assert steps[name]["contentType"] == "application/json;charset=utf-8", steps[name]
    assert steps["access_token"]["json"]["account_id"] == alice.object_id
    listed = steps["read_list"]["json"]
    assert [(item["media_type"], item["id"]) for item in listed["results"]] == [("movie", 550), ("tv", 1399)]
    assert [entry["name"] for entry in steps["my_lists"]["json"]["results"]] == ["Made in a browser"]
    assert [movie["id"] for movie in steps["favorites"]["json"]["results"]] == [603]

    # filmshelf's pages stay unreadable from another origin, and the API never shares with cookies.
    for name in ["login_page", "approval_page", "home_page", "api_with_cookies"]:
        assert steps[name]["readable"] is False, steps[name]
