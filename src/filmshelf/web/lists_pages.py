"""My lists and a list's own page, through `filmshelf.lists.service` — the functions behind /4/list.

A list page is the shareable page too: a public list shows to anyone, signed in or not; a
private list shows only to its owner and is "not found" to everyone else, as in the API.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from filmshelf.accounts import media
from filmshelf.api.guards import services_of
from filmshelf.catalog import lookup
from filmshelf.errors import FilmshelfError
from filmshelf.lists import rules, service
from filmshelf.web.common import (
    AnyRequest,
    form_of,
    not_found,
    page,
    see_other,
    signed_in_account,
    throttled,
    to_login,
    write_as,
)
from filmshelf.wire import parse_page, parse_path_id

SORT_LABELS = {
    "original_order.asc": "Order added (first to last)",
    "original_order.desc": "Order added (last to first)",
    "vote_average.asc": "Rating (lowest first)",
    "vote_average.desc": "Rating (highest first)",
    "primary_release_date.asc": "Release date (oldest first)",
    "primary_release_date.desc": "Release date (newest first)",
    "title.asc": "Title (A to Z)",
    "title.desc": "Title (Z to A)",
}


def _checkbox(form: dict[str, str], name: str) -> bool:
    return form.get(name) in {"1", "on", "true"}


def _text(form: dict[str, str], name: str, limit: int) -> str:
    # Longer than the rule allows is refused by the rule (422); past that, do not hold megabytes.
    return form.get(name, "")[: limit + 1].replace("\r\n", "\n")


class ListsPages(Controller):
    """/lists and /lists/{id}."""

    path = "/lists"

    @get("/")
    async def show_lists(self, request: AnyRequest) -> Response[Any] | Template:
        """Every list of the account, newest first, and the form to make one."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        try:
            number = parse_page(request.query_params.get("page"))
        except FilmshelfError:
            return not_found(account)
        async with services_of(request).db.read() as conn:
            found = await media.lists_page(conn, account_id=account.id, page=number)
        return page("lists.html.j2", account=account, found=found)

    @post("/")
    async def create_list(self, request: AnyRequest) -> Response[Any]:
        """Create a list (name, description, public) and open it."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        form = await form_of(request)
        services = services_of(request)
        async with write_as(request, account) as conn:
            list_id = await service.create_list(
                conn,
                account_id=account.id,
                name=_text(form, "name", rules.NAME_MAX),
                description=_text(form, "description", rules.DESCRIPTION_MAX),
                public=_checkbox(form, "public"),
                iso_639_1=None,
                iso_3166_1=None,
                now=services.clock.now(),
            )
        return see_other(f"/lists/{list_id}")

    @get("/{list_id:str}")
    async def show_list(
        self,
        request: AnyRequest,
        list_id: FromPath[str],
        sort_by: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Template:
        """One page of the list in `sort_by` order (else its own); the owner also gets the forms."""
        account = await signed_in_account(request)
        services = services_of(request)
        try:
            number = rules.parse_list_id(list_id)
            page_number = parse_page(request.query_params.get("page"))
            if sort_by is not None:
                rules.parse_sort_by(sort_by)
        except FilmshelfError:
            return not_found(account)
        media_type = "tv" if request.query_params.get("media") == "tv" else "movie"
        query = (q or "")[: lookup.MAX_QUERY_CHARS]
        async with services.db.read() as conn:
            try:
                found = await service.read_page(
                    conn,
                    list_id=number,
                    account_id=account.id if account else None,
                    page=page_number,
                    sort_by=sort_by or None,
                )
            except FilmshelfError:
                return not_found(account)
        owner = account is not None and account.id == found.info.account_id
        results = None
        if owner and query.strip():
            if (limited := await throttled(request, "search")) is not None:
                return limited
            async with services.db.read() as conn:
                results = await lookup.search(
                    conn, media_type=media_type, query=query, page=1, include_adult=False, year=None
                )
        return page(
            "list.html.j2",
            account=account,
            found=found,
            info=found.info,
            owner=owner,
            total_pages=found.total_pages,
            sort_labels=SORT_LABELS,
            share_url=f"{services.settings.public_url}/lists/{number}",
            q=query,
            media=media_type,
            results=results,
            chosen_sort=sort_by or "",
        )

    @post("/{list_id:str}/edit")
    async def edit_list(self, request: AnyRequest, list_id: FromPath[str]) -> Response[Any]:
        """Rename, describe, make public or private, and choose the saved order."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        form = await form_of(request)
        number = rules.parse_list_id(list_id)
        services = services_of(request)
        async with write_as(request, account) as conn:
            await service.update_list(
                conn,
                list_id=number,
                account_id=account.id,
                changes=service.ListChanges(
                    name=_text(form, "name", rules.NAME_MAX),
                    description=_text(form, "description", rules.DESCRIPTION_MAX),
                    public=_checkbox(form, "public"),
                    sort_by=form.get("sort_by") or None,
                ),
                now=services.clock.now(),
            )
        return see_other(f"/lists/{number}")

    @post("/{list_id:str}/delete")
    async def delete_list(self, request: AnyRequest, list_id: FromPath[str]) -> Response[Any]:
        """Delete the list and its items."""
        account = await signed_in_account(request)
        if account is None:
            return to_login(request)
        number = rules.parse_list_id(list_id)
        async with write_as(request, account) as conn:
            await service.delete_list(conn, list_id=number, account_id=account.id)
        return see_other("/lists")

    @post("/{list_id:str}/items")
    async def add_item(self, request: AnyRequest, list_id: FromPath[str]) -> Response[Any]:
        """Add a catalog title (media_type, media_id, optional comment)."""
        return await _items(request, list_id, "add")

    @post("/{list_id:str}/items/remove")
    async def remove_item(self, request: AnyRequest, list_id: FromPath[str]) -> Response[Any]:
        """Remove a title from the list."""
        return await _items(request, list_id, "remove")

    @post("/{list_id:str}/items/comment")
    async def comment_item(self, request: AnyRequest, list_id: FromPath[str]) -> Response[Any]:
        """Set (or, empty, clear) the comment of an item."""
        return await _items(request, list_id, "comment")


async def _items(request: AnyRequest, list_id: str, action: str) -> Response[Any]:
    account = await signed_in_account(request)
    if account is None:
        return to_login(request)
    form = await form_of(request)
    number = rules.parse_list_id(list_id)
    media_type = form.get("media_type", "")
    media_id = parse_path_id(form.get("media_id", ""))
    comment = _text(form, "comment", rules.COMMENT_MAX) or None
    item = service.ItemInput(media_type=media_type, media_id=media_id, comment=comment)
    services = services_of(request)
    operation = {"add": service.add_items, "remove": service.remove_items, "comment": service.update_items}[action]
    async with write_as(request, account) as conn:
        await operation(conn, list_id=number, account_id=account.id, items=[item], now=services.clock.now())
    back = form.get("back", "")
    suffix = back if back.startswith("?") and len(back) < 600 else ""
    return see_other(f"/lists/{number}{suffix}")
