"""Sign-up, the account overview, password change, and favorites / watchlist / ratings / recommendations.

The lists of titles are read with the functions the v4 ACCOUNT API uses (`accounts.media`,
`accounts.recommendations`), in the same orders (`sort_by` as the API takes it).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromQuery
from litestar.response import Template

from filmshelf.accounts import media, passwords, recommendations, users
from filmshelf.api.guards import services_of
from filmshelf.errors import FilmshelfError
from filmshelf.web.common import (
    AnyRequest,
    form_of,
    message,
    not_found,
    page,
    see_other,
    signed_in_account,
    throttled,
    to_login,
)
from filmshelf.web.session_store import ROTATE
from filmshelf.wire import Page, parse_page

KINDS: dict[str, tuple[media.EntryKind, str]] = {
    "favorites": ("favorite", "Favorites"),
    "watchlist": ("watchlist", "Watchlist"),
    "ratings": ("rated", "Ratings"),
}


def media_of(raw: str | None) -> str:
    """`movie` (default) or `tv`."""
    return "tv" if raw == "tv" else "movie"


class SignUpPages(Controller):
    """GET/POST /signup, open only when FILMSHELF_SIGNUP=open."""

    path = "/signup"

    @get("/")
    async def show_signup(self, request: AnyRequest) -> Template:
        """The sign-up form (404 when sign-up is closed)."""
        if not services_of(request).settings.signup_open:
            return message(404, "Sign-up is closed", "Ask the administrator of this server for an account.")
        return page("signup.html.j2", error=None, username="", display_name="")

    @post("/")
    async def submit_signup(self, request: AnyRequest) -> Response[Any] | Template:
        """Create the account and sign it in."""
        services = services_of(request)
        if not services.settings.signup_open:
            return message(404, "Sign-up is closed", "Ask the administrator of this server for an account.")
        if (limited := await throttled(request, "signup")) is not None:
            return limited
        form = await form_of(request)
        username, name = form.get("username", "")[:64], form.get("name", "")[:128]
        password, again = form.get("password", "")[:1100], form.get("password_again", "")[:1100]
        error = None
        if password != again:
            error = "The two passwords differ."
        else:
            try:
                account = await users.create_account(
                    services.db,
                    hasher=services.hasher,
                    username=username,
                    password=password,
                    name=name,
                    now=services.clock.now(),
                    admin=False,
                )
            except (users.UsernameRejected, passwords.PasswordRejected) as exc:
                error = f"Refused: {exc}."
        if error is not None:
            return page("signup.html.j2", 400, error=error, username=username, display_name=name)
        request.set_session({"account_id": account.id, "generation": account.session_generation, ROTATE: True})
        return see_other("/account")


class AccountPages(Controller):
    """/account: overview, password, and the title lists."""

    path = "/account"

    @get("/")
    async def show_account(self, request: AnyRequest, done: FromQuery[str | None] = None) -> Response[Any] | Template:
        """What the account holds and where to manage it."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        return page("account.html.j2", account=account, done=done)

    @get("/password")
    async def show_password(self, request: AnyRequest) -> Response[Any] | Template:
        """The password form."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        return page("password.html.j2", account=account, error=None)

    @post("/password")
    async def submit_password(self, request: AnyRequest) -> Response[Any] | Template:
        """Change the password: every other browser session, access token and v3 session made from
        one ends; this browser stays signed in."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        if (limited := await throttled(request, "password", f"account:{account.id}")) is not None:
            return limited
        form = await form_of(request)
        new, again = form.get("new_password", "")[:1100], form.get("new_password_again", "")[:1100]
        services = services_of(request)
        if new != again:
            return page("password.html.j2", 400, account=account, error="The two new passwords differ.")
        try:
            generation = await users.change_own_password(
                services.db,
                hasher=services.hasher,
                account_id=account.id,
                current_password=form.get("current_password", "")[:1100],
                new_password=new,
                now=services.clock.now(),
            )
        except passwords.PasswordRejected as exc:
            return page("password.html.j2", 400, account=account, error=f"Refused: {exc}.")
        except users.PasswordMismatch:
            return page("password.html.j2", 400, account=account, error="The current password is wrong.")
        except passwords.HasherBusy:
            busy = page("password.html.j2", 429, account=account, error="The server is busy. Try again in a moment.")
            busy.headers["Retry-After"] = "1"
            return busy
        request.set_session({"account_id": account.id, "generation": generation, ROTATE: True})
        return see_other("/account?done=password")

    @get(["/favorites", "/watchlist", "/ratings"])
    async def show_entries(
        self, request: AnyRequest, sort_by: FromQuery[str | None] = None
    ) -> Response[Any] | Template:
        """Favorites, watchlist or ratings of one media type, paged and sorted as the API does."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        which = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        kind, heading = KINDS[which]
        media_type = media_of(request.query_params.get("media"))
        services = services_of(request)
        try:
            sort = _media_sort(sort_by, media_type)
            number = parse_page(request.query_params.get("page"))
        except FilmshelfError:
            return not_found(account)
        found = await _entries(services, kind, account.id, media_type, sort, number)
        return page(
            "entries.html.j2",
            account=account,
            heading=heading,
            which=which,
            kind=kind,
            media=media_type,
            found=found,
            sort_by=sort_by or "created_at.asc",
            sorts=media.allowed_sorts(media_type, v3=False),
        )

    @get("/recommendations")
    async def show_recommendations(self, request: AnyRequest) -> Response[Any] | Template:
        """Recommendations computed from favorites, ratings and watchlist (as the API's)."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        media_type = media_of(request.query_params.get("media"))
        try:
            number = parse_page(request.query_params.get("page"))
        except FilmshelfError:
            return not_found(account)
        async with services_of(request).db.read() as conn:
            found = await recommendations.recommendations_page(
                conn, account_id=account.id, media_type=media_type, page=number
            )
        return page("recommendations.html.j2", account=account, media=media_type, found=found)


def _media_sort(raw: str | None, media_type: str) -> media.Sort:
    return media.parse_sort(raw, media_type=media_type, v3=False)


async def _entries(
    services: Any, kind: media.EntryKind, account_id: int, media_type: str, sort: media.Sort, number: int
) -> Page[Any]:
    async with services.db.read() as conn:
        return await media.entries_page(
            conn, kind=kind, account_id=account_id, media_type=media_type, sort=sort, page=number
        )
