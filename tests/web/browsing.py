"""Browser-test helpers: Debian's chromium through Playwright, screenshots as artifacts, axe-core.

Screenshots go to tests/artifacts/<test name>/ (gitignored; FILMSHELF_ARTIFACTS moves them).
axe-core comes from npm into tests/web/a11y/node_modules (`make test` runs `npm ci` there) and is
evaluated in the page, so the check runs offline.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

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
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("FILMSHELF_ARTIFACTS", ROOT / "tests" / "artifacts"))
AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA rules; "serious" and "critical" findings fail a test.
AXE_RUN = """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


class Shots:
    """Numbered screenshots of one test."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Any, label: str) -> Path:
        """Save a full-page screenshot."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def axe_source() -> str:
    """axe-core's source, installed from npm by `make test`."""
    if not AXE.exists():
        message = f"{AXE} missing: run `make test` (or `cd tests/web/a11y && npm ci`)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG A/AA violations on the current page."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(axe_source())  # DevTools evaluation: not subject to the page's CSP
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in {"serious", "critical"}]


def block_other_origins(context: Any, base_url: str) -> list[str]:
    """Abort (and record) every request that leaves the server under test."""
    attempts: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(base_url) or url.startswith("data:"):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    context.route("**/*", route)
    return attempts


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_load_state()
