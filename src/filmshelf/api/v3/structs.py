"""Wire shapes of the v3 API, named after TMDB's payloads (encoding, decoding and OpenAPI in one)."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from filmshelf.api.shapes import MovieResult, TvResult
from filmshelf.catalog import parts


# --- AUTHENTICATION (v3 sessions) ----------------------------------------------------------------
class ConvertSessionBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/authentication/session/convert/4."""

    access_token: str


class SessionCreated(msgspec.Struct, kw_only=True):
    """Answer of POST /3/authentication/session/convert/4 and /session/new."""

    success: bool
    session_id: str


class ConvertRefusedBody(msgspec.Struct, kw_only=True):
    """TMDB's refusal of convert/4 for a token without write permission (it adds `failure`)."""

    success: bool
    failure: bool
    status_code: int
    status_message: str


class V3RequestToken(msgspec.Struct, kw_only=True):
    """Answer of GET /3/authentication/token/new and POST /token/validate_with_login."""

    success: bool
    expires_at: str
    request_token: str


class ValidateWithLoginBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/authentication/token/validate_with_login (missing fields are code 26/33)."""

    username: str | None = None
    password: str | None = None
    request_token: str | None = None


class SessionNewBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/authentication/session/new."""

    request_token: str | None = None


class SessionDeleteBody(msgspec.Struct, kw_only=True):
    """Body of DELETE /3/authentication/session."""

    session_id: str | None = None


class SuccessBody(msgspec.Struct, kw_only=True):
    """`{"success": true}` (DELETE /3/authentication/session)."""

    success: bool


# --- ACCOUNT -------------------------------------------------------------------------------------
class Gravatar(msgspec.Struct, kw_only=True):
    """`avatar.gravatar` of account details."""

    hash: str


class TmdbAvatar(msgspec.Struct, kw_only=True):
    """`avatar.tmdb` of account details."""

    avatar_path: str | None


class Avatar(msgspec.Struct, kw_only=True):
    """`avatar` of account details."""

    gravatar: Gravatar
    tmdb: TmdbAvatar


class AccountDetails(msgspec.Struct, kw_only=True):
    """Answer of GET /3/account and GET /3/account/{account_id}."""

    avatar: Avatar
    id: int
    iso_639_1: str
    iso_3166_1: str
    name: str
    include_adult: bool
    username: str


# Body fields are loosely typed on purpose: the account rules check them and answer TMDB's
# 400 / code 18 with an error_message, instead of a framework error for a mistyped value.
class FavoriteBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/account/{account_id}/favorite."""

    media_type: Any = None
    media_id: Any = None
    favorite: Any = None


class WatchlistBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/account/{account_id}/watchlist."""

    media_type: Any = None
    media_id: Any = None
    watchlist: Any = None


class RatingBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/movie/{movie_id}/rating and /3/tv/{series_id}/rating."""

    value: Any = None


class RatedMovieV3(MovieResult, kw_only=True):
    """A movie in GET /3/account/{account_id}/rated/movies: the result plus the user's `rating`."""

    rating: float


class RatedTvV3(TvResult, kw_only=True):
    """A show in GET /3/account/{account_id}/rated/tv: the result plus the user's `rating`."""

    rating: float


class AccountMoviesV3(msgspec.Struct, kw_only=True):
    """A page of favorite / watchlist movies (v3)."""

    page: int
    results: list[MovieResult]
    total_pages: int
    total_results: int


class AccountTvV3(msgspec.Struct, kw_only=True):
    """A page of favorite / watchlist shows (v3)."""

    page: int
    results: list[TvResult]
    total_pages: int
    total_results: int


class RatedMoviesV3(msgspec.Struct, kw_only=True):
    """A page of rated movies (v3)."""

    page: int
    results: list[RatedMovieV3]
    total_pages: int
    total_results: int


class RatedTvPageV3(msgspec.Struct, kw_only=True):
    """A page of rated shows (v3)."""

    page: int
    results: list[RatedTvV3]
    total_pages: int
    total_results: int


class AccountListV3(msgspec.Struct, kw_only=True):
    """One of the account's lists in GET /3/account/{account_id}/lists."""

    description: str
    favorite_count: int
    id: int
    item_count: int
    iso_639_1: str
    list_type: str
    name: str
    poster_path: str | None


class AccountListsV3(msgspec.Struct, kw_only=True):
    """A page of the account's lists (v3)."""

    page: int
    results: list[AccountListV3]
    total_pages: int
    total_results: int


# --- CATALOG: movie and TV details, search, reference data ----------------------------------------
# Detail fields the catalog does not hold carry TMDB's empty values (null, 0, "", []); the typed
# element structs of always-empty lists document what TMDB puts there.
class GenreV3(msgspec.Struct, kw_only=True):
    """An entry of `genres`."""

    id: int
    name: str


