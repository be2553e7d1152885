"""Wire shapes of the v3 API, named after TMDB's payloads (encoding, decoding and OpenAPI in one)."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from filmshelf.api.shapes import MovieResult, TvResult


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


# What `append_to_response` can add. The catalog holds none of these, so each comes back empty
# in TMDB's shape; names TMDB does not know (or that need a session) are ignored, as TMDB does.
class AppendedResults(msgspec.Struct, kw_only=True):
    """`{"results": []}` appends (videos, release_dates, content_ratings, TV keywords ...)."""

    results: list[dict[str, Any]]


class AppendedPage(msgspec.Struct, kw_only=True):
    """Paged appends (recommendations, similar, reviews, lists)."""

    page: int
    results: list[dict[str, Any]]
    total_pages: int
    total_results: int


class AppendedCredits(msgspec.Struct, kw_only=True):
    """`credits` / `aggregate_credits`."""

    cast: list[dict[str, Any]]
    crew: list[dict[str, Any]]


class AppendedImages(msgspec.Struct, kw_only=True):
    """`images`."""

    backdrops: list[dict[str, Any]]
    logos: list[dict[str, Any]]
    posters: list[dict[str, Any]]


class AppendedKeywords(msgspec.Struct, kw_only=True):
    """Movie `keywords`."""

    keywords: list[dict[str, Any]]


class AppendedTitles(msgspec.Struct, kw_only=True):
    """Movie `alternative_titles`."""

    titles: list[dict[str, Any]]


class AppendedTranslations(msgspec.Struct, kw_only=True):
    """`translations`."""

    translations: list[dict[str, Any]]


class AppendedChanges(msgspec.Struct, kw_only=True):
    """`changes`."""

    changes: list[dict[str, Any]]


class AppendedWatchProviders(msgspec.Struct, kw_only=True):
    """`watch/providers`: providers by country code."""

    results: dict[str, Any]


class AppendedTrailers(msgspec.Struct, kw_only=True):
    """Movie `trailers`, the legacy name of `videos` (TMDB's v3 shape before videos)."""

    quicktime: list[dict[str, Any]]
    youtube: list[dict[str, Any]]


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
    alternative_titles: AppendedTitles | UnsetType = UNSET
    changes: AppendedChanges | UnsetType = UNSET
    credits: AppendedCredits | UnsetType = UNSET
    external_ids: MovieExternalIds | UnsetType = UNSET
    images: AppendedImages | UnsetType = UNSET
    keywords: AppendedKeywords | UnsetType = UNSET
    lists: AppendedPage | UnsetType = UNSET
    recommendations: AppendedPage | UnsetType = UNSET
    release_dates: AppendedResults | UnsetType = UNSET
    reviews: AppendedPage | UnsetType = UNSET
    similar: AppendedPage | UnsetType = UNSET
    translations: AppendedTranslations | UnsetType = UNSET
    videos: AppendedResults | UnsetType = UNSET
    watch_providers: AppendedWatchProviders | UnsetType = msgspec.field(default=UNSET, name="watch/providers")
    # Legacy names still sent by clients (tmdbv3api asks for both by default).
    casts: AppendedCredits | UnsetType = UNSET
    trailers: AppendedTrailers | UnsetType = UNSET


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
    aggregate_credits: AppendedCredits | UnsetType = UNSET
    alternative_titles: AppendedResults | UnsetType = UNSET
    changes: AppendedChanges | UnsetType = UNSET
    content_ratings: AppendedResults | UnsetType = UNSET
    credits: AppendedCredits | UnsetType = UNSET
    episode_groups: AppendedResults | UnsetType = UNSET
    external_ids: TvExternalIds | UnsetType = UNSET
    images: AppendedImages | UnsetType = UNSET
    keywords: AppendedResults | UnsetType = UNSET
    lists: AppendedPage | UnsetType = UNSET
    recommendations: AppendedPage | UnsetType = UNSET
    reviews: AppendedPage | UnsetType = UNSET
    screened_theatrically: AppendedResults | UnsetType = UNSET
    similar: AppendedPage | UnsetType = UNSET
    translations: AppendedTranslations | UnsetType = UNSET
    videos: AppendedResults | UnsetType = UNSET
    watch_providers: AppendedWatchProviders | UnsetType = msgspec.field(default=UNSET, name="watch/providers")


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
