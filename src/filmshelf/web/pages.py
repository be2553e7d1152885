"""Sign-in and approval pages (plain HTML forms, usable without JavaScript).

Every state change is a POST carrying Litestar's CSRF token and answered with 303 See Other
(never 307/308, which would replay the form, password included, to the next URL: RFC 9700
§4.12). Pages refuse framing and send no Referer (set on the router in `app.py`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Template

from filmshelf.accounts import users
from filmshelf.api.guards import services_of
from filmshelf.auth import request_tokens
from filmshelf.auth.apps import app_by_api_key
from filmshelf.auth.redirects import RedirectRefused, display_target, validate_redirect_to
from filmshelf.errors import FilmshelfError
from filmshelf.storage.engine import Conn
from filmshelf.web.session_store import ROTATE

AnyRequest = Request[Any, Any, Any]


def see_other(location: str) -> Response[bytes]:
    """303 See Other to `location` (any scheme: mobile callbacks are app URLs)."""
    return Response(b"", status_code=303, headers={"Location": location}, media_type="text/html")


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    """Render a template."""
    return Template(template_name=name, context=context, status_code=status_code)


# A path on this site as it may appear in a Location header: printable ASCII without spaces
# (RFC 3986 characters and '%' escapes). Anything else -- control characters, CR/LF, non-Latin-1
# text that the server cannot put in a header -- is refused, not repaired.
_LOCAL_PATH = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")
MAX_NEXT_LENGTH = 2048


def local_path(candidate: str | None) -> str:
    """`candidate` if it is a path on this site, else "/" (no open redirect through ?next=)."""
    if not candidate or len(candidate) > MAX_NEXT_LENGTH or not _LOCAL_PATH.fullmatch(candidate):
        return "/"
    parts = urlsplit(candidate)
    return "/" if parts.scheme or parts.netloc else candidate


async def signed_in_account(request: AnyRequest) -> users.Account | None:
    """The account of the browser session, or None (also when the account was disabled since, or
    its session generation moved on: a password change elsewhere ends this session)."""
    account_id = request.session.get("account_id") if request.session else None
    if not isinstance(account_id, int):
        return None
    async with services_of(request).db.read() as conn:
        account = await users.find_by_id(conn, account_id)
    if account is None or account.disabled or request.session.get("generation", 0) != account.session_generation:
        return None
    return account


class SignedOutMeanwhile(Exception):
    """The page's account was disabled, or signed out everywhere, after the page checked it."""


@asynccontextmanager
async def write_as(request: AnyRequest, account: users.Account) -> AsyncIterator[Conn]:
    """A page's write transaction for the signed-in `account` (from `signed_in_account`).

    Inside the transaction the account is read again: still there, not disabled, and the same
    session generation (a password change elsewhere moves it on). Otherwise `SignedOutMeanwhile`
    rolls the write back and the page goes to the sign-in form, as `api.guards.write_for` does for
    API callers: a disabling or a sign-out everywhere that lands between the check and the write
    changes nothing.
    """
    async with services_of(request).db.write() as conn:
        current = await users.find_by_id(conn, account.id)
        if current is None or current.disabled or current.session_generation != account.session_generation:
            raise SignedOutMeanwhile
        yield conn


class SignInPages(Controller):
    """GET/POST /login and POST /logout."""

    @get("/login", name="login")
    async def show_login(self, request: AnyRequest, next: FromQuery[str | None] = None) -> Template:
        """The sign-in form."""
        return page(
            "login.html.j2",
            next=local_path(next),
            error=None,
            username="",
            signup_open=services_of(request).settings.signup_open,
        )

    @post("/login")
    async def submit_login(self, request: AnyRequest) -> Response[Any] | Template:
        """Check credentials, rotate the session, and go on to `next`."""
        form = await request.form()
        username = str(form.get("username") or "")[:64]
        password = str(form.get("password") or "")[:1024]
        next_path = local_path(str(form.get("next") or "/"))
        services = services_of(request)
        client_ip = request.client.host if request.client else None
        try:
            account = await users.sign_in(
                services.db,
                hasher=services.hasher,
                username=username,
                password=password,
                client_ip=client_ip,
                now=services.clock.now(),
            )
        except users.SignInThrottled as exc:
            wait = int(exc.retry_after) + 1
            message = f"Too many sign-in attempts. Try again in {wait} seconds."
            response = page("login.html.j2", 429, next=next_path, error=message, username=username)
            response.headers["Retry-After"] = str(wait)
            return response
        except users.SignInRefused:
            message = "Invalid username or password."
            return page("login.html.j2", 401, next=next_path, error=message, username=username)
        request.set_session({"account_id": account.id, "generation": account.session_generation, ROTATE: True})
        return see_other(next_path)

    @post("/logout")
    async def submit_logout(self, request: AnyRequest) -> Response[Any]:
        """End the browser session (server-side too)."""
        request.clear_session()
        return see_other("/login")


