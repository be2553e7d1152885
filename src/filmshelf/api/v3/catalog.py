"""v3 catalog reads: movie and TV details, search, configuration and genre lists.

Every call needs an app credential like TMDB (Bearer read token, Bearer user token, or
`api_key`), else 401 / code 7. `language` is accepted everywhere and changes nothing: the
catalog holds one language (docs/wire-decisions.md, "Catalog").
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter

from filmshelf.api.guards import app_caller, services_of
from filmshelf.api.shapes import MovieResult, TvResult, media_result
from filmshelf.api.v3.structs import (
    AppendedChanges,
    AppendedCredits,
    AppendedImages,
    AppendedKeywords,
    AppendedPage,
    AppendedResults,
    AppendedTitles,
    AppendedTrailers,
    AppendedTranslations,
    AppendedWatchProviders,
    GenreList,
    GenreV3,
    MovieDetails,
    MovieExternalIds,
    MovieSearchPage,
    TvDetails,
    TvExternalIds,
    TvSearchPage,
)
from filmshelf.catalog import lookup, reference
from filmshelf.storage.records import Title
from filmshelf.wire import Page, parse_page

AnyRequest = Request[Any, Any, Any]
# `query` is a name Litestar reserves for the whole query string: the search text arrives under it.


def _genres(media_type: str, genre_ids: tuple[int, ...]) -> list[GenreV3]:
    genres: list[GenreV3] = []
    for genre_id in genre_ids:
        name = reference.genre_name(media_type, genre_id)
        if name is not None:
            genres.append(GenreV3(id=genre_id, name=name))
    return genres


def _empty_page() -> AppendedPage:
    return AppendedPage(page=1, results=[], total_pages=1, total_results=0)


# Each known append name -> (struct field, builder of TMDB's empty value).
_MOVIE_APPENDS: dict[str, tuple[str, Any]] = {
    "alternative_titles": ("alternative_titles", lambda: AppendedTitles(titles=[])),
    "changes": ("changes", lambda: AppendedChanges(changes=[])),
    "credits": ("credits", lambda: AppendedCredits(cast=[], crew=[])),
    "external_ids": (
        "external_ids",
        lambda: MovieExternalIds(imdb_id=None, wikidata_id=None, facebook_id=None, instagram_id=None, twitter_id=None),
    ),
    "images": ("images", lambda: AppendedImages(backdrops=[], logos=[], posters=[])),
    "keywords": ("keywords", lambda: AppendedKeywords(keywords=[])),
    "lists": ("lists", _empty_page),
    "recommendations": ("recommendations", _empty_page),
    "release_dates": ("release_dates", lambda: AppendedResults(results=[])),
    "reviews": ("reviews", _empty_page),
    "similar": ("similar", _empty_page),
    "translations": ("translations", lambda: AppendedTranslations(translations=[])),
    "videos": ("videos", lambda: AppendedResults(results=[])),
    "watch/providers": ("watch_providers", lambda: AppendedWatchProviders(results={})),
    # Legacy names (TMDB still answers them): `casts` is the old `credits`, `trailers` the old `videos`.
    "casts": ("casts", lambda: AppendedCredits(cast=[], crew=[])),
    "trailers": ("trailers", lambda: AppendedTrailers(quicktime=[], youtube=[])),
}

_TV_APPENDS: dict[str, tuple[str, Any]] = {
    "aggregate_credits": ("aggregate_credits", lambda: AppendedCredits(cast=[], crew=[])),
    "alternative_titles": ("alternative_titles", lambda: AppendedResults(results=[])),
    "changes": ("changes", lambda: AppendedChanges(changes=[])),
    "content_ratings": ("content_ratings", lambda: AppendedResults(results=[])),
    "credits": ("credits", lambda: AppendedCredits(cast=[], crew=[])),
    "episode_groups": ("episode_groups", lambda: AppendedResults(results=[])),
    "external_ids": (
        "external_ids",
        lambda: TvExternalIds(
            imdb_id=None,
            freebase_mid=None,
            freebase_id=None,
            tvdb_id=None,
            tvrage_id=None,
            wikidata_id=None,
            facebook_id=None,
            instagram_id=None,
            twitter_id=None,
        ),
    ),
    "images": ("images", lambda: AppendedImages(backdrops=[], logos=[], posters=[])),
    "keywords": ("keywords", lambda: AppendedResults(results=[])),
    "lists": ("lists", _empty_page),
    "recommendations": ("recommendations", _empty_page),
    "reviews": ("reviews", _empty_page),
    "screened_theatrically": ("screened_theatrically", lambda: AppendedResults(results=[])),
    "similar": ("similar", _empty_page),
    "translations": ("translations", lambda: AppendedTranslations(translations=[])),
    "videos": ("videos", lambda: AppendedResults(results=[])),
    "watch/providers": ("watch_providers", lambda: AppendedWatchProviders(results={})),
}


def _appended(names: list[str], known: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    return {known[name][0]: known[name][1]() for name in names if name in known}


def movie_details(row: Title, appends: list[str]) -> MovieDetails:
    """Shape a movie row as TMDB's movie details."""
    return MovieDetails(
        adult=row.adult,
        backdrop_path=row.backdrop_path,
        belongs_to_collection=None,
        budget=0,
        genres=_genres("movie", row.genre_ids),
        homepage="",
        id=row.id,
        imdb_id=None,
        origin_country=list(row.origin_country),
        original_language=row.original_language,
        original_title=row.original_title,
        overview=row.overview,
        popularity=row.popularity,
        poster_path=row.poster_path,
        production_companies=[],
        production_countries=[],
        release_date=row.release_date or "",
        revenue=row.revenue or 0,
        runtime=row.runtime or 0,
        spoken_languages=[],
        status="Released",
        tagline="",
        title=row.title,
        video=row.video,
        vote_average=row.vote_average,
        vote_count=row.vote_count,
        **_appended(appends, _MOVIE_APPENDS),
    )


