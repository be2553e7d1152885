"""GUEST SESSIONS (v3): what a guest rated.

The guest session id in the path is the credential: it must be live and belong to the calling
app, else 401 / 3, like a bad `session_id` (docs/wire-decisions.md, "Guest sessions").
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery

from filmshelf.accounts import media
from filmshelf.api.guards import app_caller, services_of
from filmshelf.api.shapes import MovieResult, TvResult, media_result
from filmshelf.api.v3.structs import EmptyPage, RatedMoviesV3, RatedMovieV3, RatedTvPageV3, RatedTvV3
from filmshelf.auth import guest_sessions
from filmshelf.storage.records import AccountEntry
from filmshelf.wire import Page, parse_page

AnyRequest = Request[Any, Any, Any]


async def _rated(
    request: AnyRequest, guest_session_id: str, media_type: str | None, page: str | None, sort_by: str | None
) -> Page[AccountEntry]:
    """One page of the guest's ratings of `media_type` (None: TV episodes, of which there are none)."""
    services = services_of(request)
    caller = await app_caller(request)
    page_number = parse_page(page)
    sort = media.parse_sort(sort_by, media_type=media_type or "tv", v3=True)
    async with services.db.read() as conn:
        session_hash = await guest_sessions.live_hash(
            conn, app=caller.app, guest_session_id=guest_session_id, now=services.clock.now()
        )
        if media_type is None:
            return Page(page=page_number, total_results=0, rows=[])
        return await guest_sessions.rated_page(
            conn, session_hash=session_hash, media_type=media_type, sort=sort, page=page_number
        )


class GuestSessionController(Controller):
    """GET /3/guest_session/{guest_session_id}/rated/..."""

    path = "/3/guest_session/{guest_session_id:str}"
    tags = ["GUEST SESSIONS (v3)"]

    @get("/rated/movies", status_code=200, operation_id="guestSessionRatedMovies")
    async def rated_movies(
        self,
        request: AnyRequest,
        guest_session_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> RatedMoviesV3:
        """The guest's rated movies, each with its `rating`."""
        found = await _rated(request, guest_session_id, "movie", page, sort_by)
        results = []
        for entry in found.rows:
            result = media_result(entry.title, with_media_type=False)
            assert isinstance(result, MovieResult)
            results.append(RatedMovieV3(**msgspec.structs.asdict(result), rating=entry.rating or 0.0))
        return RatedMoviesV3(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )

    @get("/rated/tv", status_code=200, operation_id="guestSessionRatedTv")
    async def rated_tv(
        self,
        request: AnyRequest,
        guest_session_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> RatedTvPageV3:
        """The guest's rated TV shows, each with its `rating`."""
        found = await _rated(request, guest_session_id, "tv", page, sort_by)
        results = []
        for entry in found.rows:
            result = media_result(entry.title, with_media_type=False)
            assert isinstance(result, TvResult)
            results.append(RatedTvV3(**msgspec.structs.asdict(result), rating=entry.rating or 0.0))
        return RatedTvPageV3(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )

    @get("/rated/tv/episodes", status_code=200, operation_id="guestSessionRatedTvEpisodes", include_in_schema=False)
    async def rated_episodes(
        self,
        request: AnyRequest,
        guest_session_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> EmptyPage:
        """The guest's rated TV episodes: always empty (the catalog holds no episodes)."""
        found = await _rated(request, guest_session_id, None, page, sort_by)
        return EmptyPage(page=found.page, results=[], total_pages=1, total_results=0)
