"""v3 title reads: GET /3/movie/{movie_id}, /3/tv/{series_id}, and their parts (credits, images ...).

Every part is both a route (`/3/movie/550/credits`, with the title's `id`) and an
`append_to_response` name on the details (without `id`), built by the same function from
`APPENDS`, the one table of append names (legacy `casts` and `trailers` included; names not in
it are ignored, as TMDB ignores them). A known title with nothing on file answers TMDB's empty
shape; an id the catalog does not hold is 404 / 34 from `lookup.title_or_raise`, the one place a
title read finds nothing locally.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery

from filmshelf.api.guards import app_caller, services_of
from filmshelf.api.shapes import MovieResult, TvResult, media_result, served_average
from filmshelf.api.v3 import structs as s
from filmshelf.catalog import lookup, parts, reference, titles
from filmshelf.catalog.discover import TitlePage
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.wire import parse_page

AnyRequest = Request[Any, Any, Any]
S = TypeVar("S", bound=msgspec.Struct)


@dataclass(frozen=True, slots=True)
class PartContext:
    """What a part is built from: the title row, its stored parts, the connection, the page asked for."""

    conn: Conn
    row: Any
    stored: titles.StoredParts
    page: int = 1


Builder = Callable[[PartContext], Awaitable[msgspec.Struct]]


# --- the builders (one per part; the route and the append both call it) ---------------------------
def _stored(name: str) -> Builder:
    async def build(ctx: PartContext) -> msgspec.Struct:
        found: msgspec.Struct = ctx.stored.get(name)
        return found

    return build


async def _aggregate_credits(ctx: PartContext) -> msgspec.Struct:
    return titles.aggregate_credits(ctx.stored)


async def _movie_keywords(ctx: PartContext) -> msgspec.Struct:
    return s.MovieKeywords(keywords=ctx.stored.get("keywords").keywords)


async def _tv_keywords(ctx: PartContext) -> msgspec.Struct:
    return s.TvKeywords(results=ctx.stored.get("keywords").keywords)


async def _tv_alternative_titles(ctx: PartContext) -> msgspec.Struct:
    return s.TvAlternativeTitles(results=ctx.stored.get("alternative_titles").titles)


async def _movie_external_ids(ctx: PartContext) -> msgspec.Struct:
    ids: parts.ExternalIds = ctx.stored.get("external_ids")
    return s.MovieExternalIds(
        imdb_id=ids.imdb_id,
        wikidata_id=ids.wikidata_id,
        facebook_id=ids.facebook_id,
        instagram_id=ids.instagram_id,
        twitter_id=ids.twitter_id,
    )


async def _tv_external_ids(ctx: PartContext) -> msgspec.Struct:
    ids: parts.ExternalIds = ctx.stored.get("external_ids")
    return s.TvExternalIds(
        imdb_id=ids.imdb_id,
        freebase_mid=ids.freebase_mid,
        freebase_id=ids.freebase_id,
        tvdb_id=ids.tvdb_id,
        tvrage_id=ids.tvrage_id,
        wikidata_id=ids.wikidata_id,
        facebook_id=ids.facebook_id,
        instagram_id=ids.instagram_id,
        twitter_id=ids.twitter_id,
    )


async def _trailers(ctx: PartContext) -> msgspec.Struct:
    youtube = [
        s.LegacyTrailer(
            name=video.name, size="HD" if video.size >= 720 else "Standard", source=video.key, type="Trailer"
        )
        for video in titles.youtube_trailers(ctx.stored.get("videos"))
    ]
    return s.LegacyTrailers(quicktime=[], youtube=youtube)


def result_page(found: TitlePage, media_type: str, *, with_media_type: bool) -> s.MovieResultsPage | s.TvResultsPage:
    """A page of titles of one media type as TMDB's movie or TV result page."""
    results = [media_result(row, with_media_type=with_media_type) for row in found.rows]
    if media_type == "movie":
        return s.MovieResultsPage(
            page=found.page,
            results=[result for result in results if isinstance(result, MovieResult)],
            total_pages=found.total_pages,
            total_results=found.total_results,
        )
    return s.TvResultsPage(
        page=found.page,
        results=[result for result in results if isinstance(result, TvResult)],
        total_pages=found.total_pages,
        total_results=found.total_results,
    )


