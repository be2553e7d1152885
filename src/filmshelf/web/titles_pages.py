"""Search and title pages, with the heart (favorite), bookmark (watchlist), stars (rating) and
"add to list" — through the same domain functions as the v3 account/rating API and the v4 lists API.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from filmshelf.accounts import media
from filmshelf.api.guards import services_of
from filmshelf.catalog import lookup, reference
from filmshelf.errors import FilmshelfError
from filmshelf.lists import rules, service
from filmshelf.web.common import (
    AnyRequest,
    form_of,
    local_path,
    not_found,
    page,
    see_other,
    signed_in_account,
    throttled,
    to_login,
    write_as,
)
from filmshelf.wire import parse_page, parse_path_id

RATING_CHOICES = [x / 2 for x in range(20, 0, -1)]
POSTER_SIZE = "w342"


def image_base() -> str:
    """The configured image base (`/3/configuration`'s secure_base_url), ending in '/'."""
    return reference.configuration()["images"]["secure_base_url"]


def genre_names(media_type: str, genre_ids: tuple[int, ...]) -> list[str]:
    """Names of a title's genres, unknown ids left out."""
    names = (reference.genre_name(media_type, genre) for genre in genre_ids)
    return [name for name in names if name]


class SearchPage(Controller):
    """GET /search?q=&media=movie|tv&page= (throttled per address)."""

    @get("/search")
    async def show_search(
        self, request: AnyRequest, q: FromQuery[str | None] = None, media: FromQuery[str | None] = None
    ) -> Template:
        """Search movies or TV shows by title, most popular first, as /3/search does."""
        account = await signed_in_account(request)
        media_type = "tv" if media == "tv" else "movie"
        query = (q or "")[: lookup.MAX_QUERY_CHARS]
        found = None
        if query.strip():
            if (limited := await throttled(request, "search")) is not None:
                return limited
            try:
                number = parse_page(request.query_params.get("page"))
            except FilmshelfError:
                return not_found(account)
            async with services_of(request).db.read() as conn:
                found = await lookup.search(
                    conn, media_type=media_type, query=query, page=number, include_adult=False, year=None
                )
        return page("search.html.j2", account=account, q=query, media=media_type, found=found)


class TitlePages(Controller):
    """GET /movie/{id}, /tv/{id} and the POSTs that mark, rate or list a title."""

    @get(["/movie/{media_id:str}", "/tv/{media_id:str}"])
    async def show_title(
        self, request: AnyRequest, media_id: FromPath[str], done: FromQuery[str | None] = None
    ) -> Template:
        """Facts, genres, overview and poster; the account's own marks when signed in."""
        media_type = _media_type(request)
        account = await signed_in_account(request)
        services = services_of(request)
        async with services.db.read() as conn:
            try:
                row = await lookup.title_or_raise(conn, media_type, media_id)
            except FilmshelfError:
                return not_found(account)
            state = choices = None
            if account is not None:
                state = await media.title_state(conn, account_id=account.id, media_type=media_type, media_id=row.id)
                choices = await media.list_choices(conn, account_id=account.id)
        return page(
            "title.html.j2",
            account=account,
            media=media_type,
            row=row,
            genres=genre_names(media_type, row.genre_ids),
            poster=image_base() + POSTER_SIZE + row.poster_path if row.poster_path else None,
            state=state,
            choices=choices,
            ratings=RATING_CHOICES,
            done=done,
            here=f"/{media_type}/{row.id}",
        )

    @post(["/movie/{media_id:str}/favorite", "/tv/{media_id:str}/favorite"])
    async def submit_favorite(self, request: AnyRequest, media_id: FromPath[str]) -> Response[Any]:
        """Heart on (on=1) or off (on=0)."""
        return await _mark(request, media_id, "favorite")

    @post(["/movie/{media_id:str}/watchlist", "/tv/{media_id:str}/watchlist"])
    async def submit_watchlist(self, request: AnyRequest, media_id: FromPath[str]) -> Response[Any]:
        """Bookmark on (on=1) or off (on=0)."""
        return await _mark(request, media_id, "watchlist")

    @post(["/movie/{media_id:str}/rating", "/tv/{media_id:str}/rating"])
    async def submit_rating(self, request: AnyRequest, media_id: FromPath[str]) -> Response[Any]:
        """Set the rating (`value`, 0.5-10 in halves) or clear it (`clear=1`)."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        media_type, number = _media_type(request), parse_path_id(media_id)
        form = await form_of(request)
        services = services_of(request)
        if form.get("clear"):
            async with write_as(request, account) as conn:
                await media.unrate(
                    conn, account_id=account.id, media_type=media_type, media_id=number, now=services.clock.now()
                )
        else:
            value = media.parse_rating(form.get("value"))
            async with write_as(request, account) as conn:
                await media.rate(
                    conn,
                    account_id=account.id,
                    media_type=media_type,
                    media_id=number,
                    value=value,
                    now=services.clock.now(),
                )
        return see_other(local_path(form.get("next") or f"/{media_type}/{number}"))

    @post(["/movie/{media_id:str}/lists", "/tv/{media_id:str}/lists"])
    async def submit_add_to_list(self, request: AnyRequest, media_id: FromPath[str]) -> Response[Any]:
        """Add the title to one of the account's lists (`list_id`)."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        media_type, number = _media_type(request), parse_path_id(media_id)
        form = await form_of(request)
        list_id = rules.parse_list_id(form.get("list_id", ""))
        services = services_of(request)
        async with write_as(request, account) as conn:
            outcome = await service.add_items(
                conn,
                list_id=list_id,
                account_id=account.id,
                items=[service.ItemInput(media_type=media_type, media_id=number)],
                now=services.clock.now(),
            )
        done = "listed" if outcome[0].success else "already-listed"
        return see_other(f"/{media_type}/{number}?done={done}")


def _media_type(request: AnyRequest) -> str:
    return "tv" if request.url.path.startswith("/tv/") else "movie"


async def _mark(request: AnyRequest, media_id: str, kind: media.MarkKind) -> Response[Any]:
    account = await signed_in_account(request)
    if account is None:
        return to_login(request)
    media_type, number = _media_type(request), parse_path_id(media_id)
    form = await form_of(request)
    services = services_of(request)
    async with write_as(request, account) as conn:
        await media.set_mark(
            conn,
            kind=kind,
            account_id=account.id,
            media_type=media_type,
            media_id=number,
            on=form.get("on") == "1",
            now=services.clock.now(),
        )
    return see_other(local_path(form.get("next") or f"/{media_type}/{number}"))
