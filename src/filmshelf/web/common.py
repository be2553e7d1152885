"""What every page module shares: the signed-in account, sign-in redirects, forms, HTML errors, throttles.

Pages are plain HTML forms (no JavaScript): every change is a POST carrying Litestar's CSRF
token and answered with 303 See Other. Handlers call the same domain functions as the API, so
a change made here is what the API reads back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Template

from filmshelf.accounts.users import Account
from filmshelf.api.guards import services_of
from filmshelf.errors import FilmshelfError
from filmshelf.ratelimit import Buckets, Decision, MemoryBuckets, RedisBuckets
from filmshelf.web.pages import SignedOutMeanwhile, local_path, page, see_other, signed_in_account, write_as

AnyRequest = Request[Any, Any, Any]

__all__ = [
    "AnyRequest",
    "PageThrottle",
    "form_of",
    "local_path",
    "page",
    "page_error_handler",
    "see_other",
    "signed_in_account",
    "signed_out_handler",
    "to_login",
    "write_as",
]


def to_login(request: AnyRequest) -> Response[bytes]:
    """303 to the sign-in page, coming back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return see_other("/login?next=" + quote(target, safe=""))


async def form_of(request: AnyRequest) -> dict[str, str]:
    """The submitted form as plain strings (the first value of each field; files are ignored)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def message(status: int, title: str, text: str, account: Account | None = None) -> Template:
    """A page that only says something (errors, confirmations)."""
    return page("message.html.j2", status, title=title, message=text, account=account)


def not_found(account: Account | None = None) -> Template:
    """The one answer for what does not exist or is not the visitor's to see."""
    return message(404, "Not found", "There is nothing here, or it is not yours to see.", account)


_PAGE_ERRORS = {
    34: (404, "Not found", "There is nothing here, or it is not yours to see."),
    38: (404, "Not found", "There is nothing here, or it is not yours to see."),
    25: (429, "Slow down", "Too many requests. Wait a little and try again."),
}


def signed_out_handler(request: AnyRequest, _: SignedOutMeanwhile) -> Response[bytes]:
    """A page whose account was signed out (or disabled) while it wrote: back to the sign-in form."""
    return to_login(request)


def page_error_handler(_: AnyRequest, exc: FilmshelfError) -> Template:
    """A FilmshelfError raised under a page, as an HTML page (the API keeps its JSON envelope)."""
    status, title, text = _PAGE_ERRORS.get(exc.code, (exc.http_status, "That did not work", exc.detail or ""))
    if exc.code not in _PAGE_ERRORS:
        text = exc.detail or exc.status.message
    return message(status, title, text)


# --- throttles for pages that can be abused ------------------------------------------------------
# (tokens per second, burst): sign-ups per address, password changes per account, searches per
# address, app creations per account. Always on, whatever the API's rate limit says.
PAGE_LIMITS: dict[str, tuple[float, int]] = {
    "signup": (5 / 3600, 5),
    "password": (5 / 900, 5),
    "search": (2.0, 30),
    "apps": (10 / 3600, 10),
    "import": (10 / 3600, 10),
}


class PageThrottle:
    """Token buckets per action and key, in Redis when configured (shared by every instance)."""

    def __init__(self, redis_url: str | None) -> None:
        self.buckets: Buckets = RedisBuckets(redis_url, prefix="filmshelf:pages:") if redis_url else MemoryBuckets()

    async def check(self, action: str, key: str, now: float) -> Decision:
        """Spend one token of `action` for `key`."""
        rate, burst = PAGE_LIMITS[action]
        return await self.buckets.take(f"{action}:{key}", rate=rate, burst=burst, now=now)


async def throttled(request: AnyRequest, action: str, key: str | None = None) -> Template | None:
    """A 429 page when `action` is over its limit for `key` (default: the client address), else None."""
    throttle: PageThrottle = request.app.state.page_throttle
    who = key or (request.client.host if request.client else "-")
    decision = await throttle.check(action, who, services_of(request).clock.now())
    if decision.allowed:
        return None
    response = message(429, "Slow down", f"Too many attempts. Try again in {decision.retry_after} seconds.")
    response.headers["Retry-After"] = str(decision.retry_after)
    return response
