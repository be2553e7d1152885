"""Administration: server status, accounts (create, disable, reset password), apps.

Only administrators see these pages; a signed-in account that is not one gets 403, a visitor
the sign-in page.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from filmshelf.accounts import admin, passwords, users
from filmshelf.accounts.users import Account
from filmshelf.api.guards import services_of
from filmshelf.auth import access
from filmshelf.errors import NotFound
from filmshelf.web.apps_pages import parse_app_id
from filmshelf.web.common import AnyRequest, form_of, message, page, see_other, signed_in_account, to_login


async def _admin(request: AnyRequest) -> Account | Response[Any] | Template:
    account = await signed_in_account(request)
    if account is None:
        return to_login(request)
    if not account.is_admin:
        return message(403, "Administrators only", "This page is for the administrators of this server.", account)
    return account


class AdminPages(Controller):
    """/admin, /admin/users, /admin/apps."""

    path = "/admin"

    @get("/")
    async def show_status(self, request: AnyRequest) -> Response[Any] | Template:
        """Catalog size, database engine, version, rate-limit and sign-up settings."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        services = services_of(request)
        settings = services.settings
        return page(
            "admin_status.html.j2",
            account=who,
            status=await admin.status(services.db),
            settings=settings,
            redis="configured" if settings.redis_url else "not configured (limits are per process)",
        )

    @get("/users")
    async def show_users(self, request: AnyRequest, done: FromQuery[str | None] = None) -> Response[Any] | Template:
        """Every account."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        async with services_of(request).db.read() as conn:
            accounts = await users.all_accounts(conn)
        return page("admin_users.html.j2", account=who, accounts=accounts, done=done, error=None)

    @post("/users")
    async def create_user(self, request: AnyRequest) -> Response[Any] | Template:
        """Create an account (optionally an administrator)."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        form = await form_of(request)
        services = services_of(request)
        try:
            await users.create_account(
                services.db,
                hasher=services.hasher,
                username=form.get("username", "")[:64],
                password=form.get("password", "")[:1100],
                name=form.get("name", "")[:129],
                admin=form.get("is_admin") == "1",
                now=services.clock.now(),
            )
        except (users.UsernameRejected, passwords.PasswordRejected) as exc:
            async with services.db.read() as conn:
                accounts = await users.all_accounts(conn)
            return page("admin_users.html.j2", 400, account=who, accounts=accounts, done=None, error=f"Refused: {exc}.")
        return see_other("/admin/users?done=created")

    @post("/users/{account_id:str}/disable")
    async def disable_user(self, request: AnyRequest, account_id: FromPath[str]) -> Response[Any] | Template:
        """Disable (disabled=1) or enable (disabled=0) an account; never one's own."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        number = parse_app_id(account_id)
        if number == who.id:
            return message(400, "Not your own account", "An administrator cannot disable their own account.", who)
        form = await form_of(request)
        services = services_of(request)
        disabled = form.get("disabled") == "1"
        if not await users.set_disabled(services.db, account_id=number, disabled=disabled, now=services.clock.now()):
            raise NotFound()
        services.app_tokens.forget(owner_id=number)
        return see_other("/admin/users?done=" + ("disabled" if disabled else "enabled"))

    @post("/users/{account_id:str}/password")
    async def reset_password(self, request: AnyRequest, account_id: FromPath[str]) -> Response[Any] | Template:
        """Set a new password for an account: its sessions and access tokens end."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        number = parse_app_id(account_id)
        form = await form_of(request)
        services = services_of(request)
        async with services.db.read() as conn:
            target = await users.find_by_id(conn, number)
        if target is None:
            raise NotFound()
        try:
            await users.change_password(
                services.db,
                hasher=services.hasher,
                account_id=number,
                password=form.get("password", "")[:1100],
                now=services.clock.now(),
            )
        except passwords.PasswordRejected as exc:
            return message(400, "Password refused", f"Refused: {exc}.", who)
        return see_other("/admin/users?done=password")

    @get("/apps")
    async def show_apps(self, request: AnyRequest, done: FromQuery[str | None] = None) -> Response[Any] | Template:
        """Every app with its owner."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        services = services_of(request)
        async with services.db.read() as conn:
            every = await access.all_apps(conn, keys=services.keys)
        return page("admin_apps.html.j2", account=who, apps=every, done=done)

    @post("/apps/{app_id:str}/revoke")
    async def revoke_app(self, request: AnyRequest, app_id: FromPath[str]) -> Response[Any] | Template:
        """Revoke any app."""
        who = await _admin(request)
        if not isinstance(who, Account):
            return who
        services = services_of(request)
        number = parse_app_id(app_id)
        await access.revoke_app(services.db, app_id=number, owner_id=None, keys=services.keys, now=services.clock.now())
        services.app_tokens.forget(app_id=number)
        return see_other("/admin/apps?done=revoked")
