"""ACCOUNT (v4): the owner's lists, favorites, ratings, watchlist and recommendations.

Only the owner's user access token reads these pages: no token -> 401 / 7, an app read token
-> 401 / 36 ("No matching scope found."), another user's token (or any account_object_id that
is not the token's own) -> 401 / 3 (docs/wire-decisions.md, "Account").
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery

from filmshelf.accounts import media, recommendations
from filmshelf.api.guards import services_of, user_caller
from filmshelf.api.public_api import NO_STORE_HEADERS
from filmshelf.api.shapes import AccountRating, MovieResult, TvResult, media_result
from filmshelf.api.v4.structs import AccountListsPage, AccountListSummary, AccountMoviesPage, AccountTvPage
from filmshelf.errors import FilmshelfError
from filmshelf.storage.records import AccountEntry
from filmshelf.wire import Page, iso_millis, parse_page, utc_text

AnyRequest = Request[Any, Any, Any]

# The integer `sort_by` of account list summaries (TMDB's mapping is unpublished; ours is
# documented in docs/wire-decisions.md). Unknown strings fall back to 1 (original order).
LIST_SORT_CODES = {
    "original_order.asc": 1,
    "original_order.desc": 2,
    "vote_average.asc": 3,
    "vote_average.desc": 4,
    "primary_release_date.asc": 5,
    "primary_release_date.desc": 6,
    "title.asc": 7,
    "title.desc": 8,
}


async def owner_account_id(request: AnyRequest, account_object_id: str) -> int:
    """The v3 id of the token's account, which must be the one named in the path."""
    caller = await user_caller(request, write=False)
    assert caller.user is not None  # user_caller always returns a user
    if caller.user.account_object_id != account_object_id:
        raise FilmshelfError(3, detail="This access token does not belong to this account.")
    return caller.user.account_id


def _rating(entry: AccountEntry) -> AccountRating:
    assert entry.rating is not None  # rated entries always carry their rating
    return AccountRating(created_at=iso_millis(entry.created_at), value=entry.rating)


def _movie_page(found: Page[Any], results: list[MovieResult | TvResult]) -> AccountMoviesPage:
    movies = [r for r in results if isinstance(r, MovieResult)]
    return AccountMoviesPage(
        page=found.page, results=movies, total_pages=found.total_pages, total_results=found.total_results
    )


def _tv_page(found: Page[Any], results: list[MovieResult | TvResult]) -> AccountTvPage:
    shows = [r for r in results if isinstance(r, TvResult)]
    return AccountTvPage(
        page=found.page, results=shows, total_pages=found.total_pages, total_results=found.total_results
    )


async def _entries(
    request: AnyRequest,
    account_object_id: str,
    kind: media.EntryKind,
    media_type: str,
    page: str | None,
    sort_by: str | None,
) -> tuple[Page[Any], list[MovieResult | TvResult]]:
    account_id = await owner_account_id(request, account_object_id)
    page_number = parse_page(page)
    sort = media.parse_sort(sort_by, media_type=media_type, v3=False)
    async with services_of(request).db.read() as conn:
        found = await media.entries_page(
            conn, kind=kind, account_id=account_id, media_type=media_type, sort=sort, page=page_number
        )
    if kind == "rated":
        results = [media_result(e.title, with_media_type=False, rating=_rating(e)) for e in found.rows]
    else:
        # As TMDB: watchlist results name their media_type, favorites do not.
        results = [media_result(e.title, with_media_type=kind == "watchlist") for e in found.rows]
    return found, results


async def _recommended(
    request: AnyRequest, account_object_id: str, media_type: str, page: str | None, sort_by: str | None
) -> tuple[Page[Any], list[MovieResult | TvResult]]:
    account_id = await owner_account_id(request, account_object_id)
    page_number = parse_page(page)
    # Accepted for the clients that send it (tmdbapis does), checked, and otherwise ignored:
    # recommendations are always in relevance order.
    media.parse_sort(sort_by, media_type=media_type, v3=False)
    async with services_of(request).db.read() as conn:
        found = await recommendations.recommendations_page(
            conn, account_id=account_id, media_type=media_type, page=page_number
        )
    return found, [media_result(row, with_media_type=True) for row in found.rows]


