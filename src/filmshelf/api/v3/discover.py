"""v3 discovery: named lists, trending, /3/discover, /3/search/multi, /3/find/{external_id}.

Rules live in catalog/discover.py (parameters, orders, windows) and catalog/lookup.py (search,
find); these routes authenticate the app, parse, read one page in SQL and shape rows with
api/shapes.py. Every call needs an app credential (else 401 / 7, checked first).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter

from filmshelf.api.guards import app_caller, services_of
from filmshelf.api.shapes import MovieResult, TvResult, media_result
from filmshelf.api.v3 import structs as s
from filmshelf.api.v3.titles import result_page
from filmshelf.catalog import discover, lookup
from filmshelf.catalog.discover import DiscoverParams, TitlePage
from filmshelf.errors import NotFound
from filmshelf.wire import Page, parse_page

AnyRequest = Request[Any, Any, Any]
_Q = QueryParameter


def _mixed(found: TitlePage) -> s.MixedResultsPage:
    return s.MixedResultsPage(
        page=found.page,
        results=[media_result(row, with_media_type=True) for row in found.rows],
        total_pages=found.total_pages,
        total_results=found.total_results,
    )


async def _named(
    request: AnyRequest, name: str, media_type: str, page: str | None, timezone: str | None = None
) -> tuple[TitlePage, discover.DateWindow | None]:
    services = services_of(request)
    await app_caller(request)
    async with services.db.read() as conn:
        page_number = parse_page(page)
        day = discover.today(services.clock.now(), timezone)
        wanted, order = discover.named_list(name, media_type, day)
        found = await discover.read_page(conn, wanted, order, page=page_number, totals=services.catalog_totals)
    window = {"now_playing": discover.now_playing_window, "upcoming": discover.upcoming_window}.get(name)
    return found, window(day) if window else None


def _movies(found: TitlePage) -> s.MovieResultsPage:
    page = result_page(found, "movie", with_media_type=False)
    assert isinstance(page, s.MovieResultsPage)
    return page


def _shows(found: TitlePage) -> s.TvResultsPage:
    page = result_page(found, "tv", with_media_type=False)
    assert isinstance(page, s.TvResultsPage)
    return page


def _dated(found: TitlePage, window: discover.DateWindow | None) -> s.DatedMoviePage:
    assert window is not None
    movies = _movies(found)
    return s.DatedMoviePage(
        dates=s.DateRange(maximum=window.maximum, minimum=window.minimum),
        page=movies.page,
        results=movies.results,
        total_pages=movies.total_pages,
        total_results=movies.total_results,
    )


class DiscoverController(Controller):
    """Named movie and TV lists, trending, discover, multi search, find."""

    path = "/3"
    tags = ["DISCOVERY (v3)"]

    # --- movie lists ---
    @get("/movie/popular", status_code=200, operation_id="moviePopularList")
    async def movie_popular(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> s.MovieResultsPage:
        """Movies by popularity (docs/popularity.md)."""
        found, _ = await _named(request, "popular", "movie", page)
        return _movies(found)

    @get("/movie/top_rated", status_code=200, operation_id="movieTopRatedList")
    async def movie_top_rated(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> s.MovieResultsPage:
        """Movies by their Bayesian vote average (docs/popularity.md)."""
        found, _ = await _named(request, "top_rated", "movie", page)
        return _movies(found)

    @get("/movie/now_playing", status_code=200, operation_id="movieNowPlayingList")
    async def movie_now_playing(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> s.DatedMoviePage:
        """Movies released in the last six weeks, most popular first."""
        found, window = await _named(request, "now_playing", "movie", page)
        return _dated(found, window)

    @get("/movie/upcoming", status_code=200, operation_id="movieUpcomingList")
    async def movie_upcoming(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> s.DatedMoviePage:
        """Movies releasing in the next six weeks, most popular first."""
        found, window = await _named(request, "upcoming", "movie", page)
        return _dated(found, window)

    # --- TV lists ---
    @get("/tv/popular", status_code=200, operation_id="tvSeriesPopularList")
    async def tv_popular(
        self, request: AnyRequest, page: FromQuery[str | None] = None, language: FromQuery[str | None] = None
    ) -> s.TvResultsPage:
        """TV shows by popularity."""
        found, _ = await _named(request, "popular", "tv", page)
        return _shows(found)

    @get("/tv/top_rated", status_code=200, operation_id="tvSeriesTopRatedList")
    async def tv_top_rated(
        self, request: AnyRequest, page: FromQuery[str | None] = None, language: FromQuery[str | None] = None
    ) -> s.TvResultsPage:
        """TV shows by their Bayesian vote average."""
        found, _ = await _named(request, "top_rated", "tv", page)
        return _shows(found)

    @get("/tv/on_the_air", status_code=200, operation_id="tvSeriesOnTheAirList")
    async def tv_on_the_air(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        timezone: FromQuery[str | None] = None,
    ) -> s.TvResultsPage:
        """Shows with an air date (first, last or next episode) in the next seven days."""
        found, _ = await _named(request, "on_the_air", "tv", page, timezone)
        return _shows(found)

    @get("/tv/airing_today", status_code=200, operation_id="tvSeriesAiringTodayList")
    async def tv_airing_today(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        timezone: FromQuery[str | None] = None,
    ) -> s.TvResultsPage:
        """Shows with an air date today (in `timezone`, UTC when absent)."""
        found, _ = await _named(request, "airing_today", "tv", page, timezone)
        return _shows(found)

    # --- trending ---
    @get("/trending/{media:str}/{time_window:str}", status_code=200, operation_id="trending")
    async def trending(
        self,
        request: AnyRequest,
        media: FromPath[str],
        time_window: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.MixedResultsPage:
        """What filmshelf's users added in the last day or week, then popularity; `media` all|movie|tv|person."""
        await app_caller(request)
        async with services_of(request).db.read() as conn:
            if media not in ("all", "movie", "tv", "person") or time_window not in ("day", "week"):
                raise NotFound()
            page_number = parse_page(page)
            query = discover.trending_query(media, time_window)
            found: TitlePage
            if query is None:
                found = Page(page=page_number, rows=[], total_results=0)
            else:
                totals = services_of(request).catalog_totals
                found = await discover.read_page(conn, *query, page=page_number, totals=totals)
        return _mixed(found)

    # --- discover ---
    @get("/discover/movie", status_code=200, operation_id="discoverMovie")
    async def discover_movie(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
        with_genres: FromQuery[str | None] = None,
        without_genres: FromQuery[str | None] = None,
        primary_release_year: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
        primary_release_date_gte: Annotated[str | None, _Q(name="primary_release_date.gte")] = None,
        primary_release_date_lte: Annotated[str | None, _Q(name="primary_release_date.lte")] = None,
        release_date_gte: Annotated[str | None, _Q(name="release_date.gte")] = None,
        release_date_lte: Annotated[str | None, _Q(name="release_date.lte")] = None,
        with_original_language: FromQuery[str | None] = None,
        vote_average_gte: Annotated[str | None, _Q(name="vote_average.gte")] = None,
        vote_average_lte: Annotated[str | None, _Q(name="vote_average.lte")] = None,
        vote_count_gte: Annotated[str | None, _Q(name="vote_count.gte")] = None,
        vote_count_lte: Annotated[str | None, _Q(name="vote_count.lte")] = None,
        include_adult: FromQuery[str | None] = None,
        include_video: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> s.MovieResultsPage:
        """Movies by filters and `sort_by` (catalog/discover.py lists the rules)."""
        params = DiscoverParams(
            with_genres=with_genres,
            without_genres=without_genres,
            primary_release_year=primary_release_year,
            year=year,
            primary_release_date_gte=primary_release_date_gte,
            primary_release_date_lte=primary_release_date_lte,
            release_date_gte=release_date_gte,
            release_date_lte=release_date_lte,
            with_original_language=with_original_language,
            vote_average_gte=vote_average_gte,
            vote_average_lte=vote_average_lte,
            vote_count_gte=vote_count_gte,
            vote_count_lte=vote_count_lte,
            include_adult=include_adult,
            include_video=include_video,
            sort_by=sort_by,
        )
        return _movies(await _discover(request, "movie", params, page))

    @get("/discover/tv", status_code=200, operation_id="discoverTv")
    async def discover_tv(
        self,
        request: AnyRequest,
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
        with_genres: FromQuery[str | None] = None,
        without_genres: FromQuery[str | None] = None,
        first_air_date_year: FromQuery[str | None] = None,
        first_air_date_gte: Annotated[str | None, _Q(name="first_air_date.gte")] = None,
        first_air_date_lte: Annotated[str | None, _Q(name="first_air_date.lte")] = None,
        air_date_gte: Annotated[str | None, _Q(name="air_date.gte")] = None,
        air_date_lte: Annotated[str | None, _Q(name="air_date.lte")] = None,
        with_original_language: FromQuery[str | None] = None,
        vote_average_gte: Annotated[str | None, _Q(name="vote_average.gte")] = None,
        vote_average_lte: Annotated[str | None, _Q(name="vote_average.lte")] = None,
        vote_count_gte: Annotated[str | None, _Q(name="vote_count.gte")] = None,
        vote_count_lte: Annotated[str | None, _Q(name="vote_count.lte")] = None,
        include_adult: FromQuery[str | None] = None,
        include_null_first_air_dates: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        timezone: FromQuery[str | None] = None,
    ) -> s.TvResultsPage:
        """TV shows by filters and `sort_by` (catalog/discover.py lists the rules)."""
        params = DiscoverParams(
            with_genres=with_genres,
            without_genres=without_genres,
            first_air_date_year=first_air_date_year,
            first_air_date_gte=first_air_date_gte,
            first_air_date_lte=first_air_date_lte,
            air_date_gte=air_date_gte,
            air_date_lte=air_date_lte,
            with_original_language=with_original_language,
            vote_average_gte=vote_average_gte,
            vote_average_lte=vote_average_lte,
            vote_count_gte=vote_count_gte,
            vote_count_lte=vote_count_lte,
            include_adult=include_adult,
            include_null_first_air_dates=include_null_first_air_dates,
            sort_by=sort_by,
        )
        return _shows(await _discover(request, "tv", params, page))

    # --- multi search, find ---
    @get("/search/multi", status_code=200, operation_id="searchMulti")
    async def search_multi(
        self,
        request: AnyRequest,
        search_query: Annotated[str | None, _Q(name="query")] = None,
        page: FromQuery[str | None] = None,
        include_adult: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.MixedResultsPage:
        """Movies and TV shows whose title contains `query`, most popular first, each with `media_type`."""
        await app_caller(request)
        async with services_of(request).db.read() as conn:
            page_number = parse_page(page)
            found = await lookup.search(
                conn,
                media_type=None,
                query=search_query,
                page=page_number,
                include_adult=lookup.parse_include_adult(include_adult),
                year=None,
            )
        return s.MixedResultsPage(
            page=found.page,
            results=[media_result(row, with_media_type=True) for row in found.rows],
            total_pages=found.total_pages,
            total_results=found.total_results,
        )

    @get("/find/{external_id:str}", status_code=200, operation_id="findById")
    async def find_by_id(
        self,
        request: AnyRequest,
        external_id: FromPath[str],
        external_source: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.FindResults:
        """Catalog titles by IMDb, TVDB, Wikidata ... id, as TMDB's find answer (each result with `media_type`)."""
        await app_caller(request)
        async with services_of(request).db.read() as conn:
            rows = await lookup.find(conn, external_id=external_id, source=external_source)
        found = [media_result(row, with_media_type=True) for row in rows]
        return s.FindResults(
            movie_results=[result for result in found if isinstance(result, MovieResult)],
            person_results=[],
            tv_results=[result for result in found if isinstance(result, TvResult)],
            tv_episode_results=[],
            tv_season_results=[],
        )


async def _discover(request: AnyRequest, media_type: str, params: DiscoverParams, page: str | None) -> TitlePage:
    await app_caller(request)
    async with services_of(request).db.read() as conn:
        page_number = parse_page(page)
        wanted, order = discover.discover_query(media_type, params)
        totals = services_of(request).catalog_totals
        return await discover.read_page(conn, wanted, order, page=page_number, totals=totals)
