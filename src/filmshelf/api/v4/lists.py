"""LISTS (v4): details, create, update, delete, item batches, clear, item status.

Thin routes: authenticate (guards), parse ids and pages, call `filmshelf.lists.service`, shape
structs. Reads accept any app credential and see private lists only with the owner's user
token; every change needs the owner's user token with the write scope and runs in one
transaction together with the token check, so a revoked token changes nothing.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from filmshelf.api.envelope import StatusBody, status_body
from filmshelf.api.guards import app_caller, services_of, user_caller, write_for
from filmshelf.api.public_api import NO_STORE_HEADERS
from filmshelf.api.shapes import media_result
from filmshelf.api.v4.structs import (
    ListClearResponse,
    ListCreateBody,
    ListCreatedBy,
    ListCreateResponse,
    ListDetails,
    ListItemIn,
    ListItemResult,
    ListItemsBody,
    ListItemsResponse,
    ListItemStatusResponse,
    ListUpdateBody,
)
from filmshelf.errors import DELETED, SUCCESS, UPDATED, InvalidInput
from filmshelf.lists import rules, service
from filmshelf.lists.service import ItemInput, ItemOutcome
from filmshelf.wire import parse_page

AnyRequest = Request[Any, Any, Any]


_strict_items = msgspec.json.Decoder(ListItemsBody)


async def _items(request: AnyRequest) -> list[ItemInput]:
    """The items of the body, decoded strictly: Litestar's lax decoding would take "550" as 550.

    The handlers still declare `data: JSONBody[ListItemsBody]`: it documents the body in the
    OpenAPI schema and refuses malformed JSON before the handler runs.
    """
    try:
        body = _strict_items.decode(await request.body())
    except msgspec.ValidationError as exc:
        raise InvalidInput(detail=str(exc)) from exc
    return [_item(entry) for entry in body.items or []]


def _item(entry: ListItemIn) -> ItemInput:
    return ItemInput(media_type=entry.media_type, media_id=entry.media_id, comment=entry.comment)


def _items_response(outcomes: list[ItemOutcome]) -> ListItemsResponse:
    return ListItemsResponse(
        success=True,
        status_code=SUCCESS.code,
        status_message=SUCCESS.message,
        results=[ListItemResult(media_type=o.media_type, media_id=o.media_id, success=o.success) for o in outcomes],
    )


def _details(page: service.ListPage) -> ListDetails:
    info = page.info
    comments: dict[str, str | None] = {}
    object_ids: dict[str, str] = {}
    for entry in page.entries:
        key = f"{entry.media_type}:{entry.media_id}"
        comments[key] = entry.comment
        object_ids[key] = entry.object_id
    return ListDetails(
        average_rating=info.average_rating,
        backdrop_path=page.backdrop_path,
        comments=comments,
        created_by=ListCreatedBy(
            avatar_path=None,
            gravatar_hash=page.owner.gravatar_hash,
            id=page.owner.object_id,
            name=page.owner.name,
            username=page.owner.username,
        ),
        description=info.description,
        id=info.id,
        iso_3166_1=info.iso_3166_1,
        iso_639_1=info.iso_639_1,
        item_count=info.item_count,
        name=info.name,
        object_ids=object_ids,
        page=page.page,
        poster_path=page.poster_path,
        public=info.public,
        results=[media_result(entry.title) for entry in page.entries],
        revenue=info.revenue,
        runtime=info.runtime,
        sort_by=page.sort.value,
        total_pages=page.total_pages,
        total_results=info.item_count,
    )


class ListsController(Controller):
    """Everything under /4/list."""

    path = "/4/list"
    tags = ["LISTS"]

    @get("/{list_id:str}", status_code=200, operation_id="listDetails")
    async def get_list(
        self,
        request: AnyRequest,
        list_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> ListDetails:
        """One page (20 items) of a list, in `sort_by` order or the list's own."""
        services = services_of(request)
        caller = await app_caller(request)
        async with services.db.read() as conn:
            number = rules.parse_list_id(list_id)
            page_number = parse_page(page)
            result = await service.read_page(
                conn,
                list_id=number,
                account_id=caller.user.account_id if caller.user else None,
                page=page_number,
                sort_by=sort_by,
            )
        return _details(result)

    @post("", status_code=201, operation_id="listCreate")
    async def create_list(self, request: AnyRequest, data: JSONBody[ListCreateBody]) -> ListCreateResponse:
        """Create a list owned by the token's user; answers its `id`."""
        services = services_of(request)
        caller = await user_caller(request, write=True)
        async with write_for(request, caller) as conn:
            list_id = await service.create_list(
                conn,
                account_id=caller.account_id,
                name=data.name,
                description=data.description,
                public=data.public,
                iso_639_1=data.iso_639_1,
                iso_3166_1=data.iso_3166_1,
                now=services.clock.now(),
            )
        return ListCreateResponse(id=list_id, success=True, status_code=SUCCESS.code, status_message=SUCCESS.message)

    @put("/{list_id:str}", status_code=201, operation_id="listUpdate")
    async def update_list(
        self, request: AnyRequest, list_id: FromPath[str], data: JSONBody[ListUpdateBody]
    ) -> StatusBody:
        """Change a list's name, description, visibility, order or codes (status_code 12)."""
        services = services_of(request)
        caller = await user_caller(request, write=True)
        async with write_for(request, caller) as conn:
            await service.update_list(
                conn,
                list_id=rules.parse_list_id(list_id),
                account_id=caller.account_id,
                changes=service.ListChanges(
                    name=data.name,
                    description=data.description,
                    public=data.public,
                    sort_by=data.sort_by,
                    iso_639_1=data.iso_639_1,
                    iso_3166_1=data.iso_3166_1,
                ),
                now=services.clock.now(),
            )
        return status_body(UPDATED)

    @delete("/{list_id:str}", status_code=200, operation_id="listDelete")
    async def delete_list(self, request: AnyRequest, list_id: FromPath[str]) -> StatusBody:
        """Delete a list and its items (status_code 13)."""
        return await _delete_list(request, list_id)

    @post("/{list_id:str}/items", status_code=200, operation_id="listAddItems")
    async def add_list_items(
        self, request: AnyRequest, list_id: FromPath[str], data: JSONBody[ListItemsBody]
    ) -> ListItemsResponse:
        """Add up to 1000 items; each has its own `success`."""
        services = services_of(request)
        caller = await user_caller(request, write=True)
        items = await _items(request)
        async with write_for(request, caller) as conn:
            outcomes = await service.add_items(
                conn,
                list_id=rules.parse_list_id(list_id),
                account_id=caller.account_id,
                items=items,
                now=services.clock.now(),
            )
        return _items_response(outcomes)

    @put("/{list_id:str}/items", status_code=200, operation_id="listUpdateItems")
    async def update_list_items(
        self, request: AnyRequest, list_id: FromPath[str], data: JSONBody[ListItemsBody]
    ) -> ListItemsResponse:
        """Set the comments of up to 1000 items (an absent comment clears it)."""
        services = services_of(request)
        caller = await user_caller(request, write=True)
        items = await _items(request)
        async with write_for(request, caller) as conn:
            outcomes = await service.update_items(
                conn,
                list_id=rules.parse_list_id(list_id),
                account_id=caller.account_id,
                items=items,
                now=services.clock.now(),
            )
        return _items_response(outcomes)

    @delete("/{list_id:str}/items", status_code=200, operation_id="listRemoveItems")
    async def remove_list_items(
        self, request: AnyRequest, list_id: FromPath[str], data: JSONBody[ListItemsBody]
    ) -> ListItemsResponse:
        """Remove up to 1000 items; an item not on the list fails alone."""
        services = services_of(request)
        caller = await user_caller(request, write=True)
        items = await _items(request)
        async with write_for(request, caller) as conn:
            outcomes = await service.remove_items(
                conn,
                list_id=rules.parse_list_id(list_id),
                account_id=caller.account_id,
                items=items,
                now=services.clock.now(),
            )
        return _items_response(outcomes)

    @get("/{list_id:str}/clear", status_code=200, response_headers=NO_STORE_HEADERS, operation_id="listClear")
    async def clear_list(self, request: AnyRequest, list_id: FromPath[str]) -> ListClearResponse:
        """Remove every item (a GET that changes the list, as TMDB has it)."""
        services = services_of(request)
        caller = await user_caller(request, write=True)
        async with write_for(request, caller) as conn:
            number = rules.parse_list_id(list_id)
            deleted = await service.clear_list(
                conn, list_id=number, account_id=caller.account_id, now=services.clock.now()
            )
        return ListClearResponse(
            id=number,
            items_deleted=deleted,
            success=True,
            status_code=SUCCESS.code,
            status_message=SUCCESS.message,
        )

    @get("/{list_id:str}/item_status", status_code=200, operation_id="listItemStatus")
    async def get_list_item_status(
        self,
        request: AnyRequest,
        list_id: FromPath[str],
        media_id: FromQuery[str | None] = None,
        media_type: FromQuery[str | None] = None,
    ) -> ListItemStatusResponse:
        """200 if the item is on the list, 404 / 34 if not."""
        services = services_of(request)
        caller = await app_caller(request)
        async with services.db.read() as conn:
            number = rules.parse_list_id(list_id)
            kind, media_number = rules.parse_item_query(media_type, media_id)
            await service.item_status(
                conn,
                list_id=number,
                account_id=caller.user.account_id if caller.user else None,
                media_type=kind,
                media_id=media_number,
            )
        return ListItemStatusResponse(
            id=number,
            media_id=media_number,
            media_type=kind,
            success=True,
            status_code=SUCCESS.code,
            status_message=SUCCESS.message,
        )


class ListDeleteAliasController(Controller):
    """`DELETE /4/{list_id}`: the path TMDB's published OpenAPI gives list deletion (a typo)."""

    path = "/4"
    tags = ["LISTS"]
    include_in_schema = False

    @delete("/{list_id:str}", status_code=200, operation_id="listDeleteAlias")
    async def delete_list_alias(self, request: AnyRequest, list_id: FromPath[str]) -> StatusBody:
        """Same as DELETE /4/list/{list_id}."""
        return await _delete_list(request, list_id)


async def _delete_list(request: AnyRequest, list_id: str) -> StatusBody:
    caller = await user_caller(request, write=True)
    async with write_for(request, caller) as conn:
        await service.delete_list(conn, list_id=rules.parse_list_id(list_id), account_id=caller.account_id)
    return status_body(DELETED)