def _related(kind: str) -> Builder:
    # TMDB's recommendations carry media_type on each result; similar does not.
    async def build(ctx: PartContext) -> msgspec.Struct:
        found = await titles.related(ctx.conn, ctx.row, kind=kind, page=ctx.page)
        return result_page(found, ctx.row.media_type, with_media_type=kind == "recommendations")

    return build


async def _empty_page(ctx: PartContext) -> msgspec.Struct:
    return s.AppendedPage(page=ctx.page, results=[], total_pages=1, total_results=0)


async def _empty_results(ctx: PartContext) -> msgspec.Struct:
    return s.AppendedResults(results=[])


async def _empty_changes(ctx: PartContext) -> msgspec.Struct:
    return s.AppendedChanges(changes=[])


_SHARED: dict[str, Builder] = {
    "credits": _stored("credits"),
    "images": _stored("images"),
    "videos": _stored("videos"),
    "translations": _stored("translations"),
    "watch/providers": _stored("watch/providers"),
    "recommendations": _related("recommendations"),
    "similar": _related("similar"),
    "reviews": _empty_page,
    "lists": _empty_page,
    "changes": _empty_changes,
}

# THE table of append_to_response names, per media type: name -> builder. The details field is
# the name with "/" as "_" (watch/providers). Names not here are ignored, as TMDB does.
APPENDS: dict[str, dict[str, Builder]] = {
    "movie": {
        **_SHARED,
        "alternative_titles": _stored("alternative_titles"),
        "external_ids": _movie_external_ids,
        "keywords": _movie_keywords,
        "release_dates": _stored("release_dates"),
        # Legacy names (TMDB's older API; some clients still ask for them).
        "casts": _stored("credits"),
        "trailers": _trailers,
    },
    "tv": {
        **_SHARED,
        "aggregate_credits": _aggregate_credits,
        "alternative_titles": _tv_alternative_titles,
        "content_ratings": _stored("content_ratings"),
        "episode_groups": _empty_results,
        "external_ids": _tv_external_ids,
        "keywords": _tv_keywords,
        "screened_theatrically": _empty_results,
    },
}


async def build_part(ctx: PartContext, name: str) -> msgspec.Struct:
    """One part of a title, as its append (the route adds `id`)."""
    return await APPENDS[ctx.row.media_type][name](ctx)


def with_id(kind: type[S], part: msgspec.Struct, media_id: int) -> S:
    """A part as its route answers it: the same fields plus the title's `id`."""
    return kind(id=media_id, **msgspec.structs.asdict(part))


# --- details --------------------------------------------------------------------------------------
def _genres(media_type: str, genre_ids: tuple[int, ...]) -> list[s.GenreV3]:
    found: list[s.GenreV3] = []
    for genre_id in genre_ids:
        name = reference.genre_name(media_type, genre_id)
        if name is not None:
            found.append(s.GenreV3(id=genre_id, name=name))
    return found


def movie_details(row: Title, stored: titles.StoredParts, appended: dict[str, Any]) -> s.MovieDetails:
    """Shape a movie row as TMDB's movie details."""
    return s.MovieDetails(
        adult=bool(row.adult),
        backdrop_path=row.backdrop_path,
        belongs_to_collection=None,
        budget=0,
        genres=_genres("movie", row.genre_ids),
        homepage="",
        id=row.id,
        imdb_id=titles.imdb_id(stored),
        origin_country=list(row.origin_country),
        original_language=row.original_language,
        original_title=row.original_title,
        overview=row.overview,
        popularity=float(row.popularity),
        poster_path=row.poster_path,
        production_companies=[],
        production_countries=[],
        release_date=row.release_date or "",
        revenue=int(row.revenue or 0),
        runtime=int(row.runtime or 0),
        spoken_languages=[],
        status="Released",
        tagline="",
        title=row.title,
        video=bool(row.video),
        vote_average=served_average(row.vote_average),
        vote_count=int(row.vote_count),
        **appended,
    )


