"""What the real-client tests share: a ledger of the calls a library offers, and the user's part of
the v3 sign-in (approving a request token on `/authenticate/{request_token}`, as a browser would).

Each client test lists every call its library offers for the features of issue 10 §5 (sign-in,
account details, favorite / watchlist / rating and reading them back, a v3 list, search, details,
configuration, logout), drives each one through the library, and records what happened. A call
that fails does not stop the run: the test ends by listing every failed call at once, and by
checking that every listed call was made (the list and the test cannot drift apart).

Calls for things filmshelf does not hold (people, companies, collections, keywords, TV episodes)
are listed apart, in `NOT_SERVED`: they must get TMDB's 404 / 34 body, which every library turns
into its usual "not found" error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import httpx

from tests.conftest import LiveServer

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Ledger:
    """Every call a library offers for the features under test, and what each one did."""

    def __init__(self, library: str, offered: Iterable[str], not_served: Iterable[str] = ()) -> None:
        self.library = library
        self.offered = set(offered)
        self.not_served = set(not_served)
        overlap = self.offered & self.not_served
        assert not overlap, f"listed twice: {sorted(overlap)}"
        self.made: set[str] = set()
        self.failures: dict[str, str] = {}

    def call(self, name: str, action: Callable[[], Any], check: Callable[[Any], object] | None = None) -> Any:
        """Make a call the library offers; record an exception or a failed `check` as its failure."""
        assert name in self.offered, f"{name} is not in the list of {self.library} calls"
        self.made.add(name)
        try:
            result = action()
        except Exception as exc:  # any library error is the finding
            self.failures.setdefault(name, f"{type(exc).__name__}: {str(exc)[:300]}")
            return None
        if check is not None:
            try:
                verdict = check(result)
            except Exception as exc:
                verdict = f"{type(exc).__name__}: {exc}"
            if verdict is not True and verdict is not None:
                self.failures.setdefault(name, f"unexpected answer ({verdict}): {str(result)[:300]}")
        return result

    def refused(self, name: str, action: Callable[[], Any], is_not_found: Callable[[Exception], bool]) -> None:
        """A call for something filmshelf does not hold: the library must report TMDB's 404 / 34."""
        assert name in self.not_served, f"{name} is not in the list of calls filmshelf does not serve"
        self.made.add(name)
        try:
            result = action()
        except Exception as exc:
            if not is_not_found(exc):
                self.failures[name] = f"expected 404/34, got {type(exc).__name__}: {str(exc)[:300]}"
            return
        self.failures[name] = f"expected 404/34, got an answer: {str(result)[:300]}"

    def finish(self) -> None:
        """Every listed call was made, and none failed."""
        missing = (self.offered | self.not_served) - self.made
        assert not missing, f"{self.library}: listed but never called: {sorted(missing)}"
        assert not self.failures, f"{self.library}: {len(self.failures)} calls failed:\n" + "\n".join(
            f"  {name}: {why}" for name, why in sorted(self.failures.items())
        )


def approve_on_page(server: LiveServer, request_token: str, *, username: str = "alice", allow: bool = True) -> None:
    """The user's part of the classic v3 flow: sign in and Allow (or Deny) on /authenticate/{token}."""
    page = f"/authenticate/{quote(request_token, safe='')}"
    with httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30) as browser:
        login_form = browser.get("/login", params={"next": page})
        signed_in = browser.post(
            "/login",
            data={"username": username, "password": PASSWORD, "next": page, "_csrf_token": _csrf(login_form)},
        )
        assert signed_in.status_code == 303 and signed_in.headers["location"] == page, signed_in.text
        form = browser.get(page)
        assert form.status_code == 200, form.text
        decision = browser.post(
            page, data={"decision": "allow" if allow else "deny", "redirect_to": "", "_csrf_token": _csrf(form)}
        )
        assert decision.status_code == 303, decision.text


def _csrf(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, page.text
    return match.group(1)