class CollectionRef(msgspec.Struct, kw_only=True):
    """`belongs_to_collection` of movie details."""

    id: int
    name: str
    poster_path: str | None
    backdrop_path: str | None


class ProductionCompany(msgspec.Struct, kw_only=True):
    """An entry of `production_companies` (and, same shape, of TV `networks`)."""

    id: int
    logo_path: str | None
    name: str
    origin_country: str


class ProductionCountry(msgspec.Struct, kw_only=True):
    """An entry of `production_countries`."""

    iso_3166_1: str
    name: str


class SpokenLanguage(msgspec.Struct, kw_only=True):
    """An entry of `spoken_languages`."""

    english_name: str
    iso_639_1: str
    name: str


class Creator(msgspec.Struct, kw_only=True):
    """An entry of TV `created_by`."""

    id: int
    credit_id: str
    name: str
    original_name: str
    gender: int
    profile_path: str | None


class EpisodeRef(msgspec.Struct, kw_only=True):
    """TV `last_episode_to_air` / `next_episode_to_air`."""

    id: int
    name: str
    overview: str
    air_date: str | None
    episode_number: int
    season_number: int
    runtime: int | None
    still_path: str | None
    vote_average: float
    vote_count: int


class SeasonRef(msgspec.Struct, kw_only=True):
    """An entry of TV `seasons`."""

    air_date: str | None
    episode_count: int
    id: int
    name: str
    overview: str
    poster_path: str | None
    season_number: int
    vote_average: float


# --- title parts: each is a route (/3/movie/{id}/credits ...) with the title's `id`, and an
# `append_to_response` name on the details without it; api/v3/titles.py builds both from one
# function. The element records live in catalog/parts.py (the importer checks against them).
class AppendedResults(msgspec.Struct, kw_only=True):
    """`{"results": []}` parts the catalog never holds (episode_groups, screened_theatrically)."""

    results: list[dict[str, Any]]


class AppendedPage(msgspec.Struct, kw_only=True):
    """Paged parts the catalog never holds (reviews, lists)."""

    page: int
    results: list[dict[str, Any]]
    total_pages: int
    total_results: int


class AppendedChanges(msgspec.Struct, kw_only=True):
    """`changes`."""

    changes: list[dict[str, Any]]


class MovieKeywords(msgspec.Struct, kw_only=True):
    """Movie `keywords`."""

    keywords: list[parts.Keyword]


class TvKeywords(msgspec.Struct, kw_only=True):
    """TV `keywords` (TMDB names the list `results` for TV)."""

    results: list[parts.Keyword]


class TvAlternativeTitles(msgspec.Struct, kw_only=True):
    """TV `alternative_titles` (`results`; movies say `titles`)."""

    results: list[parts.AlternativeTitle]


class MovieExternalIds(msgspec.Struct, kw_only=True):
    """Movie `external_ids`."""

    imdb_id: str | None
    wikidata_id: str | None
    facebook_id: str | None
    instagram_id: str | None
    twitter_id: str | None


class TvExternalIds(msgspec.Struct, kw_only=True):
    """TV `external_ids`."""

    imdb_id: str | None
    freebase_mid: str | None
    freebase_id: str | None
    tvdb_id: int | None
    tvrage_id: int | None
    wikidata_id: str | None
    facebook_id: str | None
    instagram_id: str | None
    twitter_id: str | None


class LegacyTrailer(msgspec.Struct, kw_only=True):
    """An entry of the legacy `trailers.youtube` list."""

    name: str
    size: str
    source: str
    type: str


class LegacyTrailers(msgspec.Struct, kw_only=True):
    """Legacy `trailers` append (movies): YouTube trailers from `videos`; QuickTime is gone."""

    quicktime: list[dict[str, Any]]
    youtube: list[LegacyTrailer]


class MovieResultsPage(msgspec.Struct, kw_only=True):
    """A page of movies (popular, top rated, similar, recommendations, trending movies ...)."""

    page: int
    results: list[MovieResult]
    total_pages: int
    total_results: int


class TvResultsPage(msgspec.Struct, kw_only=True):
    """A page of TV shows."""

    page: int
    results: list[TvResult]
    total_pages: int
    total_results: int


# Routes carry the title's id; the appended objects do not.
class CreditsWithId(parts.Credits, kw_only=True):
    """GET /3/movie/{movie_id}/credits, /3/tv/{series_id}/credits."""

    id: int


class AggregateCreditsWithId(parts.AggregateCredits, kw_only=True):
    """GET /3/tv/{series_id}/aggregate_credits."""

    id: int


class ImagesWithId(parts.Images, kw_only=True):
    """GET .../images."""

    id: int


