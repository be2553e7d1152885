"""Apps and access: the apps a user approved (and revoking them), and a developer's own apps.

Revoking and rotating happen in the database (`filmshelf.auth.access`): user access tokens and
v3 sessions are checked there on every request, so every instance refuses them at once. Verified
app read tokens are remembered per process for up to 10 seconds (`auth.apps.VerifiedAppTokens`):
this process forgets the app at once; other instances within those 10 seconds.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from filmshelf.api.guards import services_of
from filmshelf.auth import access
from filmshelf.auth import apps as app_rules
from filmshelf.errors import FilmshelfError, NotFound
from filmshelf.web.common import (
    AnyRequest,
    form_of,
    not_found,
    page,
    see_other,
    signed_in_account,
    throttled,
    to_login,
)

APP_NAME_MAX = 128


def parse_app_id(raw: str) -> int:
    """An app id from a path; NotFound unless a positive 32-bit integer."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and 0 < int(raw) < 2**31:
        return int(raw)
    raise NotFound()


class AccessPages(Controller):
    """/account/access: the apps holding access to this account."""

    path = "/account/access"

    @get("/")
    async def show_access(self, request: AnyRequest, done: FromQuery[str | None] = None) -> Response[Any] | Template:
        """Apps with a live access token or v3 session of this account."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        services = services_of(request)
        granted = await access.approved_apps(services.db, account_id=account.id, now=services.clock.now())
        return page("access.html.j2", account=account, granted=granted, done=done)

    @post("/{app_id:str}/revoke")
    async def revoke(self, request: AnyRequest, app_id: FromPath[str]) -> Response[Any]:
        """End every access token and v3 session this account gave the app."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        services = services_of(request)
        await access.revoke_access(
            services.db, account_id=account.id, app_id=parse_app_id(app_id), now=services.clock.now()
        )
        return see_other("/account/access?done=revoked")


class MyAppsPages(Controller):
    """/apps: a developer's apps, their v3 API key and read access token."""

    path = "/apps"

    @get("/")
    async def show_apps(self, request: AnyRequest) -> Response[Any] | Template:
        """The account's apps and the form to register one."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        services = services_of(request)
        async with services.db.read() as conn:
            mine = await access.apps_of_owner(conn, owner_id=account.id, keys=services.keys)
        return page("apps.html.j2", account=account, apps=mine, error=None)

    @post("/")
    async def create_app(self, request: AnyRequest) -> Response[Any] | Template:
        """Register an app (throttled per account) and show its credentials."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        if (limited := await throttled(request, "apps", f"account:{account.id}")) is not None:
            return limited
        form = await form_of(request)
        name = form.get("name", "").strip()
        services = services_of(request)
        if not name or len(name) > APP_NAME_MAX or "\x00" in name:
            async with services.db.read() as conn:
                mine = await access.apps_of_owner(conn, owner_id=account.id, keys=services.keys)
            error = f"An app needs a name of 1 to {APP_NAME_MAX} characters."
            return page("apps.html.j2", 400, account=account, apps=mine, error=error)
        app = await app_rules.create_app(services.db, owner_id=account.id, name=name, now=services.clock.now())
        return see_other(f"/apps/{app.id}")

    @get("/{app_id:str}")
    async def show_app(
        self, request: AnyRequest, app_id: FromPath[str], done: FromQuery[str | None] = None
    ) -> Response[Any] | Template:
        """One app: its API key and read access token (owner only)."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        services = services_of(request)
        try:
            async with services.db.read() as conn:
                app = await access.owned_app(conn, app_id=parse_app_id(app_id), owner_id=account.id, keys=services.keys)
        except FilmshelfError:
            return not_found(account)
        return page("app.html.j2", account=account, app=app, done=done, public_url=services.settings.public_url)

    @post("/{app_id:str}/regenerate")
    async def regenerate(self, request: AnyRequest, app_id: FromPath[str]) -> Response[Any]:
        """New API key and read access token; the old ones, and every user's access, end."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        services = services_of(request)
        number = parse_app_id(app_id)
        await access.regenerate(
            services.db, app_id=number, owner_id=account.id, keys=services.keys, now=services.clock.now()
        )
        services.app_tokens.forget(app_id=number)
        return see_other(f"/apps/{number}?done=regenerated")

    @post("/{app_id:str}/revoke")
    async def revoke(self, request: AnyRequest, app_id: FromPath[str]) -> Response[Any]:
        """Revoke the app: nothing issued for it works any more."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        services = services_of(request)
        number = parse_app_id(app_id)
        await access.revoke_app(
            services.db, app_id=number, owner_id=account.id, keys=services.keys, now=services.clock.now()
        )
        services.app_tokens.forget(app_id=number)
        return see_other(f"/apps/{number}?done=revoked")
