"""Movie and TV result objects as TMDB returns them inside lists, searches and account pages.

One place builds them from catalog rows so that every route shows a title the same way.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

from filmshelf.storage.records import Title


class AccountRating(msgspec.Struct):
    """`account_rating` of rated results."""

    created_at: str
    value: float


class MovieResult(msgspec.Struct, omit_defaults=True):
    """A movie inside a page of results."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    original_language: str
    original_title: str
    overview: str
    popularity: float
    poster_path: str | None
    release_date: str
    title: str
    video: bool
    vote_average: float
    vote_count: int
    media_type: str | UnsetType = UNSET
    account_rating: AccountRating | UnsetType = UNSET


class TvResult(msgspec.Struct, omit_defaults=True):
    """A TV show inside a page of results."""

    adult: bool
    backdrop_path: str | None
    genre_ids: list[int]
    id: int
    origin_country: list[str]
    original_language: str
    original_name: str
    overview: str
    popularity: float
    poster_path: str | None
    first_air_date: str
    name: str
    vote_average: float
    vote_count: int
    media_type: str | UnsetType = UNSET
    account_rating: AccountRating | UnsetType = UNSET


MediaResult = MovieResult | TvResult


def served_average(value: float) -> float:
    """A stored vote average as served: three decimals, like TMDB's."""
    return round(float(value), 3)


def media_result(
    row: Title, *, with_media_type: bool = True, rating: AccountRating | None = None
) -> MovieResult | TvResult:
    """Shape a catalog title as TMDB's movie or TV result object."""
    media_type: str | UnsetType = row.media_type if with_media_type else UNSET
    account_rating: AccountRating | UnsetType = rating if rating is not None else UNSET
    if row.media_type == "movie":
        return MovieResult(
            adult=row.adult,
            backdrop_path=row.backdrop_path,
            genre_ids=list(row.genre_ids),
            id=row.id,
            original_language=row.original_language,
            original_title=row.original_title,
            overview=row.overview,
            popularity=row.popularity,
            poster_path=row.poster_path,
            release_date=row.release_date or "",
            title=row.title,
            video=row.video,
            vote_average=served_average(row.vote_average),
            vote_count=row.vote_count,
            media_type=media_type,
            account_rating=account_rating,
        )
    return TvResult(
        adult=row.adult,
        backdrop_path=row.backdrop_path,
        genre_ids=list(row.genre_ids),
        id=row.id,
        origin_country=list(row.origin_country),
        original_language=row.original_language,
        original_name=row.original_title,
        overview=row.overview,
        popularity=row.popularity,
        poster_path=row.poster_path,
        first_air_date=row.release_date or "",
        name=row.title,
        vote_average=served_average(row.vote_average),
        vote_count=row.vote_count,
        media_type=media_type,
        account_rating=account_rating,
    )
