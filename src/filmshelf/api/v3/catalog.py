"""v3 catalog reads: search, configuration and genre lists (details: titles.py; lists: discover.py).

Every call needs an app credential like TMDB (Bearer read token, Bearer user token, or
`api_key`), else 401 / code 7. `language` is accepted everywhere and changes nothing: the
catalog holds one language (docs/wire-decisions.md, "Catalog").
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter

from filmshelf.api.guards import app_caller, services_of
from filmshelf.api.shapes import MovieResult, TvResult, media_result
from filmshelf.api.v3.structs import GenreList, GenreV3, MovieSearchPage, TvSearchPage
from filmshelf.catalog import lookup, reference
from filmshelf.storage.records import Title
from filmshelf.wire import Page, parse_page

AnyRequest = Request[Any, Any, Any]


# `query` is a name Litestar reserves for the whole query string: the search text arrives under it.
async def _search(
    request: AnyRequest,
    media_type: str,
    *,
    query: str | None,
    page: str | None,
    include_adult: str | None,
    years: tuple[str | None, ...],
) -> Page[Title]:
    await app_caller(request)
    page_number = parse_page(page)
    year = lookup.parse_year(*years)
    async with services_of(request).db.read() as conn:
        return await lookup.search(
            conn,
            media_type=media_type,
            query=query,
            page=page_number,
            include_adult=lookup.parse_include_adult(include_adult),
            year=year,
        )


class CatalogController(Controller):
    """GET /3/search/movie, /3/search/tv (details and parts: api/v3/titles.py)."""

    path = "/3"
    tags = ["CATALOG (v3)"]

    @get("/search/movie", status_code=200, operation_id="searchMovie")
    async def search_movies(
        self,
        request: AnyRequest,
        search_query: Annotated[str | None, QueryParameter(name="query")] = None,
        page: FromQuery[str | None] = None,
        include_adult: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        primary_release_year: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
    ) -> MovieSearchPage:
        """Movies whose title or original title contains `query`, most popular first."""
        found = await _search(
            request,
            "movie",
            query=search_query,
            page=page,
            include_adult=include_adult,
            years=(primary_release_year, year),
        )
        results: list[MovieResult] = []
        for row in found.rows:
            result = media_result(row, with_media_type=False)
            assert isinstance(result, MovieResult)
            results.append(result)
        return MovieSearchPage(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )

    @get("/search/tv", status_code=200, operation_id="searchTv")
    async def search_tv(
        self,
        request: AnyRequest,
        search_query: Annotated[str | None, QueryParameter(name="query")] = None,
        page: FromQuery[str | None] = None,
        include_adult: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
        first_air_date_year: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
    ) -> TvSearchPage:
        """TV shows whose name or original name contains `query`, most popular first."""
        found = await _search(
            request,
            "tv",
            query=search_query,
            page=page,
            include_adult=include_adult,
            years=(first_air_date_year, year),
        )
        results: list[TvResult] = []
        for row in found.rows:
            result = media_result(row, with_media_type=False)
            assert isinstance(result, TvResult)
            results.append(result)
        return TvSearchPage(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )


async def _require_app(request: AnyRequest) -> None:
    await app_caller(request)


class ReferenceController(Controller):
    """GET /3/configuration (and its sub-resources), /3/genre/movie/list, /3/genre/tv/list."""

    path = "/3"
    tags = ["CONFIGURATION (v3)"]

    @get("/configuration", status_code=200, operation_id="configurationDetails")
    async def get_configuration(self, request: AnyRequest) -> reference.Configuration:
        """Image base URLs and sizes, and the change keys."""
        await _require_app(request)
        return reference.configuration()

    @get("/configuration/languages", status_code=200, operation_id="configurationLanguages")
    async def get_languages(self, request: AnyRequest) -> list[reference.Language]:
        """ISO 639-1 languages."""
        await _require_app(request)
        return reference.languages()

    @get("/configuration/countries", status_code=200, operation_id="configurationCountries")
    async def get_countries(
        self, request: AnyRequest, language: FromQuery[str | None] = None
    ) -> list[reference.Country]:
        """ISO 3166-1 countries."""
        await _require_app(request)
        return reference.countries()

    @get("/configuration/timezones", status_code=200, operation_id="configurationTimezones")
    async def get_timezones(self, request: AnyRequest) -> list[reference.Timezone]:
        """IANA time zones by country."""
        await _require_app(request)
        return reference.timezones()

    @get("/configuration/jobs", status_code=200, operation_id="configurationJobs")
    async def get_jobs(self, request: AnyRequest) -> list[reference.Department]:
        """Departments and their jobs."""
        await _require_app(request)
        return reference.jobs()

    @get("/configuration/primary_translations", status_code=200, operation_id="configurationPrimaryTranslations")
    async def get_primary_translations(self, request: AnyRequest) -> list[str]:
        """Language-country codes TMDB translates into."""
        await _require_app(request)
        return reference.primary_translations()

    @get("/genre/movie/list", status_code=200, operation_id="genreMovieList")
    async def get_movie_genres(self, request: AnyRequest, language: FromQuery[str | None] = None) -> GenreList:
        """TMDB's movie genres."""
        await _require_app(request)
        return GenreList(genres=[GenreV3(id=genre["id"], name=genre["name"]) for genre in reference.movie_genres()])

    @get("/genre/tv/list", status_code=200, operation_id="genreTvList")
    async def get_tv_genres(self, request: AnyRequest, language: FromQuery[str | None] = None) -> GenreList:
        """TMDB's TV genres."""
        await _require_app(request)
        return GenreList(genres=[GenreV3(id=genre["id"], name=genre["name"]) for genre in reference.tv_genres()])