def tv_details(row: Title, stored: titles.StoredParts, appended: dict[str, Any]) -> s.TvDetails:
    """Shape a TV row as TMDB's TV series details."""
    return s.TvDetails(
        adult=bool(row.adult),
        backdrop_path=row.backdrop_path,
        created_by=[],
        episode_run_time=[int(row.runtime)] if row.runtime else [],
        first_air_date=row.release_date or "",
        genres=_genres("tv", row.genre_ids),
        homepage="",
        id=row.id,
        in_production=False,
        languages=[],
        last_air_date=row.last_air_date,
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
        popularity=float(row.popularity),
        poster_path=row.poster_path,
        production_companies=[],
        production_countries=[],
        seasons=[],
        spoken_languages=[],
        status="",
        tagline="",
        type="",
        vote_average=served_average(row.vote_average),
        vote_count=int(row.vote_count),
        **appended,
    )


async def _details(request: AnyRequest, media_type: str, raw_id: str, append_to_response: str | None) -> Any:
    await app_caller(request)
    async with services_of(request).db.read() as conn:
        names = lookup.parse_appends(append_to_response)
        row = await lookup.title_or_raise(conn, media_type, raw_id)
        stored = await titles.load_parts(conn, row)
        ctx = PartContext(conn=conn, row=row, stored=stored)
        known = APPENDS[media_type]
        appended = {name.replace("/", "_"): await known[name](ctx) for name in names if name in known}
    if media_type == "movie":
        return movie_details(row, stored, appended)
    return tv_details(row, stored, appended)


async def _part(request: AnyRequest, media_type: str, raw_id: str, name: str, page: str | None = None) -> Any:
    await app_caller(request)
    async with services_of(request).db.read() as conn:
        page_number = parse_page(page)
        row = await lookup.title_or_raise(conn, media_type, raw_id)
        ctx = PartContext(conn=conn, row=row, stored=await titles.load_parts(conn, row), page=page_number)
        return row.id, await build_part(ctx, name)


