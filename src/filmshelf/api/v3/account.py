"""ACCOUNT (v3), the v3 rating calls and account_states: one state with the v4 account pages.

Every call needs an app credential (Bearer read token, Bearer user token, or `api_key`) and
someone acting (`api.guards.session_caller`): a live `session_id` of that app, or without one a v4
user access token as Bearer; rating and account_states routes also take a `guest_session_id`.
The account is always the caller's: the `{account_id}` in the path is not used for anything,
whatever it says (docs/wire-decisions.md, "Account").
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from filmshelf.accounts import media
from filmshelf.accounts.users import Account
from filmshelf.api.envelope import StatusBody, status_body
from filmshelf.api.guards import Caller, services_of, session_caller, write_for
from filmshelf.api.public_api import NO_STORE_HEADERS
from filmshelf.api.shapes import MovieResult, TvResult, media_result
from filmshelf.api.v3.structs import (
    AccountDetails,
    AccountListsV3,
    AccountListV3,
    AccountMoviesV3,
    AccountStates,
    AccountTvV3,
    Avatar,
    EmptyPage,
    FavoriteBody,
    Gravatar,
    RatedMoviesV3,
    RatedMovieV3,
    RatedTvPageV3,
    RatedTvV3,
    RatedValue,
    RatingBody,
    TmdbAvatar,
    WatchlistBody,
)
from filmshelf.auth import guest_sessions
from filmshelf.errors import STATUS
from filmshelf.storage.records import AccountEntry, Title
from filmshelf.wire import Page, parse_page, parse_path_id

AnyRequest = Request[Any, Any, Any]
# TMDB answers a write with HTTP 201 for "created" and "updated", 200 for "deleted".
_HTTP_FOR = {media.Outcome.CREATED: 201, media.Outcome.UPDATED: 201, media.Outcome.DELETED: 200}


async def session_account(request: AnyRequest, *, app_owner: bool = False) -> Caller:
    """The caller and its account (session, else Bearer user token; with `app_owner`, also the
    app's read token for its owner). A path `{account_id}` is never consulted."""
    caller = await session_caller(request, app_owner=app_owner)
    assert caller.account is not None  # session_caller always finds one without `guest`
    return caller


def outcome_response(outcome: media.Outcome) -> Response[StatusBody]:
    """TMDB's answer to a write: the status envelope with the HTTP status of its code."""
    return Response(status_body(STATUS[int(outcome)]), status_code=_HTTP_FOR[outcome])


def _details(account: Account) -> AccountDetails:
    return AccountDetails(
        avatar=Avatar(gravatar=Gravatar(hash=account.gravatar_hash), tmdb=TmdbAvatar(avatar_path=None)),
        id=account.id,
        iso_639_1=account.iso_639_1,
        iso_3166_1=account.iso_3166_1,
        name=account.name,
        include_adult=account.include_adult,
        username=account.username,
    )


class V3AccountController(Controller):
    """GET/POST under /3/account."""

    path = "/3/account"
    tags = ["ACCOUNT (v3)"]
    response_headers = NO_STORE_HEADERS

    @get("/", status_code=200, operation_id="accountDetailsBySession")
    async def get_account(self, request: AnyRequest) -> AccountDetails:
        """Details of the caller's account (the classic form without an id)."""
        return _details(_account(await session_account(request, app_owner=True)))

    @get("/{account_id:str}", status_code=200, operation_id="accountDetails")
    async def get_account_by_id(self, request: AnyRequest, account_id: FromPath[str]) -> AccountDetails:
        """Details of the caller's account (the path id is not used)."""
        return _details(_account(await session_account(request, app_owner=True)))

    @post("/{account_id:str}/favorite", status_code=201, operation_id="accountAddFavorite")
    async def mark_favorite(
        self, request: AnyRequest, account_id: FromPath[str], data: JSONBody[FavoriteBody]
    ) -> Response[StatusBody]:
        """Mark (favorite: true) or unmark (false) a movie or show as a favorite."""
        return await _mark(request, account_id, "favorite", data.media_type, data.media_id, data.favorite)

    @post("/{account_id:str}/watchlist", status_code=201, operation_id="accountAddToWatchlist")
    async def mark_watchlist(
        self, request: AnyRequest, account_id: FromPath[str], data: JSONBody[WatchlistBody]
    ) -> Response[StatusBody]:
        """Add (watchlist: true) or remove (false) a movie or show on the watchlist."""
        return await _mark(request, account_id, "watchlist", data.media_type, data.media_id, data.watchlist)

    @get("/{account_id:str}/favorite/movies", status_code=200, operation_id="accountGetFavorites")
    async def get_favorite_movies(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountMoviesV3:
        """The session account's favorite movies."""
        found = await _entries(request, account_id, "favorite", "movie", page, sort_by)
        return AccountMoviesV3(
            page=found.page,
            results=[_movie(entry.title) for entry in found.rows],
            total_pages=found.total_pages,
            total_results=found.total_results,
        )

    @get("/{account_id:str}/favorite/tv", status_code=200, operation_id="accountFavoriteTv")
    async def get_favorite_tv(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountTvV3:
        """The session account's favorite shows."""
        found = await _entries(request, account_id, "favorite", "tv", page, sort_by)
        return AccountTvV3(
            page=found.page,
            results=[_tv(entry.title) for entry in found.rows],
            total_pages=found.total_pages,
            total_results=found.total_results,
        )

    @get("/{account_id:str}/watchlist/movies", status_code=200, operation_id="accountWatchlistMovies")
    async def get_watchlist_movies(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountMoviesV3:
        """The session account's watchlist movies."""
        found = await _entries(request, account_id, "watchlist", "movie", page, sort_by)
        return AccountMoviesV3(
            page=found.page,
            results=[_movie(entry.title) for entry in found.rows],
            total_pages=found.total_pages,
            total_results=found.total_results,
        )

    @get("/{account_id:str}/watchlist/tv", status_code=200, operation_id="accountWatchlistTv")
    async def get_watchlist_tv(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountTvV3:
        """The session account's watchlist shows."""
        found = await _entries(request, account_id, "watchlist", "tv", page, sort_by)
        return AccountTvV3(
            page=found.page,
            results=[_tv(entry.title) for entry in found.rows],
            total_pages=found.total_pages,
            total_results=found.total_results,
        )

    @get("/{account_id:str}/rated/movies", status_code=200, operation_id="accountRatedMovies")
    async def get_rated_movies(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> RatedMoviesV3:
        """The session account's rated movies, each with its `rating`."""
        found = await _entries(request, account_id, "rated", "movie", page, sort_by)
        results = [RatedMovieV3(**msgspec.structs.asdict(_movie(e.title)), rating=e.rating or 0.0) for e in found.rows]
        return RatedMoviesV3(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )

    @get("/{account_id:str}/rated/tv", status_code=200, operation_id="accountRatedTv")
    async def get_rated_tv(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> RatedTvPageV3:
        """The session account's rated shows, each with its `rating`."""
        found = await _entries(request, account_id, "rated", "tv", page, sort_by)
        results = [RatedTvV3(**msgspec.structs.asdict(_tv(e.title)), rating=e.rating or 0.0) for e in found.rows]
        return RatedTvPageV3(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )

    @get(
        "/{account_id:str}/rated/tv/episodes",
        status_code=200,
        operation_id="accountRatedTvEpisodes",
        include_in_schema=False,
    )
    async def get_rated_episodes(
        self,
        request: AnyRequest,
        account_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> EmptyPage:
        """The account's rated TV episodes: always empty (the catalog holds no episodes)."""
        await session_account(request)
        return _empty_page(page, sort_by)

    @get("/{account_id:str}/lists", status_code=200, operation_id="accountLists")
    async def get_lists(
        self, request: AnyRequest, account_id: FromPath[str], page: FromQuery[str | None] = None
    ) -> AccountListsV3:
        """The caller's v4 lists (public and private) in v3's shape."""
        caller = await session_account(request)
        async with services_of(request).db.read() as conn:
            found = await media.lists_page(conn, account_id=caller.account_id, page=parse_page(page))
        results = [
            AccountListV3(
                description=summary.info.description,
                favorite_count=0,
                id=summary.info.id,
                item_count=summary.info.item_count,
                iso_639_1=summary.info.iso_639_1,
                list_type="movie",
                name=summary.info.name,
                poster_path=summary.poster_path,
            )
            for summary in found.rows
        ]
        return AccountListsV3(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )


class V3RatingController(Controller):
    """POST/DELETE /3/movie/{movie_id}/rating and /3/tv/{series_id}/rating, and account_states."""

    path = "/3"
    tags = ["RATINGS (v3)"]
    response_headers = NO_STORE_HEADERS

    @post("/movie/{movie_id:str}/rating", status_code=201, operation_id="movieAddRating")
    async def rate_movie(
        self, request: AnyRequest, movie_id: FromPath[str], data: JSONBody[RatingBody]
    ) -> Response[StatusBody]:
        """Rate a movie (0.5 to 10.0 in steps of 0.5)."""
        return await _rate(request, "movie", movie_id, data.value)

    @delete("/movie/{movie_id:str}/rating", status_code=200, operation_id="movieDeleteRating")
    async def unrate_movie(self, request: AnyRequest, movie_id: FromPath[str]) -> Response[StatusBody]:
        """Delete the session account's rating of a movie."""
        return await _unrate(request, "movie", movie_id)

    @post("/tv/{series_id:str}/rating", status_code=201, operation_id="tvSeriesAddRating")
    async def rate_tv(
        self, request: AnyRequest, series_id: FromPath[str], data: JSONBody[RatingBody]
    ) -> Response[StatusBody]:
        """Rate a TV show (0.5 to 10.0 in steps of 0.5)."""
        return await _rate(request, "tv", series_id, data.value)

    @delete("/tv/{series_id:str}/rating", status_code=200, operation_id="tvSeriesDeleteRating")
    async def unrate_tv(self, request: AnyRequest, series_id: FromPath[str]) -> Response[StatusBody]:
        """Delete the session account's rating of a TV show."""
        return await _unrate(request, "tv", series_id)

    @get("/movie/{movie_id:str}/account_states", status_code=200, operation_id="movieAccountStates")
    async def movie_states(self, request: AnyRequest, movie_id: FromPath[str]) -> AccountStates:
        """Favorite, watchlist and rating of a movie for a session, a guest session or a user token."""
        return await _states(request, "movie", movie_id)

    @get("/tv/{series_id:str}/account_states", status_code=200, operation_id="tvSeriesAccountStates")
    async def tv_states(self, request: AnyRequest, series_id: FromPath[str]) -> AccountStates:
        """Favorite, watchlist and rating of a TV show for a session, a guest session or a user token."""
        return await _states(request, "tv", series_id)


def _movie(row: Title) -> MovieResult:
    result = media_result(row, with_media_type=False)
    assert isinstance(result, MovieResult)
    return result


def _tv(row: Title) -> TvResult:
    result = media_result(row, with_media_type=False)
    assert isinstance(result, TvResult)
    return result


def _account(caller: Caller) -> Account:
    assert caller.account is not None  # session_account always finds one
    return caller.account


async def _entries(
    request: AnyRequest,
    account_id: str,
    kind: media.EntryKind,
    media_type: str,
    page: str | None,
    sort_by: str | None,
) -> Page[AccountEntry]:
    caller = await session_account(request)
    page_number = parse_page(page)
    sort = media.parse_sort(sort_by, media_type=media_type, v3=True)
    async with services_of(request).db.read() as conn:
        return await media.entries_page(
            conn, kind=kind, account_id=caller.account_id, media_type=media_type, sort=sort, page=page_number
        )


async def _mark(
    request: AnyRequest, account_id: str, kind: media.MarkKind, media_type: Any, media_id: Any, flag: Any
) -> Response[StatusBody]:
    caller = await session_account(request)
    parsed_type = media.parse_media_type(media_type)
    parsed_id = media.parse_media_id(media_id)
    on = media.parse_flag(flag, kind)
    services = services_of(request)
    async with write_for(request, caller) as conn:
        outcome = await media.set_mark(
            conn,
            kind=kind,
            account_id=caller.account_id,
            media_type=parsed_type,
            media_id=parsed_id,
            on=on,
            now=services.clock.now(),
        )
    return outcome_response(outcome)


async def _rate(request: AnyRequest, media_type: str, raw_id: str, raw_value: Any) -> Response[StatusBody]:
    caller = await session_caller(request, guest=True)
    media_id = parse_path_id(raw_id)
    value = media.parse_rating(raw_value)
    now = services_of(request).clock.now()
    async with write_for(request, caller) as conn:
        if caller.guest_hash is not None:
            outcome = await guest_sessions.rate(
                conn, session_hash=caller.guest_hash, media_type=media_type, media_id=media_id, value=value, now=now
            )
        else:
            outcome = await media.rate(
                conn, account_id=caller.account_id, media_type=media_type, media_id=media_id, value=value, now=now
            )
    return outcome_response(outcome)


async def _unrate(request: AnyRequest, media_type: str, raw_id: str) -> Response[StatusBody]:
    caller = await session_caller(request, guest=True)
    media_id = parse_path_id(raw_id)
    async with write_for(request, caller) as conn:
        if caller.guest_hash is not None:
            outcome = await guest_sessions.unrate(
                conn, session_hash=caller.guest_hash, media_type=media_type, media_id=media_id
            )
        else:
            outcome = await media.unrate(
                conn,
                account_id=caller.account_id,
                media_type=media_type,
                media_id=media_id,
                now=services_of(request).clock.now(),
            )
    return outcome_response(outcome)


async def _states(request: AnyRequest, media_type: str, raw_id: str) -> AccountStates:
    caller = await session_caller(request, guest=True)
    media_id = parse_path_id(raw_id)
    async with services_of(request).db.read() as conn:
        if caller.guest_hash is not None:
            found = await guest_sessions.states(
                conn, session_hash=caller.guest_hash, media_type=media_type, media_id=media_id
            )
        else:
            found = await media.states(conn, account_id=caller.account_id, media_type=media_type, media_id=media_id)
    return AccountStates(
        id=media_id,
        favorite=found.favorite,
        rated=False if found.rating is None else RatedValue(value=found.rating),
        watchlist=found.watchlist,
    )


def _empty_page(page: str | None, sort_by: str | None) -> EmptyPage:
    """An empty page, after the same checks of `page` and `sort_by` as a page with results."""
    number = parse_page(page)
    media.parse_sort(sort_by, media_type="tv", v3=True)
    return EmptyPage(page=number, results=[], total_pages=1, total_results=0)
