"""Fixtures of the page browser tests (tests/web/browsing.py has the helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
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
