"""Discovery: /3/discover, the named lists (popular, top rated, now playing ...), trending, multi search.

Rules kept here; routes only parse the query string into these functions and shape the rows.

* Pages hold 20 titles; `page` is 1-500 (else 400 / 22); a page past the end is empty with the
  real totals.
* Orders are index walks: the key's columns, then the TMDB id, then the media type, all in the
  same direction. A date order holds only titles with a date; a missing revenue sorts as the
  smallest value (first ascending, last descending).
* `sort_by` values are TMDB's documented ones for discover. TMDB ignores a value it does not know
  and answers in its default order (popularity.desc); so does filmshelf. `title.*` sorts like
  `original_title.*` and `name.*` like `original_name.*` (TMDB orders both by the original title,
  in code-point order).
* Genre lists: a comma means AND, a pipe OR (`28,12|16` = (28 and 12) or 16); `without_genres`
  leaves out titles with any of its genres. A genre that is not an integer is 422 / 5.
* Dates are `YYYY-MM-DD` (else 400 / 23); years 1-9999 (else 422 / 5); vote bounds are numbers
  (else 422 / 5).
* The named lists: popular (popularity), top rated (rating_score, the Bayesian average of
  catalog/popularity.py), now playing (released in the last 6 weeks), upcoming (releasing in the
  next 6 weeks), on the air (a first, last or next episode air date in the next 7 days), airing
  today (one of those dates today); trending (activity in the last day or week, then popularity).
  Adult titles are never in them.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from filmshelf.catalog import popularity
from filmshelf.errors import FilmshelfError, InvalidParameters
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.catalog import TitleFilter, TitleOrder
from filmshelf.storage.engine import Conn
from filmshelf.storage.records import Title
from filmshelf.wire import PAGE_SIZE, Page, offset_of

NOW_PLAYING_DAYS = 42
UPCOMING_DAYS = 42
ON_THE_AIR_DAYS = 7
MEDIA_TYPES = ("movie", "tv")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")

# sort_by field -> storage order key, per media type (TMDB's documented discover values).
SORT_FIELDS: dict[str, dict[str, str]] = {
    "movie": {
        "popularity": "popularity",
        "revenue": "revenue",
        "primary_release_date": "release_date",
        "title": "original_title",
        "original_title": "original_title",
        "vote_average": "vote_average",
        "vote_count": "vote_count",
    },
    "tv": {
        "popularity": "popularity",
        "first_air_date": "release_date",
        "name": "original_title",
        "original_name": "original_title",
        "vote_average": "vote_average",
        "vote_count": "vote_count",
    },
}
DEFAULT_ORDER = TitleOrder(key="popularity", descending=True)


def sort_values(media_type: str) -> list[str]:
    """Every `sort_by` value discover of `media_type` understands."""
    return [f"{name}.{way}" for name in SORT_FIELDS[media_type] for way in ("asc", "desc")]


def parse_sort(raw: str | None, media_type: str) -> TitleOrder:
    """The order for `sort_by`; a value TMDB would not know gives the default (popularity.desc), as TMDB does."""
    if raw:
        name, _, way = raw.strip().rpartition(".")
        key = SORT_FIELDS[media_type].get(name)
        if key is not None and way in ("asc", "desc"):
            return TitleOrder(key=key, descending=way == "desc")
    return DEFAULT_ORDER


def parse_flag(raw: str | None, *, default: bool = False) -> bool:
    """A boolean query value: true/1 or false/0 (any case); anything else is the default."""
    if raw is None:
        return default
    text = raw.strip().lower()
    if text in {"true", "1"}:
        return True
    if text in {"false", "0"}:
        return False
    return default


def parse_genre_groups(raw: str | None, name: str = "with_genres") -> tuple[tuple[int, ...], ...]:
    """`28,12|16` -> ((28, 12), (16,)): OR of AND-groups; a part that is not an integer is 422 / 5."""
    if raw is None or not raw.strip():
        return ()
    groups: list[tuple[int, ...]] = []
    for group in raw.split("|"):
        ids = tuple(_genre_id(part, name) for part in group.split(",") if part.strip())
        if ids:
            groups.append(ids)
    return tuple(groups)


def parse_genre_set(raw: str | None, name: str = "without_genres") -> tuple[int, ...]:
    """Every genre in a comma or pipe separated list."""
    return tuple(dict.fromkeys(genre for group in parse_genre_groups(raw, name) for genre in group))


def _genre_id(part: str, name: str) -> int:
    text = part.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise InvalidParameters(detail=f"{name} must list genre ids (integers), not {text[:20]!r}")
    return int(text)


def parse_date(raw: str | None, name: str) -> str | None:
    """A `YYYY-MM-DD` query value (a full timestamp keeps its date); else 400 / 23."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()[:10]
    if _DATE.fullmatch(text) is None:
        raise FilmshelfError(23, detail=f"{name} must be YYYY-MM-DD")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise FilmshelfError(23, detail=f"{name} must be a real date") from None
    return text