def tv_details(row: Title, appends: list[str]) -> TvDetails:
    """Shape a TV row as TMDB's TV series details."""
    return TvDetails(
        adult=row.adult,
        backdrop_path=row.backdrop_path,
        created_by=[],
        episode_run_time=[row.runtime] if row.runtime else [],
        first_air_date=row.release_date or "",
        genres=_genres("tv", row.genre_ids),
        homepage="",
        id=row.id,
        in_production=False,
        languages=[],
        last_air_date=None,
        last_episode_to_air=None,
        name=row.title,
        next_episode_to_air=None,
        networks=[],
        number_of_episodes=0,
        number_of_seasons=0,
        origin_country=list(row.origin_country),
        original_language=row.original_language,
        original_name=row.original_title,
        overview=row.overview,
        popularity=row.popularity,
        poster_path=row.poster_path,
        production_companies=[],
        production_countries=[],
        seasons=[],
        spoken_languages=[],
        status="",
        tagline="",
        type="",
        vote_average=row.vote_average,
        vote_count=row.vote_count,
        **_appended(appends, _TV_APPENDS),
    )


async def _title(
    request: AnyRequest, media_type: str, raw_id: str, append_to_response: str | None
) -> tuple[Title, list[str]]:
    await app_caller(request)
    appends = lookup.parse_appends(append_to_response)
    async with services_of(request).db.read() as conn:
        row = await lookup.title_or_raise(conn, media_type, raw_id)
    return row, appends


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
    """GET /3/movie/{movie_id}, /3/tv/{series_id}, /3/search/movie, /3/search/tv."""

    path = "/3"
    tags = ["CATALOG (v3)"]

    @get("/movie/{movie_id:str}", status_code=200, operation_id="movieDetails")
    async def get_movie(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        language: FromQuery[str | None] = None,
        append_to_response: FromQuery[str | None] = None,
    ) -> MovieDetails:
        """A movie's details (the fields the catalog holds; TMDB's empty values for the rest)."""
        row, appends = await _title(request, "movie", movie_id, append_to_response)
        return movie_details(row, appends)

    @get("/tv/{series_id:str}", status_code=200, operation_id="tvSeriesDetails")
    async def get_tv(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        language: FromQuery[str | None] = None,
        append_to_response: FromQuery[str | None] = None,
    ) -> TvDetails:
        """A TV show's details (the fields the catalog holds; TMDB's empty values for the rest)."""
        row, appends = await _title(request, "tv", series_id, append_to_response)
        return tv_details(row, appends)

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
