"""LISTS (v3): the same lists as `/4/list`, seen and changed one movie at a time.

A list made here is read, changed and deleted through `/4/list` and `/4/account/.../lists`, and
the other way round: there is one list state (`filmshelf.lists.service`). Writes need someone
acting for an account (a `session_id`, or a v4 user access token as Bearer); reads need only an
app credential and see private lists only when that someone owns them. Shapes and codes follow
TMDB's v3 spec (docs/wire-decisions.md, "Lists (v3)").
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from filmshelf.accounts import media
from filmshelf.api.envelope import StatusBody, status_body
from filmshelf.api.guards import Caller, app_caller, body_params, request_param, services_of, session_caller, write_for
from filmshelf.api.public_api import NO_STORE_HEADERS
from filmshelf.api.shapes import media_result
from filmshelf.api.v3.structs import V3ItemStatus, V3ListCreateBody, V3ListCreated, V3ListDetails, V3ListItemBody
from filmshelf.errors import DELETED, SUCCESS, UPDATED, FilmshelfError, InvalidParameters
from filmshelf.lists import rules, service
from filmshelf.wire import parse_page

AnyRequest = Request[Any, Any, Any]
# TMDB's wording for a created list (its status table says "Success." for code 1 elsewhere).
CREATED_MESSAGE = "The item/record was created successfully."


class ConfirmRequired(FilmshelfError):
    """`clear` without `confirm=true` (400 / 29)."""

    code = 29


async def _reader(request: AnyRequest) -> int | None:
    """The account reading a list: the session's, else the Bearer user token's, else nobody (app only)."""
    if await request_param(request, "session_id") is not None:
        return (await session_caller(request)).account_id
    caller = await app_caller(request)
    return caller.user.account_id if caller.user is not None else None


async def _writer(request: AnyRequest) -> Caller:
    """Someone acting for an account: a session, or a Bearer user token (401 / 3 otherwise)."""
    return await session_caller(request)


def _confirmed(raw: object) -> bool:
    return raw is True or (isinstance(raw, str) and raw.lower() == "true")


class V3ListsController(Controller):
    """Everything under /3/list."""

    path = "/3/list"
    tags = ["LISTS (v3)"]
    response_headers = NO_STORE_HEADERS

    @post("", status_code=201, operation_id="listCreateV3")
    async def create_list(
        self, request: AnyRequest, data: JSONBody[V3ListCreateBody | None] = None
    ) -> Response[V3ListCreated]:
        """Create a public list owned by the caller; answers its `list_id`."""
        body = data or V3ListCreateBody()
        caller = await _writer(request)
        name = rules.parse_v3_text(body.name, "name")
        description = rules.parse_v3_text(body.description, "description")
        language, country = rules.parse_v3_language(body.language)
        async with write_for(request, caller) as conn:
            list_id = await service.create_list(
                conn,
                account_id=caller.account_id,
                name=name,
                description=description,
                public=None,
                iso_639_1=language,
                iso_3166_1=country,
                now=services_of(request).clock.now(),
            )
        created = V3ListCreated(status_message=CREATED_MESSAGE, success=True, status_code=SUCCESS.code, list_id=list_id)
        return Response(created, status_code=201)

    @get("/{list_id:str}", status_code=200, operation_id="listDetailsV3")
    async def get_list(
        self,
        request: AnyRequest,
        list_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> V3ListDetails:
        """One page (20 items) of a list in its saved order; movies and TV shows alike, each with `media_type`."""
        account_id = await _reader(request)
        number = rules.parse_list_id(list_id)
        page_number = parse_page(page)
        async with services_of(request).db.read() as conn:
            found = await service.read_page(conn, list_id=number, account_id=account_id, page=page_number, sort_by=None)
        info = found.info
        return V3ListDetails(
            created_by=found.owner.username,
            description=info.description,
            favorite_count=0,
            id=str(info.id),
            iso_639_1=info.iso_639_1,
            item_count=info.item_count,
            items=[media_result(entry.title) for entry in found.entries],
            name=info.name,
            page=found.page,
            poster_path=found.poster_path,
            total_pages=found.total_pages,
            total_results=info.item_count,
        )

    @get("/{list_id:str}/item_status", status_code=200, operation_id="listItemStatusV3")
    async def item_status(
        self, request: AnyRequest, list_id: FromPath[str], movie_id: FromQuery[str | None] = None
    ) -> V3ItemStatus:
        """`item_present`: is the movie on the list (200 either way)."""
        account_id = await _reader(request)
        number = rules.parse_list_id(list_id)
        if not movie_id:
            raise InvalidParameters(detail="movie_id is required")
        media_id = media.parse_media_id(movie_id)
        async with services_of(request).db.read() as conn:
            present = await service.has_movie(conn, list_id=number, account_id=account_id, media_id=media_id)
        return V3ItemStatus(id=number, item_present=present)

    @post("/{list_id:str}/add_item", status_code=201, operation_id="listAddMovieV3")
    async def add_item(
        self, request: AnyRequest, list_id: FromPath[str], data: JSONBody[V3ListItemBody | None] = None
    ) -> Response[StatusBody]:
        """Add a movie (201 / 12); already there 403 / 8; not in the catalog 404 / 34."""
        caller = await _writer(request)
        number = rules.parse_list_id(list_id)
        media_id = media.parse_media_id((data or V3ListItemBody()).media_id)
        now = services_of(request).clock.now()
        async with write_for(request, caller) as conn:
            await service.add_movie(conn, list_id=number, account_id=caller.account_id, media_id=media_id, now=now)
        return Response(status_body(UPDATED), status_code=UPDATED.http_status)

    @post("/{list_id:str}/remove_item", status_code=200, operation_id="listRemoveMovieV3")
    async def remove_item(
        self, request: AnyRequest, list_id: FromPath[str], data: JSONBody[V3ListItemBody | None] = None
    ) -> Response[StatusBody]:
        """Remove a movie (200 / 13, also when it was not on the list)."""
        caller = await _writer(request)
        number = rules.parse_list_id(list_id)
        media_id = media.parse_media_id((data or V3ListItemBody()).media_id)
        now = services_of(request).clock.now()
        async with write_for(request, caller) as conn:
            await service.remove_movie(conn, list_id=number, account_id=caller.account_id, media_id=media_id, now=now)
        return Response(status_body(DELETED), status_code=DELETED.http_status)

    @post("/{list_id:str}/clear", status_code=201, operation_id="listClearV3")
    async def clear(
        self, request: AnyRequest, list_id: FromPath[str], confirm: FromQuery[str | None] = None
    ) -> Response[StatusBody]:
        """Remove every item (201 / 12); needs `confirm=true` in the query or the body (else 400 / 29)."""
        caller = await _writer(request)
        number = rules.parse_list_id(list_id)
        if not _confirmed(confirm) and not _confirmed((await body_params(request)).get("confirm")):
            raise ConfirmRequired()
        now = services_of(request).clock.now()
        async with write_for(request, caller) as conn:
            await service.clear_list(conn, list_id=number, account_id=caller.account_id, now=now)
        return Response(status_body(UPDATED), status_code=UPDATED.http_status)

    @delete("/{list_id:str}", status_code=200, operation_id="listDeleteV3")
    async def delete_list(self, request: AnyRequest, list_id: FromPath[str]) -> StatusBody:
        """Delete a list and its items: HTTP 200 with TMDB's documented body (code 12), not the 500 /
        11 that TMDB itself answers on success (docs/wire-decisions.md)."""
        caller = await _writer(request)
        number = rules.parse_list_id(list_id)
        async with write_for(request, caller) as conn:
            await service.delete_list(conn, list_id=number, account_id=caller.account_id)
        return status_body(UPDATED)
