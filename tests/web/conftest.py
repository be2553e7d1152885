"""Fixtures of the page browser tests (tests/web/browsing.py has the helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from filmshelf.clock import FixedClock
from tests.conftest import IN_CI, LiveServer, start_server
from tests.web.browsing import CHROMIUM, FLAGS, Shots


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless chromium per test module."""
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


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Iterator[Shots]:
    """Screenshots for this test (at least one is expected of every browser test)."""
    taken = Shots(request.node.name)
    yield taken
    assert taken.count > 0, "every browser test saves a screenshot"


@pytest.fixture
def open_server(database_url: str, make_settings: Any) -> Iterator[LiveServer]:
    """The app with FILMSHELF_SIGNUP=open."""
    clock = FixedClock(1_790_000_000.0)
    uv, thread, base_url, (app, loop) = start_server(make_settings(database_url, signup_open=True), clock)
    live = LiveServer(base_url=base_url, clock=clock, services=app.state.services, loop=loop, engine="sqlite")
    yield live
    live.client.close()
    uv.should_exit = True
    thread.join(timeout=20)