class ApprovalPages(Controller):
    """The approval flow at TMDB's path: /auth/access?request_token=..."""

    path = "/auth/access"

    @get("/", name="approval")
    async def show_approval(
        self, request: AnyRequest, request_token: FromQuery[str | None] = None
    ) -> Response[Any] | Template:
        """Show which app asks and where approval leads; sign in first if needed."""
        services = services_of(request)
        context = await _pending_context(request, request_token)
        if isinstance(context, Template):
            return context
        account = await signed_in_account(request)
        if account is None:
            return see_other("/login?next=" + quote(f"/auth/access?request_token={request_token}", safe=""))
        async with services.db.read() as conn:
            state = await request_tokens.state_of(conn, context["jti"])
        if state is not None:
            return page(
                "message.html.j2",
                409,
                title="Already decided",
                message="This request has already been approved or denied. Start again from the app.",
            )
        return page("approve.html.j2", account=account, **context)

    @post("/")
    async def submit_decision(self, request: AnyRequest) -> Response[Any] | Template:
        """Record Approve or Deny, then send the browser on (303)."""
        form = await request.form()
        token = str(form.get("request_token") or "")
        decision = str(form.get("decision") or "")
        context = await _pending_context(request, token)
        if isinstance(context, Template):
            return context
        account = await signed_in_account(request)
        if account is None:
            return see_other("/login?next=" + quote(f"/auth/access?request_token={token}", safe=""))
        if decision not in {"approve", "deny"}:
            return page("message.html.j2", 400, title="Choose Approve or Deny", message="No decision was sent.")
        services = services_of(request)
        recorded = await request_tokens.decide(
            services.db,
            context["pending"],
            app_id=context["app"].id,
            account_id=account.id,
            approve=decision == "approve",
            now=services.clock.now(),
        )
        if not recorded:
            return page(
                "message.html.j2",
                409,
                title="Already decided",
                message="This request has already been approved or denied. Start again from the app.",
            )
        if decision == "deny":
            return see_other("/auth/access/deny?app=" + quote(context["app"].name, safe=""))
        redirect_to = context["pending"].redirect_to
        return see_other(redirect_to or "/auth/access/approve?app=" + quote(context["app"].name, safe=""))

    @get("/approve")
    async def show_approved(self, app: FromQuery[str] = "") -> Template:
        """TMDB's confirmation page path, shown when the app gave no redirect_to."""
        return page(
            "message.html.j2",
            title="Access approved",
            message=f"You approved {app[:128] or 'the app'}. You can close this window and return to it.",
        )

    @get("/deny")
    async def show_denied(self, app: FromQuery[str] = "") -> Template:
        """Shown after Deny: the request token is now unusable."""
        return page(
            "message.html.j2",
            title="Access denied",
            message=f"You denied {app[:128] or 'the app'}. It did not get access to your account.",
        )


async def _pending_context(request: AnyRequest, token: str | None) -> dict[str, Any] | Template:
    """Verify a request token for the approval pages; an error page when it is unusable."""
    services = services_of(request)
    if not token:
        return page(
            "message.html.j2",
            400,
            title="No request token",
            message="This link is missing its request_token. Start again from the app.",
        )
    try:
        pending = request_tokens.read(token, services.keys, now=services.clock.now())
    except FilmshelfError:
        return page(
            "message.html.j2",
            400,
            title="Invalid or expired request",
            message="This approval link is invalid or has expired (links last 15 minutes). Start again from the app.",
        )
    async with services.db.read() as conn:
        app = await app_by_api_key(conn, pending.api_key)
    if app is None:
        return page("message.html.j2", 400, title="Unknown app", message="The app that made this request is gone.")
    target = None
    if pending.redirect_to:
        try:
            target = display_target(validate_redirect_to(pending.redirect_to))
        except RedirectRefused:
            return page("message.html.j2", 400, title="Invalid request", message="The callback address is invalid.")
    return {"pending": pending, "jti": pending.jti, "app": app, "target": target, "request_token": token}


class HomePage(Controller):
    """GET / : what this server is and who is signed in."""

    @get("/", name="home")
    async def show_home(self, request: AnyRequest) -> Template:
        """A small landing page."""
        return page(
            "home.html.j2",
            account=await signed_in_account(request),
            signup_open=services_of(request).settings.signup_open,
        )