class VideosWithId(parts.Videos, kw_only=True):
    """GET .../videos."""

    id: int


class MovieKeywordsWithId(MovieKeywords, kw_only=True):
    """GET /3/movie/{movie_id}/keywords."""

    id: int


class TvKeywordsWithId(TvKeywords, kw_only=True):
    """GET /3/tv/{series_id}/keywords."""

    id: int


class MovieExternalIdsWithId(MovieExternalIds, kw_only=True):
    """GET /3/movie/{movie_id}/external_ids."""

    id: int


class TvExternalIdsWithId(TvExternalIds, kw_only=True):
    """GET /3/tv/{series_id}/external_ids."""

    id: int


class ReleaseDatesWithId(parts.ReleaseDates, kw_only=True):
    """GET /3/movie/{movie_id}/release_dates."""

    id: int


class ContentRatingsWithId(parts.ContentRatings, kw_only=True):
    """GET /3/tv/{series_id}/content_ratings."""

    id: int


class MovieAlternativeTitlesWithId(parts.AlternativeTitles, kw_only=True):
    """GET /3/movie/{movie_id}/alternative_titles."""

    id: int


class TvAlternativeTitlesWithId(TvAlternativeTitles, kw_only=True):
    """GET /3/tv/{series_id}/alternative_titles."""

    id: int


class TranslationsWithId(parts.Translations, kw_only=True):
    """GET .../translations."""

    id: int


class WatchProvidersWithId(parts.WatchProviders, kw_only=True):
    """GET .../watch/providers."""

    id: int


class ResultsWithId(AppendedResults, kw_only=True):
    """GET /3/tv/{series_id}/episode_groups and /screened_theatrically."""

    id: int


class PageWithId(AppendedPage, kw_only=True):
    """GET .../reviews and .../lists (TMDB puts the title's id on these pages)."""

    id: int


class MovieDetails(msgspec.Struct, kw_only=True):
    """Answer of GET /3/movie/{movie_id}; appended objects appear only when asked for."""

    adult: bool
    backdrop_path: str | None
    belongs_to_collection: CollectionRef | None
    budget: int
    genres: list[GenreV3]
    homepage: str
    id: int
    imdb_id: str | None
    origin_country: list[str]
    original_language: str
    original_title: str
    overview: str
    popularity: float
    poster_path: str | None
    production_companies: list[ProductionCompany]
    production_countries: list[ProductionCountry]
    release_date: str
    revenue: int
    runtime: int
    spoken_languages: list[SpokenLanguage]
    status: str
    tagline: str
    title: str
    video: bool
    vote_average: float
    vote_count: int
    alternative_titles: parts.AlternativeTitles | UnsetType = UNSET
    casts: parts.Credits | UnsetType = UNSET
    changes: AppendedChanges | UnsetType = UNSET
    credits: parts.Credits | UnsetType = UNSET
    external_ids: MovieExternalIds | UnsetType = UNSET
    images: parts.Images | UnsetType = UNSET
    keywords: MovieKeywords | UnsetType = UNSET
    lists: AppendedPage | UnsetType = UNSET
    recommendations: MovieResultsPage | UnsetType = UNSET
    release_dates: parts.ReleaseDates | UnsetType = UNSET
    reviews: AppendedPage | UnsetType = UNSET
    similar: MovieResultsPage | UnsetType = UNSET
    trailers: LegacyTrailers | UnsetType = UNSET
    translations: parts.Translations | UnsetType = UNSET
    videos: parts.Videos | UnsetType = UNSET
    watch_providers: parts.WatchProviders | UnsetType = msgspec.field(default=UNSET, name="watch/providers")


class TvDetails(msgspec.Struct, kw_only=True):
    """Answer of GET /3/tv/{series_id}; appended objects appear only when asked for."""

    adult: bool
    backdrop_path: str | None
    created_by: list[Creator]
    episode_run_time: list[int]
    first_air_date: str
    genres: list[GenreV3]
    homepage: str
    id: int
    in_production: bool
    languages: list[str]
    last_air_date: str | None
    last_episode_to_air: EpisodeRef | None
    name: str
    next_episode_to_air: EpisodeRef | None
    networks: list[ProductionCompany]
    number_of_episodes: int
    number_of_seasons: int
    origin_country: list[str]
    original_language: str
    original_name: str
    overview: str
    popularity: float
    poster_path: str | None
    production_companies: list[ProductionCompany]
    production_countries: list[ProductionCountry]
    seasons: list[SeasonRef]
    spoken_languages: list[SpokenLanguage]
    status: str
    tagline: str
    type: str
    vote_average: float
    vote_count: int
    aggregate_credits: parts.AggregateCredits | UnsetType = UNSET
    alternative_titles: TvAlternativeTitles | UnsetType = UNSET
    changes: AppendedChanges | UnsetType = UNSET
    content_ratings: parts.ContentRatings | UnsetType = UNSET
    credits: parts.Credits | UnsetType = UNSET
    episode_groups: AppendedResults | UnsetType = UNSET
    external_ids: TvExternalIds | UnsetType = UNSET
    images: parts.Images | UnsetType = UNSET
    keywords: TvKeywords | UnsetType = UNSET
    lists: AppendedPage | UnsetType = UNSET
    recommendations: TvResultsPage | UnsetType = UNSET
    reviews: AppendedPage | UnsetType = UNSET
    screened_theatrically: AppendedResults | UnsetType = UNSET
    similar: TvResultsPage | UnsetType = UNSET
    translations: parts.Translations | UnsetType = UNSET
    videos: parts.Videos | UnsetType = UNSET
    watch_providers: parts.WatchProviders | UnsetType = msgspec.field(default=UNSET, name="watch/providers")