def parse_number(raw: str | None, name: str) -> float | None:
    """A number query value; not a finite number is 422 / 5."""
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise InvalidParameters(detail=f"{name} must be a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidParameters(detail=f"{name} must be a number")
    return value


def parse_year(raw: str | None, name: str) -> int | None:
    """A year 1-9999; else 422 / 5."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= 9999:
        raise InvalidParameters(detail=f"{name} must be a year such as 1999, not {text[:20]!r}")
    return int(text)


def parse_languages(raw: str | None) -> tuple[str, ...]:
    """`with_original_language`: ISO 639-1 codes, several joined by `|` (any of them)."""
    if raw is None or not raw.strip():
        return ()
    codes = []
    for part in re.split(r"[|,]", raw):
        text = part.strip()
        if not text:
            continue
        if _LANGUAGE.fullmatch(text) is None:
            raise InvalidParameters(detail=f"with_original_language must be ISO 639-1 codes, not {text[:20]!r}")
        codes.append(text.lower())
    return tuple(dict.fromkeys(codes))


def _later(first: str | None, second: str | None) -> str | None:
    return max(d for d in (first, second) if d is not None) if first or second else None


def _earlier(first: str | None, second: str | None) -> str | None:
    return min(d for d in (first, second) if d is not None) if first or second else None


def _year_range(year: int | None) -> tuple[str | None, str | None]:
    if year is None:
        return None, None
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


@dataclass(frozen=True, slots=True)
class DiscoverParams:
    """The discover query string, raw (every value as the client sent it, or None)."""

    with_genres: str | None = None
    without_genres: str | None = None
    primary_release_year: str | None = None
    year: str | None = None
    first_air_date_year: str | None = None
    primary_release_date_gte: str | None = None
    primary_release_date_lte: str | None = None
    release_date_gte: str | None = None
    release_date_lte: str | None = None
    first_air_date_gte: str | None = None
    first_air_date_lte: str | None = None
    air_date_gte: str | None = None
    air_date_lte: str | None = None
    with_original_language: str | None = None
    vote_average_gte: str | None = None
    vote_average_lte: str | None = None
    vote_count_gte: str | None = None
    vote_count_lte: str | None = None
    include_adult: str | None = None
    include_video: str | None = None
    include_null_first_air_dates: str | None = None
    sort_by: str | None = None


def discover_query(media_type: str, params: DiscoverParams) -> tuple[TitleFilter, TitleOrder]:
    """The filter and order of /3/discover/{media_type} (see the module docstring)."""
    if media_type == "movie":
        year = parse_year(params.primary_release_year, "primary_release_year")
        if year is None:
            year = parse_year(params.year, "year")
        low = _later(
            parse_date(params.primary_release_date_gte, "primary_release_date.gte"),
            parse_date(params.release_date_gte, "release_date.gte"),
        )
        high = _earlier(
            parse_date(params.primary_release_date_lte, "primary_release_date.lte"),
            parse_date(params.release_date_lte, "release_date.lte"),
        )
        span_low = span_high = None
        require_date = False
    else:
        year = parse_year(params.first_air_date_year, "first_air_date_year")
        low = parse_date(params.first_air_date_gte, "first_air_date.gte")
        high = parse_date(params.first_air_date_lte, "first_air_date.lte")
        span_low = parse_date(params.air_date_gte, "air_date.gte")
        span_high = parse_date(params.air_date_lte, "air_date.lte")
        require_date = not parse_flag(params.include_null_first_air_dates)
    year_low, year_high = _year_range(year)
    wanted = TitleFilter(
        media_types=(media_type,),
        include_adult=parse_flag(params.include_adult),
        include_video=media_type == "tv" or parse_flag(params.include_video),
        genre_groups=parse_genre_groups(params.with_genres),
        without_genres=parse_genre_set(params.without_genres),
        date_from=_later(low, year_low),
        date_to=_earlier(high, year_high),
        require_date=require_date,
        air_span_from=span_low,
        air_span_to=span_high,
        original_languages=parse_languages(params.with_original_language),
        vote_average_min=parse_number(params.vote_average_gte, "vote_average.gte"),
        vote_average_max=parse_number(params.vote_average_lte, "vote_average.lte"),
        vote_count_min=parse_number(params.vote_count_gte, "vote_count.gte"),
        vote_count_max=parse_number(params.vote_count_lte, "vote_count.lte"),
    )
    order = parse_sort(params.sort_by, media_type)
    if order.key == "release_date":
        # A title without a date has no place in a date order (and NULLs would keep both
        # engines from walking the date index in both directions).
        wanted = replace(wanted, require_date=True)
    return wanted, order


# --- the named lists ------------------------------------------------------------------------------
def today(now: float, timezone: str | None = None) -> dt.date:
    """The date at `now` in `timezone` (an IANA name; UTC when absent); an unknown zone is 400 / 28."""
    zone: dt.tzinfo = dt.UTC
    if timezone is not None and timezone.strip():
        try:
            zone = ZoneInfo(timezone.strip())
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise FilmshelfError(28) from None
    return dt.datetime.fromtimestamp(now, tz=zone).date()


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The `dates` object of now_playing and upcoming."""

    minimum: str
    maximum: str


def now_playing_window(day: dt.date) -> DateWindow:
    """Movies released in the last 6 weeks, today included."""
    return DateWindow(minimum=(day - dt.timedelta(days=NOW_PLAYING_DAYS)).isoformat(), maximum=day.isoformat())


def upcoming_window(day: dt.date) -> DateWindow:
    """Movies releasing from tomorrow to 6 weeks ahead."""
    return DateWindow(
        minimum=(day + dt.timedelta(days=1)).isoformat(),
        maximum=(day + dt.timedelta(days=UPCOMING_DAYS)).isoformat(),
    )


POPULAR = TitleOrder(key="popularity", descending=True)
TOP_RATED = TitleOrder(key="rating_score", descending=True, pivot=popularity.PRIOR_MEAN)
TRENDING = {
    "day": TitleOrder(key="activity_day", pivot=0.0),
    "week": TitleOrder(key="activity_week", pivot=0.0),
}


def named_list(name: str, media_type: str, day: dt.date) -> tuple[TitleFilter, TitleOrder]:
    """The filter and order of /3/movie/{popular|top_rated|now_playing|upcoming} and the TV ones."""
    base = TitleFilter(media_types=(media_type,))
    if name == "popular":
        return base, POPULAR
    if name == "top_rated":
        return base, TOP_RATED
    if name == "now_playing":
        window = now_playing_window(day)
        return replace(base, date_from=window.minimum, date_to=window.maximum), POPULAR
    if name == "upcoming":
        window = upcoming_window(day)
        return replace(base, date_from=window.minimum, date_to=window.maximum), POPULAR
    if name == "airing_today":
        return replace(base, any_air_date_from=day.isoformat(), any_air_date_to=day.isoformat()), POPULAR
    if name == "on_the_air":
        last = day + dt.timedelta(days=ON_THE_AIR_DAYS - 1)
        return replace(base, any_air_date_from=day.isoformat(), any_air_date_to=last.isoformat()), POPULAR
    raise ValueError(f"unknown list {name}")


def trending_query(media: str, window: str) -> tuple[TitleFilter, TitleOrder] | None:
    """/3/trending/{media}/{window}: None for a media kind the catalog never holds (people)."""
    kinds = MEDIA_TYPES if media == "all" else (media,)
    if media == "person":
        return None
    return TitleFilter(media_types=kinds), TRENDING[window]


# --- reading a page -------------------------------------------------------------------------------
# One page of catalog titles and the total behind it.
TitlePage = Page[Title]


class TotalsCache:
    """Recent totals of discovery filters, kept by one process for `ttl` seconds.

    A page is an index walk that stops after 20 rows; its total has to visit every matching row
    (tens of milliseconds on a 100,000-title catalog). Totals change only when an import adds
    titles or votes move a title across a vote bound, so a total may lag such a change by up to
    `ttl` seconds (docs/wire-decisions.md). At most `size` filters are kept (least recently used
    go first).
    """

    def __init__(self, *, ttl: float = 15.0, size: int = 512, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._totals: OrderedDict[TitleFilter, tuple[float, catalog_rows.Counted]] = OrderedDict()

    def clear(self) -> None:
        """Forget every total (a test double's reset)."""
        self._totals.clear()

    async def total(self, conn: Conn, wanted: TitleFilter) -> int:
        """The number of titles `wanted` holds, from the cache while it is fresh."""
        return (await self.counted(conn, wanted)).matches

    async def counted(self, conn: Conn, wanted: TitleFilter) -> catalog_rows.Counted:
        """What counting `wanted` found (its total, and how many rows the count visited)."""
        now = self._clock()
        found = self._totals.get(wanted)
        if found is not None and now - found[0] < self.ttl:
            self._totals.move_to_end(wanted)
            return found[1]
        counted = await catalog_rows.count_matches(conn, wanted)
        self._totals[wanted] = (now, counted)
        self._totals.move_to_end(wanted)
        while len(self._totals) > self.size:
            self._totals.popitem(last=False)
        return counted


async def read_page(
    conn: Conn, wanted: TitleFilter, order: TitleOrder, *, page: int, totals: TotalsCache | None = None
) -> TitlePage:
    """One page (20) of the titles `wanted` holds, in `order` (totals from `totals` when given).

    The count comes first: what it found chooses how the page is read (storage/catalog.py,
    page_titles: a selective filter is filtered first, then sorted).
    """
    counted = await (totals.counted(conn, wanted) if totals else catalog_rows.count_matches(conn, wanted))
    offset = offset_of(page)
    rows = []
    if offset < counted.matches:
        rows = await catalog_rows.page_titles(conn, wanted, order, offset=offset, limit=PAGE_SIZE, counted=counted)
    return Page(page=page, rows=rows, total_results=counted.matches)