class TitlesController(Controller):
    """Movie and TV details and their parts."""

    path = "/3"
    tags = ["TITLES (v3)"]

    @get("/movie/{movie_id:str}", status_code=200, operation_id="movieDetails")
    async def get_movie(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        language: FromQuery[str | None] = None,
        append_to_response: FromQuery[str | None] = None,
    ) -> s.MovieDetails:
        """A movie's details (the fields the catalog holds; TMDB's empty values for the rest)."""
        found: s.MovieDetails = await _details(request, "movie", movie_id, append_to_response)
        return found

    @get("/tv/{series_id:str}", status_code=200, operation_id="tvSeriesDetails")
    async def get_tv(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        language: FromQuery[str | None] = None,
        append_to_response: FromQuery[str | None] = None,
    ) -> s.TvDetails:
        """A TV show's details (the fields the catalog holds; TMDB's empty values for the rest)."""
        found: s.TvDetails = await _details(request, "tv", series_id, append_to_response)
        return found

    # --- movie parts ---
    @get("/movie/{movie_id:str}/credits", status_code=200, operation_id="movieCredits")
    async def movie_credits(
        self, request: AnyRequest, movie_id: FromPath[str], language: FromQuery[str | None] = None
    ) -> s.CreditsWithId:
        """Cast and crew."""
        media_id, part = await _part(request, "movie", movie_id, "credits")
        return with_id(s.CreditsWithId, part, media_id)

    @get("/movie/{movie_id:str}/images", status_code=200, operation_id="movieImages")
    async def movie_images(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        language: FromQuery[str | None] = None,
        include_image_language: FromQuery[str | None] = None,
    ) -> s.ImagesWithId:
        """Backdrops, logos and posters."""
        media_id, part = await _part(request, "movie", movie_id, "images")
        return with_id(s.ImagesWithId, part, media_id)

    @get("/movie/{movie_id:str}/videos", status_code=200, operation_id="movieVideos")
    async def movie_videos(
        self, request: AnyRequest, movie_id: FromPath[str], language: FromQuery[str | None] = None
    ) -> s.VideosWithId:
        """Trailers, teasers, clips."""
        media_id, part = await _part(request, "movie", movie_id, "videos")
        return with_id(s.VideosWithId, part, media_id)

    @get("/movie/{movie_id:str}/keywords", status_code=200, operation_id="movieKeywords")
    async def movie_keywords(self, request: AnyRequest, movie_id: FromPath[str]) -> s.MovieKeywordsWithId:
        """Keywords."""
        media_id, part = await _part(request, "movie", movie_id, "keywords")
        return with_id(s.MovieKeywordsWithId, part, media_id)

    @get("/movie/{movie_id:str}/external_ids", status_code=200, operation_id="movieExternalIds")
    async def movie_external_ids(self, request: AnyRequest, movie_id: FromPath[str]) -> s.MovieExternalIdsWithId:
        """IMDb, Wikidata, Facebook, Instagram and Twitter ids."""
        media_id, part = await _part(request, "movie", movie_id, "external_ids")
        return with_id(s.MovieExternalIdsWithId, part, media_id)

    @get("/movie/{movie_id:str}/release_dates", status_code=200, operation_id="movieReleaseDates")
    async def movie_release_dates(self, request: AnyRequest, movie_id: FromPath[str]) -> s.ReleaseDatesWithId:
        """Release dates and certifications by country."""
        media_id, part = await _part(request, "movie", movie_id, "release_dates")
        return with_id(s.ReleaseDatesWithId, part, media_id)

    @get("/movie/{movie_id:str}/alternative_titles", status_code=200, operation_id="movieAlternativeTitles")
    async def movie_alternative_titles(
        self, request: AnyRequest, movie_id: FromPath[str], country: FromQuery[str | None] = None
    ) -> s.MovieAlternativeTitlesWithId:
        """Titles in other countries."""
        media_id, part = await _part(request, "movie", movie_id, "alternative_titles")
        return with_id(s.MovieAlternativeTitlesWithId, part, media_id)

    @get("/movie/{movie_id:str}/translations", status_code=200, operation_id="movieTranslations")
    async def movie_translations(self, request: AnyRequest, movie_id: FromPath[str]) -> s.TranslationsWithId:
        """Translations of title, overview, tagline."""
        media_id, part = await _part(request, "movie", movie_id, "translations")
        return with_id(s.TranslationsWithId, part, media_id)

    @get("/movie/{movie_id:str}/watch/providers", status_code=200, operation_id="movieWatchProviders")
    async def movie_watch_providers(self, request: AnyRequest, movie_id: FromPath[str]) -> s.WatchProvidersWithId:
        """Where to watch, by country."""
        media_id, part = await _part(request, "movie", movie_id, "watch/providers")
        return with_id(s.WatchProvidersWithId, part, media_id)

    @get("/movie/{movie_id:str}/recommendations", status_code=200, operation_id="movieRecommendations")
    async def movie_recommendations(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.MovieResultsPage:
        """Movies recommended with this one (docs/recommendations.md)."""
        _, part = await _part(request, "movie", movie_id, "recommendations", page)
        assert isinstance(part, s.MovieResultsPage)
        return part

    @get("/movie/{movie_id:str}/similar", status_code=200, operation_id="movieSimilar")
    async def movie_similar(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.MovieResultsPage:
        """Movies like this one (docs/recommendations.md)."""
        _, part = await _part(request, "movie", movie_id, "similar", page)
        assert isinstance(part, s.MovieResultsPage)
        return part

    @get("/movie/{movie_id:str}/reviews", status_code=200, operation_id="movieReviews")
    async def movie_reviews(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.PageWithId:
        """Reviews (the catalog holds none)."""
        media_id, part = await _part(request, "movie", movie_id, "reviews", page)
        return with_id(s.PageWithId, part, media_id)

    @get("/movie/{movie_id:str}/lists", status_code=200, operation_id="movieLists")
    async def movie_lists(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.PageWithId:
        """Public lists holding the movie (not tracked: always empty)."""
        media_id, part = await _part(request, "movie", movie_id, "lists", page)
        return with_id(s.PageWithId, part, media_id)

    @get("/movie/{movie_id:str}/changes", status_code=200, operation_id="movieChanges")
    async def movie_changes(
        self,
        request: AnyRequest,
        movie_id: FromPath[str],
        start_date: FromQuery[str | None] = None,
        end_date: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> s.AppendedChanges:
        """Changes to the movie (the catalog keeps no change history: always empty; TMDB's has no `id`)."""
        _, part = await _part(request, "movie", movie_id, "changes", page)
        assert isinstance(part, s.AppendedChanges)
        return part

    # --- TV parts ---
    @get("/tv/{series_id:str}/credits", status_code=200, operation_id="tvSeriesCredits")
    async def tv_credits(
        self, request: AnyRequest, series_id: FromPath[str], language: FromQuery[str | None] = None
    ) -> s.CreditsWithId:
        """Cast and crew."""
        media_id, part = await _part(request, "tv", series_id, "credits")
        return with_id(s.CreditsWithId, part, media_id)

    @get("/tv/{series_id:str}/aggregate_credits", status_code=200, operation_id="tvSeriesAggregateCredits")
    async def tv_aggregate_credits(
        self, request: AnyRequest, series_id: FromPath[str], language: FromQuery[str | None] = None
    ) -> s.AggregateCreditsWithId:
        """Cast and crew over every season."""
        media_id, part = await _part(request, "tv", series_id, "aggregate_credits")
        return with_id(s.AggregateCreditsWithId, part, media_id)

    @get("/tv/{series_id:str}/images", status_code=200, operation_id="tvSeriesImages")
    async def tv_images(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        language: FromQuery[str | None] = None,
        include_image_language: FromQuery[str | None] = None,
    ) -> s.ImagesWithId:
        """Backdrops, logos and posters."""
        media_id, part = await _part(request, "tv", series_id, "images")
        return with_id(s.ImagesWithId, part, media_id)

    @get("/tv/{series_id:str}/videos", status_code=200, operation_id="tvSeriesVideos")
    async def tv_videos(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        language: FromQuery[str | None] = None,
        include_video_language: FromQuery[str | None] = None,
    ) -> s.VideosWithId:
        """Trailers, teasers, clips."""
        media_id, part = await _part(request, "tv", series_id, "videos")
        return with_id(s.VideosWithId, part, media_id)

    @get("/tv/{series_id:str}/keywords", status_code=200, operation_id="tvSeriesKeywords")
    async def tv_keywords(self, request: AnyRequest, series_id: FromPath[str]) -> s.TvKeywordsWithId:
        """Keywords (as `results`, like TMDB's TV keywords)."""
        media_id, part = await _part(request, "tv", series_id, "keywords")
        return with_id(s.TvKeywordsWithId, part, media_id)

    @get("/tv/{series_id:str}/external_ids", status_code=200, operation_id="tvSeriesExternalIds")
    async def tv_external_ids(self, request: AnyRequest, series_id: FromPath[str]) -> s.TvExternalIdsWithId:
        """IMDb, TVDB, Wikidata, Freebase, TVRage and social ids."""
        media_id, part = await _part(request, "tv", series_id, "external_ids")
        return with_id(s.TvExternalIdsWithId, part, media_id)

    @get("/tv/{series_id:str}/content_ratings", status_code=200, operation_id="tvSeriesContentRatings")
    async def tv_content_ratings(self, request: AnyRequest, series_id: FromPath[str]) -> s.ContentRatingsWithId:
        """Content ratings by country."""
        media_id, part = await _part(request, "tv", series_id, "content_ratings")
        return with_id(s.ContentRatingsWithId, part, media_id)

    @get("/tv/{series_id:str}/alternative_titles", status_code=200, operation_id="tvSeriesAlternativeTitles")
    async def tv_alternative_titles(self, request: AnyRequest, series_id: FromPath[str]) -> s.TvAlternativeTitlesWithId:
        """Titles in other countries (as `results`)."""
        media_id, part = await _part(request, "tv", series_id, "alternative_titles")
        return with_id(s.TvAlternativeTitlesWithId, part, media_id)

    @get("/tv/{series_id:str}/translations", status_code=200, operation_id="tvSeriesTranslations")
    async def tv_translations(self, request: AnyRequest, series_id: FromPath[str]) -> s.TranslationsWithId:
        """Translations of name, overview, tagline."""
        media_id, part = await _part(request, "tv", series_id, "translations")
        return with_id(s.TranslationsWithId, part, media_id)

    @get("/tv/{series_id:str}/watch/providers", status_code=200, operation_id="tvSeriesWatchProviders")
    async def tv_watch_providers(self, request: AnyRequest, series_id: FromPath[str]) -> s.WatchProvidersWithId:
        """Where to watch, by country."""
        media_id, part = await _part(request, "tv", series_id, "watch/providers")
        return with_id(s.WatchProvidersWithId, part, media_id)

    @get("/tv/{series_id:str}/recommendations", status_code=200, operation_id="tvSeriesRecommendations")
    async def tv_recommendations(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.TvResultsPage:
        """Shows recommended with this one (docs/recommendations.md)."""
        _, part = await _part(request, "tv", series_id, "recommendations", page)
        assert isinstance(part, s.TvResultsPage)
        return part

    @get("/tv/{series_id:str}/similar", status_code=200, operation_id="tvSeriesSimilar")
    async def tv_similar(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.TvResultsPage:
        """Shows like this one (docs/recommendations.md)."""
        _, part = await _part(request, "tv", series_id, "similar", page)
        assert isinstance(part, s.TvResultsPage)
        return part

    @get("/tv/{series_id:str}/reviews", status_code=200, operation_id="tvSeriesReviews")
    async def tv_reviews(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.PageWithId:
        """Reviews (the catalog holds none)."""
        media_id, part = await _part(request, "tv", series_id, "reviews", page)
        return with_id(s.PageWithId, part, media_id)

    @get("/tv/{series_id:str}/lists", status_code=200, operation_id="tvSeriesLists")
    async def tv_lists(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        page: FromQuery[str | None] = None,
        language: FromQuery[str | None] = None,
    ) -> s.PageWithId:
        """Public lists holding the show (not tracked: always empty)."""
        media_id, part = await _part(request, "tv", series_id, "lists", page)
        return with_id(s.PageWithId, part, media_id)

    @get("/tv/{series_id:str}/changes", status_code=200, operation_id="tvSeriesChanges")
    async def tv_changes(
        self,
        request: AnyRequest,
        series_id: FromPath[str],
        start_date: FromQuery[str | None] = None,
        end_date: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> s.AppendedChanges:
        """Changes to the show (the catalog keeps no change history: always empty; TMDB's has no `id`)."""
        _, part = await _part(request, "tv", series_id, "changes", page)
        assert isinstance(part, s.AppendedChanges)
        return part

    @get("/tv/{series_id:str}/episode_groups", status_code=200, operation_id="tvSeriesEpisodeGroups")
    async def tv_episode_groups(self, request: AnyRequest, series_id: FromPath[str]) -> s.ResultsWithId:
        """Episode groups (the catalog holds none)."""
        media_id, part = await _part(request, "tv", series_id, "episode_groups")
        return with_id(s.ResultsWithId, part, media_id)

    @get("/tv/{series_id:str}/screened_theatrically", status_code=200, operation_id="tvSeriesScreenedTheatrically")
    async def tv_screened_theatrically(self, request: AnyRequest, series_id: FromPath[str]) -> s.ResultsWithId:
        """Episodes screened theatrically (the catalog holds none)."""
        media_id, part = await _part(request, "tv", series_id, "screened_theatrically")
        return with_id(s.ResultsWithId, part, media_id)