class MovieSearchPage(msgspec.Struct, kw_only=True):
    """Answer of GET /3/search/movie."""

    page: int
    results: list[MovieResult]
    total_pages: int
    total_results: int


class TvSearchPage(msgspec.Struct, kw_only=True):
    """Answer of GET /3/search/tv."""

    page: int
    results: list[TvResult]
    total_pages: int
    total_results: int


class GenreList(msgspec.Struct, kw_only=True):
    """Answer of GET /3/genre/movie/list and /3/genre/tv/list."""

    genres: list[GenreV3]


# --- DISCOVERY: named lists, trending, discover, multi search, find -----------------------------
class DateRange(msgspec.Struct, kw_only=True):
    """`dates` of now_playing and upcoming: the release window the page covers."""

    maximum: str
    minimum: str


class DatedMoviePage(msgspec.Struct, kw_only=True):
    """GET /3/movie/now_playing and /upcoming."""

    dates: DateRange
    page: int
    results: list[MovieResult]
    total_pages: int
    total_results: int


class MixedResultsPage(msgspec.Struct, kw_only=True):
    """GET /3/search/multi and /3/trending/all/{time_window}: movies and TV shows, each with `media_type`."""

    page: int
    # MovieResult | TvResult (api/shapes.py); typed Any because msgspec cannot describe an
    # untagged union of two Structs.
    results: list[Any]
    total_pages: int
    total_results: int


class FindResults(msgspec.Struct, kw_only=True):
    """GET /3/find/{external_id}: the catalog holds no people, seasons or episodes."""

    movie_results: list[MovieResult]
    person_results: list[dict[str, Any]]
    tv_results: list[TvResult]
    tv_episode_results: list[dict[str, Any]]
    tv_season_results: list[dict[str, Any]]


# --- v3 LISTS, guest sessions, account states (issue 10) ------------------------------------------
class V3ListCreateBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/list (missing or null fields take their defaults; the rules check `name`)."""

    name: Any = None
    description: Any = None
    language: Any = None


class V3ListCreated(msgspec.Struct, kw_only=True):
    """Answer of POST /3/list."""

    status_message: str
    success: bool
    status_code: int
    list_id: int


class V3ListItemBody(msgspec.Struct, kw_only=True):
    """Body of POST /3/list/{list_id}/add_item and /remove_item."""

    media_id: Any = None


class V3ListDetails(msgspec.Struct, kw_only=True):
    """Answer of GET /3/list/{list_id}: TMDB's v3 shape (`id` is a string there), one page of items."""

    created_by: str
    description: str
    favorite_count: int
    id: str
    iso_639_1: str
    item_count: int
    # Movie and TV result objects (a union of untagged structs has no OpenAPI schema in msgspec).
    items: list[Any]
    name: str
    page: int
    poster_path: str | None
    total_pages: int
    total_results: int


class V3ItemStatus(msgspec.Struct, kw_only=True):
    """Answer of GET /3/list/{list_id}/item_status."""

    id: int
    item_present: bool


class RatedValue(msgspec.Struct, kw_only=True):
    """`rated` of account states when the title is rated."""

    value: float


class AccountStates(msgspec.Struct, kw_only=True):
    """Answer of GET /3/movie/{movie_id}/account_states and /3/tv/{series_id}/account_states."""

    id: int
    favorite: bool
    rated: RatedValue | bool
    watchlist: bool


class GuestSessionCreated(msgspec.Struct, kw_only=True):
    """Answer of GET /3/authentication/guest_session/new."""

    success: bool
    guest_session_id: str
    expires_at: str


class EmptyPage(msgspec.Struct, kw_only=True):
    """A page with no results (rated TV episodes: the catalog holds no episodes)."""

    page: int
    results: list[dict[str, Any]]
    total_pages: int
    total_results: int
