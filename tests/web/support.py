"""Helpers for page tests over real HTTP: a cookie-keeping client, CSRF tokens, sign-in, forms."""

from __future__ import annotations

import re

import httpx

from tests.conftest import LiveServer

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token in a page's forms."""
    match = CSRF.search(page.text)
    assert match, page.text[:2000]
    return match.group(1)


def browser(server: LiveServer) -> httpx.Client:
    """A client that keeps cookies and does not follow redirects (so 303s can be asserted)."""
    return httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30)


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form; assert it worked."""
    form = client.get("/login")
    response = client.post(
        "/login", data={"username": username, "password": password, "next": "/", "_csrf_token": csrf_of(form)}
    )
    assert response.status_code == 303, response.text


def submit(client: httpx.Client, form_page: str, action: str, data: dict[str, str] | None = None) -> httpx.Response:
    """GET `form_page` for a CSRF token, then POST `data` to `action`."""
    token = csrf_of(client.get(form_page))
    return client.post(action, data={**(data or {}), "_csrf_token": token})