class V4AccountController(Controller):
    """GET /4/account/{account_object_id}/..."""

    path = "/4/account/{account_object_id:str}"
    tags = ["ACCOUNT"]
    response_headers = NO_STORE_HEADERS

    @get("/lists", status_code=200, operation_id="accountLists4")
    async def get_lists(
        self, request: AnyRequest, account_object_id: FromPath[str], page: FromQuery[str | None] = None
    ) -> AccountListsPage:
        """Every list of the account (public and private), newest first."""
        account_id = await owner_account_id(request, account_object_id)
        async with services_of(request).db.read() as conn:
            found = await media.lists_page(conn, account_id=account_id, page=parse_page(page))
        results = [
            AccountListSummary(
                account_object_id=account_object_id,
                adult=0,
                average_rating=summary.info.average_rating,
                backdrop_path=summary.backdrop_path,
                created_at=utc_text(summary.info.created_at),
                description=summary.info.description,
                featured=0,
                id=summary.info.id,
                iso_3166_1=summary.info.iso_3166_1,
                iso_639_1=summary.info.iso_639_1,
                name=summary.info.name,
                number_of_items=summary.info.item_count,
                poster_path=summary.poster_path,
                public=1 if summary.info.public else 0,
                revenue=summary.info.revenue,
                runtime=summary.info.runtime,
                sort_by=LIST_SORT_CODES.get(summary.info.sort_by, 1),
                updated_at=utc_text(summary.info.updated_at),
            )
            for summary in found.rows
        ]
        return AccountListsPage(
            page=found.page, results=results, total_pages=found.total_pages, total_results=found.total_results
        )

    @get("/movie/favorites", status_code=200, operation_id="accountMovieFavorites")
    async def get_movie_favorites(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountMoviesPage:
        """Favorite movies."""
        return _movie_page(*await _entries(request, account_object_id, "favorite", "movie", page, sort_by))

    @get("/tv/favorites", status_code=200, operation_id="accountTvFavorites")
    async def get_tv_favorites(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountTvPage:
        """Favorite TV shows."""
        return _tv_page(*await _entries(request, account_object_id, "favorite", "tv", page, sort_by))

    @get("/movie/rated", status_code=200, operation_id="accountRatedMovies4")
    async def get_movie_rated(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountMoviesPage:
        """Rated movies, each with `account_rating`."""
        return _movie_page(*await _entries(request, account_object_id, "rated", "movie", page, sort_by))

    @get("/tv/rated", status_code=200, operation_id="accountRatedTv4")
    async def get_tv_rated(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountTvPage:
        """Rated TV shows, each with `account_rating`."""
        return _tv_page(*await _entries(request, account_object_id, "rated", "tv", page, sort_by))

    @get("/movie/watchlist", status_code=200, operation_id="accountMovieWatchlist")
    async def get_movie_watchlist(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountMoviesPage:
        """Movies on the watchlist."""
        return _movie_page(*await _entries(request, account_object_id, "watchlist", "movie", page, sort_by))

    @get("/tv/watchlist", status_code=200, operation_id="accountTvWatchlist")
    async def get_tv_watchlist(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountTvPage:
        """TV shows on the watchlist."""
        return _tv_page(*await _entries(request, account_object_id, "watchlist", "tv", page, sort_by))

    @get("/movie/recommendations", status_code=200, operation_id="accountMovieRecommendations")
    async def get_movie_recommendations(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountMoviesPage:
        """Movies recommended from the account's favorites, ratings and watchlist."""
        return _movie_page(*await _recommended(request, account_object_id, "movie", page, sort_by))

    @get("/tv/recommendations", status_code=200, operation_id="accountTvRecommendations")
    async def get_tv_recommendations(
        self,
        request: AnyRequest,
        account_object_id: FromPath[str],
        page: FromQuery[str | None] = None,
        sort_by: FromQuery[str | None] = None,
    ) -> AccountTvPage:
        """TV shows recommended from the account's favorites, ratings and watchlist."""
        return _tv_page(*await _recommended(request, account_object_id, "tv", page, sort_by))
