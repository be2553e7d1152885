"""The v3 approval page at TMDB's path: `/authenticate/{request_token}[?redirect_to=...]`.

A signed-in user allows or denies an app's v3 request token (the classic flow before
`POST /3/authentication/session/new`). It has the v4 page's safety, through the same pieces:
sign-in goes through `/login` (and its throttle) with `next=` back here; Allow and Deny are POSTs
carrying Litestar's CSRF token, answered with 303 See Other; the router in `app.py` adds the
no-framing, CSP, no-Referer and no-store headers; `redirect_to` must pass `auth.redirects` rules,
is shown to the user (scheme and host) before they decide, and is checked again on the POST.

After Allow the browser goes to `redirect_to` with `?request_token=...&approved=true`, after Deny
with `?request_token=...&denied=true` (TMDB's parameters); without `redirect_to`, to
`/authenticate/allow` or `/authenticate/deny` here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from filmshelf.accounts.users import Account
from filmshelf.api.guards import services_of
from filmshelf.auth import v3_approval
from filmshelf.auth.redirects import RedirectRefused, display_target, validate_redirect_to
from filmshelf.web.pages import page, see_other, signed_in_account, write_as

AnyRequest = Request[Any, Any, Any]

MESSAGES = {
    v3_approval.Unusable.UNKNOWN: (
        404,
        "Invalid request",
        "This approval link is not valid. Start again from the app.",
    ),
    v3_approval.Unusable.EXPIRED: (
        400,
        "Request expired",
        "This approval link has expired (links last 60 minutes). Start again from the app.",
    ),
    v3_approval.Unusable.DECIDED: (
        409,
        "Already decided",
        "This request has already been allowed or denied. Start again from the app.",
    ),
}


def this_page(request_token: str, redirect_to: str | None) -> str:
    """The path of the approval page (what the sign-in form comes back to)."""
    path = f"/authenticate/{quote(request_token, safe='')}"
    return path + ("?redirect_to=" + quote(redirect_to, safe="") if redirect_to else "")


def sign_in_first(request_token: str, redirect_to: str | None) -> Response[Any]:
    """Send the browser to the sign-in form, which returns here after sign-in."""
    return see_other("/login?next=" + quote(this_page(request_token, redirect_to), safe=""))


def checked_redirect(redirect_to: str | None) -> str | Template | None:
    """`redirect_to` if it passes the rules of `auth.redirects`, an error page if not, None if absent."""
    if not redirect_to:
        return None
    try:
        return validate_redirect_to(redirect_to)
    except RedirectRefused as exc:
        return page("message.html.j2", 400, title="Invalid request", message=f"The callback address is invalid: {exc}.")


async def pending_or_page(request: AnyRequest, request_token: str) -> v3_approval.PendingV3Token | Template:
    """The undecided token, or the page that says why it cannot be decided."""
    services = services_of(request)
    try:
        async with services.db.read() as conn:
            return await v3_approval.pending(conn, request_token=request_token, now=services.clock.now())
    except v3_approval.TokenUnusable as exc:
        status, title, message = MESSAGES[exc.reason]
        return page("message.html.j2", status, title=title, message=message)


class V3ApprovalPages(Controller):
    """GET/POST /authenticate/{request_token}; GET /authenticate/allow and /authenticate/deny."""

    path = "/authenticate"

    @get("/allow", name="v3_allowed")
    async def show_allowed(self) -> Template:
        """TMDB's confirmation path, shown after Allow when the app gave no redirect_to."""
        return page(
            "message.html.j2",
            title="Access allowed",
            message="You allowed the app to use your account. You can close this window and return to it.",
        )

    @get("/deny", name="v3_denied")
    async def show_denied(self) -> Template:
        """Shown after Deny when the app gave no redirect_to: the request token is now unusable."""
        return page(
            "message.html.j2",
            title="Access denied",
            message="You denied the app. It did not get access to your account.",
        )

    @get("/{request_token:str}", name="v3_approval")
    async def show_approval(
        self, request: AnyRequest, request_token: FromPath[str], redirect_to: FromQuery[str | None] = None
    ) -> Response[Any] | Template:
        """Which app asks and where the decision leads; sign in first when needed."""
        target = checked_redirect(redirect_to)
        if isinstance(target, Template):
            return target
        token = await pending_or_page(request, request_token)
        if isinstance(token, Template):
            return token
        account = await signed_in_account(request)
        if account is None:
            return sign_in_first(request_token, target)
        return approval_page(token, account, request_token, target)

    @post("/{request_token:str}")
    async def submit_decision(self, request: AnyRequest, request_token: FromPath[str]) -> Response[Any] | Template:
        """Record Allow or Deny, then send the browser on (303)."""
        form = await request.form()
        decision = str(form.get("decision") or "")
        target = checked_redirect(str(form.get("redirect_to") or "") or None)
        if isinstance(target, Template):
            return target
        token = await pending_or_page(request, request_token)
        if isinstance(token, Template):
            return token
        account = await signed_in_account(request)
        if account is None:
            return sign_in_first(request_token, target)
        if decision not in {"allow", "deny"}:
            return page("message.html.j2", 400, title="Choose Allow or Deny", message="No decision was sent.")
        services = services_of(request)
        allow = decision == "allow"
        now = services.clock.now()
        async with write_as(request, account) as conn:
            recorded = await v3_approval.decide(conn, token, account_id=account.id, allow=allow, now=now)
        if not recorded:
            status, title, message = MESSAGES[v3_approval.Unusable.DECIDED]
            return page("message.html.j2", status, title=title, message=message)
        if target is not None:
            return see_other(v3_approval.callback_url(target, request_token, allowed=allow))
        return see_other("/authenticate/allow" if allow else "/authenticate/deny")


def approval_page(
    token: v3_approval.PendingV3Token, account: Account, request_token: str, redirect_to: str | None
) -> Template:
    """The Allow / Deny form."""
    return page(
        "v3_approve.html.j2",
        app=token.app,
        account=account,
        request_token=request_token,
        redirect_to=redirect_to or "",
        target=display_target(redirect_to) if redirect_to else None,
    )
