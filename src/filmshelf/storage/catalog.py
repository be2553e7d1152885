"""SQL for the catalog of titles (movies and TV shows in one table, keyed by media type and TMDB id)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    distinct,
    exists,
    false,
    func,
    or_,
    select,
    text,
    true,
    union,
    union_all,
    update,
)
from sqlalchemy.schema import CreateIndex, DropIndex

from filmshelf.storage.engine import Conn, Prepared
from filmshelf.storage.records import Title
from filmshelf.storage.tables import (
    TITLE_COLUMNS,
    favorites,
    list_items,
    lists,
    ratings,
    title_external_ids,
    title_parts,
    titles,
    watchlist,
)
from filmshelf.storage.upsert import insert_or_ignore, upsert

__all__ = ["Conn"]

MediaKey = tuple[str, int]


async def get_title(conn: Conn, media_type: str, media_id: int) -> Title | None:
    """One title, or None."""
    stmt = select(*TITLE_COLUMNS).where(titles.c.media_type == media_type, titles.c.id == media_id)
    row = await conn.row(stmt)
    return None if row is None else Title.from_row(row)


async def get_titles(conn: Conn, keys: Iterable[MediaKey]) -> dict[MediaKey, Title]:
    """Titles for many (media_type, id) keys; absent keys are simply missing from the result."""
    wanted = list(dict.fromkeys(keys))
    found: dict[MediaKey, Title] = {}
    for media_type in ("movie", "tv"):
        ids = [media_id for kind, media_id in wanted if kind == media_type]
        # Chunks keep the statement under SQLite's bound-parameter limit.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stmt = select(*TITLE_COLUMNS).where(and_(titles.c.media_type == media_type, titles.c.id.in_(chunk)))
            for row in await conn.rows(stmt):
                found[(row.media_type, row.id)] = Title.from_row(row)
    return found


async def count_titles(conn: Conn) -> int:
    """How many titles the catalog holds."""
    return int(await conn.scalar(select(func.count()).select_from(titles)) or 0)


# --- served figures: votes, activity, popularity (rules in catalog/popularity.py) ----------------


@dataclass(frozen=True, slots=True)
class ActivityWeights:
    """Points per account for each kind of add inside a window."""

    favorite: float
    rating: float
    watchlist: float
    listed: float


@dataclass(frozen=True, slots=True)
class StatsFormula:
    """The constants of the served figures (catalog/popularity.py)."""

    point_popularity: float
    prior_mean: float
    prior_votes: float


# Columns an import brings; the served ones are derived from them (SERVED_COLUMNS).
IMPORTED_STATS = ("imported_popularity", "imported_vote_average", "imported_vote_count")
SERVED_COLUMNS = ("popularity", "vote_average", "vote_count", "rating_score")


def served_values(
    formula: StatsFormula,
    *,
    imported_popularity: Any,
    imported_vote_average: Any,
    imported_vote_count: Any,
    user_vote_sum: Any,
    user_vote_count: Any,
    activity_week: Any,
) -> dict[str, Any]:
    """SQL expressions for the served columns, from expressions for their parts."""
    count = imported_vote_count + user_vote_count
    total = cast(imported_vote_average, Float) * imported_vote_count + user_vote_sum
    average = case((count > 0, total / cast(count, Float)), else_=0.0)
    return {
        "popularity": imported_popularity + formula.point_popularity * activity_week,
        "vote_average": average,
        "vote_count": count,
        "rating_score": (total + formula.prior_mean * formula.prior_votes) / (count + formula.prior_votes),
    }


def _keys_filter(keys: Sequence[MediaKey]) -> ColumnElement[bool]:
    by_type: dict[str, list[int]] = {}
    for media_type, media_id in keys:
        by_type.setdefault(media_type, []).append(media_id)
    return or_(
        false(),
        *(and_(titles.c.media_type == media_type, titles.c.id.in_(ids)) for media_type, ids in by_type.items()),
    )


def _window_points(weights: ActivityWeights, since: float) -> Any:
    """Weighted adds of the title since `since`, each account once per kind (correlated on titles)."""

    def adds(table: Any) -> Any:
        return (
            select(func.count())
            .where(table.c.media_type == titles.c.media_type, table.c.media_id == titles.c.id)
            .where(table.c.created_at >= since)
            .scalar_subquery()
        )

    listed = (
        select(func.count(distinct(lists.c.account_id)))
        .select_from(list_items.join(lists, lists.c.id == list_items.c.list_id))
        .where(list_items.c.media_type == titles.c.media_type, list_items.c.media_id == titles.c.id)
        .where(list_items.c.created_at >= since)
        .scalar_subquery()
    )
    return (
        weights.favorite * adds(favorites)
        + weights.rating * adds(ratings)
        + weights.watchlist * adds(watchlist)
        + weights.listed * listed
    )


async def refresh_title_stats(
    conn: Conn,
    keys: Sequence[MediaKey],
    *,
    day_since: float,
    week_since: float,
    weights: ActivityWeights,
    formula: StatsFormula,
) -> int:
    """Recompute user votes, activity windows and the served figures of `keys`; return titles updated.

    On PostgreSQL the rows are locked first in key order; for more than one key, rows another
    transaction holds are skipped (the next scheduled refresh takes them), so a refresh never
    waits on an import and can never deadlock with one.
    """
    keys = sorted(set(keys))
    if not keys:
        return 0
    locking = select(titles.c.media_type, titles.c.id).where(_keys_filter(keys))
    locking = locking.order_by(titles.c.media_type, titles.c.id).with_for_update(skip_locked=len(keys) > 1)
    locked = [(row.media_type, row.id) for row in await conn.rows(locking)]
    if not locked:
        return 0
    where = _keys_filter(locked)
    user_sum = (
        select(func.coalesce(func.sum(ratings.c.value), 0.0))
        .where(ratings.c.media_type == titles.c.media_type, ratings.c.media_id == titles.c.id)
        .scalar_subquery()
    )
    user_count = (
        select(func.count())
        .where(ratings.c.media_type == titles.c.media_type, ratings.c.media_id == titles.c.id)
        .scalar_subquery()
    )
    await conn.run(
        update(titles)
        .where(where)
        .values(
            user_vote_sum=user_sum,
            user_vote_count=user_count,
            activity_day=_window_points(weights, day_since),
            activity_week=_window_points(weights, week_since),
        )
    )
    derived = served_values(
        formula,
        imported_popularity=titles.c.imported_popularity,
        imported_vote_average=titles.c.imported_vote_average,
        imported_vote_count=titles.c.imported_vote_count,
        user_vote_sum=titles.c.user_vote_sum,
        user_vote_count=titles.c.user_vote_count,
        activity_week=titles.c.activity_week,
    )
    return await conn.run(update(titles).where(where).values(**derived))


async def title_keys_to_refresh(
    conn: Conn,
    *,
    since: float,
    everything: bool = False,
    windows: Sequence[tuple[float, float]] = (),
) -> list[MediaKey]:
    """Titles whose activity figures may have moved.

    Without `windows`: every title with an add since `since` (any kind) or a non-zero activity
    figure (`everything`: all titles). With `windows`, only titles with an add inside one of
    the (low, high) time ranges: the adds since the last refresh, and those that left a window
    since then.
    """
    if everything:
        stmt: Any = select(titles.c.media_type, titles.c.id)
    elif windows:
        stmt = union(
            *(
                select(table.c.media_type, table.c.media_id.label("id")).where(
                    table.c.created_at >= low, table.c.created_at < high
                )
                for table in (favorites, watchlist, ratings, list_items)
                for low, high in windows
            )
        )
    else:
        parts: list[Any] = [
            select(table.c.media_type, table.c.media_id.label("id")).where(table.c.created_at >= since)
            for table in (favorites, watchlist, ratings, list_items)
        ]
        parts.append(
            select(titles.c.media_type, titles.c.id).where(
                titles.c.media_type.in_(("movie", "tv")), titles.c.activity_week > 0
            )
        )
        stmt = union(*parts)
    found: Sequence[Any] = await conn.rows(stmt)
    return sorted((str(row[0]), int(row[1])) for row in found)


# --- import: batched upserts ------------------------------------------------------------------

# Columns an import may compare and write (everything it can carry; not the key, the bookkeeping,
# the served figures or filmshelf's own votes and activity).
_NOT_IMPORTED = {
    "media_type",
    "id",
    "updated_at",
    *SERVED_COLUMNS,
    "user_vote_sum",
    "user_vote_count",
    "activity_day",
    "activity_week",
}
TITLE_VALUE_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in titles.columns if column.name not in _NOT_IMPORTED
)
# Bound parameters per IN (...) chunk: far under SQLite's 32,766 and asyncpg's 32,767.
_IN_CHUNK = 5000


async def existing_title_values(
    conn: Conn, media_type: str, ids: Sequence[int], columns: Sequence[str]
) -> dict[int, tuple[Any, ...]]:
    """The stored `columns` of the `media_type` titles among `ids`, keyed by id (a query per 5,000 ids)."""
    selected = [titles.c[name] for name in columns]
    found: dict[int, tuple[Any, ...]] = {}
    if not ids:
        return found
    low, high = min(ids), max(ids)
    if high - low < 4 * len(ids):
        # Dense ids (an export is in id order): one range of the primary key, filtered here.
        wanted = set(ids)
        stmt = select(titles.c.id, *selected).where(titles.c.media_type == media_type, titles.c.id.between(low, high))
        for row in await conn.rows(stmt):
            if row[0] in wanted:
                found[row[0]] = tuple(row[1:])
        return found
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        stmt = select(titles.c.id, *selected).where(titles.c.media_type == media_type, titles.c.id.in_(chunk))
        for row in await conn.rows(stmt):
            found[row[0]] = tuple(row[1:])
    return found


async def upsert_titles(
    conn: Conn, rows: Sequence[dict[str, Any]], *, update: Sequence[str], formula: StatsFormula
) -> None:
    """Insert `rows` (all with the same keys), or on a known (media_type, id) update only `update`.

    When `update` holds an imported figure, the served figures of an existing row are derived
    again in the same statement, from the new imported figures and the row's own votes and
    activity (so a rating that lands during an import is never lost).
    """
    if not rows:
        return
    carried = set(update)
    if carried & set(IMPORTED_STATS):

        def part(name: str, excluded: Any) -> Any:
            return excluded[name] if name in carried else titles.c[name]

        def derived(excluded: Any) -> dict[str, Any]:
            return served_values(
                formula,
                imported_popularity=part("imported_popularity", excluded),
                imported_vote_average=part("imported_vote_average", excluded),
                imported_vote_count=part("imported_vote_count", excluded),
                user_vote_sum=titles.c.user_vote_sum,
                user_vote_count=titles.c.user_vote_count,
                activity_week=titles.c.activity_week,
            )

        await upsert(conn, titles, rows, key=("media_type", "id"), update=update, derived=derived)
        return
    await upsert(conn, titles, rows, key=("media_type", "id"), update=update)


async def drop_title_indexes(conn: Conn) -> None:
    """Drop the secondary indexes of `titles` (before a bulk load; ensure_title_indexes restores them)."""
    for index in sorted(titles.indexes, key=lambda index: str(index.name)):
        await conn.run(DropIndex(index, if_exists=True))


async def ensure_title_indexes(conn: Conn) -> int:
    """Create any secondary index of `titles` that is missing (storage/tables.py); return how many."""
    present = {str(name) for name in await _index_names(conn)}
    missing = [index for index in titles.indexes if str(index.name) not in present]
    for index in sorted(missing, key=lambda index: str(index.name)):
        await conn.run(CreateIndex(index, if_not_exists=True))
    return len(missing)


async def _index_names(conn: Conn) -> list[str]:
    if conn.dialect == "postgresql":
        stmt = text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'titles'")
    else:
        stmt = text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'titles'")
    return [str(row[0]) for row in await conn.rows(stmt)]


async def analyze_titles(conn: Conn) -> None:
    """Bring the planner's statistics of `titles` up to date after a bulk write (PostgreSQL only).

    Without them a freshly imported catalog looks empty to PostgreSQL's planner, which then
    takes a sequential scan for discovery pages (measured: trending 120 ms against 2 ms after).
    SQLite keeps no statistics filmshelf relies on (its pages choose their index themselves).
    """
    if conn.dialect == "postgresql":
        await conn.run(text("ANALYZE titles"))


# --- title parts (credits, images, videos ...) and external ids -----------------------------------


async def get_parts(conn: Conn, media_type: str, media_id: int, names: Sequence[str] | None = None) -> dict[str, str]:
    """The stored parts of one title (all, or those in `names`), as {part: JSON text}."""
    stmt = select(title_parts.c.part, title_parts.c.body).where(
        title_parts.c.media_type == media_type, title_parts.c.id == media_id
    )
    if names is not None:
        if not names:
            return {}
        stmt = stmt.where(title_parts.c.part.in_(list(names)))
    return {row.part: row.body for row in await conn.rows(stmt)}


async def parts_of_titles(conn: Conn, media_type: str, ids: Sequence[int], part: str) -> dict[int, str]:
    """One part of many titles of `media_type`, as {id: JSON text} (titles without it are missing)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        stmt = select(title_parts.c.id, title_parts.c.body).where(
            title_parts.c.media_type == media_type, title_parts.c.part == part, title_parts.c.id.in_(chunk)
        )
        for row in await conn.rows(stmt):
            found[row.id] = row.body
    return found


async def existing_parts(conn: Conn, media_type: str, ids: Sequence[int]) -> dict[tuple[int, str], str]:
    """Every stored part of the `media_type` titles among `ids`, keyed by (id, part)."""
    found: dict[tuple[int, str], str] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        stmt = select(title_parts.c.id, title_parts.c.part, title_parts.c.body).where(
            title_parts.c.media_type == media_type, title_parts.c.id.in_(chunk)
        )
        for row in await conn.rows(stmt):
            found[(row.id, row.part)] = row.body
    return found


async def upsert_parts(conn: Conn, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace parts: rows of {media_type, id, part, body}."""
    await upsert(conn, title_parts, rows, key=("media_type", "id", "part"), update=("body",))


async def replace_external_ids(conn: Conn, media_type: str, media_id: int, pairs: Iterable[tuple[str, str]]) -> None:
    """Make (source, value) `pairs` the external ids of one title."""
    await conn.run(
        delete(title_external_ids).where(
            title_external_ids.c.media_type == media_type, title_external_ids.c.id == media_id
        )
    )
    rows = [
        {"source": source, "value": value, "media_type": media_type, "id": media_id}
        for source, value in dict.fromkeys(pairs)
    ]
    await insert_or_ignore(conn, title_external_ids, rows)


async def titles_by_external_id(conn: Conn, *, source: str, value: str) -> list[Title]:
    """Titles that carry the external id `value` from `source`, movies first, then by id."""
    stmt = (
        select(*TITLE_COLUMNS)
        .join(
            title_external_ids,
            and_(title_external_ids.c.media_type == titles.c.media_type, title_external_ids.c.id == titles.c.id),
        )
        .where(title_external_ids.c.source == source, title_external_ids.c.value == value)
        .order_by(titles.c.media_type, titles.c.id)
    )
    return [Title.from_row(row) for row in await conn.rows(stmt)]


# --- discovery: filtered, ordered pages of titles --------------------------------------------------


def _padded_genres() -> ColumnElement[str]:
    # "[16, 35]" -> ",16,35," (then look for ",16,").
    return func.replace(func.replace(func.replace(titles.c.genre_ids, " ", ""), "[", ","), "]", ",")


def has_genre(genre_id: int) -> ColumnElement[bool]:
    """The title's genre_ids (JSON text such as "[16, 35]") hold `genre_id`."""
    return _padded_genres().like(_genre_pattern(genre_id))


# TMDB's movie and TV genre ids, each a bit of `titles.genre_mask` (in this order: never reorder,
# only append; a migration would have to rewrite every mask). A genre outside this list has no
# bit: a filter on it reads `genre_ids` instead. The mask lets a filter test genres with one AND,
# in the release-date index, instead of a pattern over the JSON text of every row.
KNOWN_GENRES: tuple[int, ...] = (
    *(28, 12, 16, 35, 80, 99, 18, 10751, 14, 36, 27, 10402, 9648, 10749, 878, 10770, 53, 10752, 37),
    *(10759, 10762, 10763, 10764, 10765, 10766, 10767, 10768),
)
_GENRE_BIT = {genre: 1 << position for position, genre in enumerate(KNOWN_GENRES)}


def genre_mask(genre_ids: Iterable[int]) -> int:
    """The `genre_mask` of a title with `genre_ids` (the bits of the known genres among them)."""
    mask = 0
    for genre in genre_ids:
        mask |= _GENRE_BIT.get(genre, 0)
    return mask


@dataclass(frozen=True, slots=True)
class TitleFilter:
    """Which titles a discovery page holds (every condition optional; all of them apply)."""

    media_types: tuple[str, ...]
    include_adult: bool = False
    include_video: bool = True
    # OR of AND-groups: [[28, 12], [16]] is (28 and 12) or 16.
    genre_groups: tuple[tuple[int, ...], ...] = ()
    without_genres: tuple[int, ...] = ()
    date_from: str | None = None  # release / first air date, inclusive
    date_to: str | None = None
    require_date: bool = False
    # TV: some air date (first, last or next episode) inside [from, to].
    any_air_date_from: str | None = None
    any_air_date_to: str | None = None
    # TV: the span from first to last (or next) air date overlaps [from, to].
    air_span_from: str | None = None
    air_span_to: str | None = None
    original_languages: tuple[str, ...] = ()
    vote_average_min: float | None = None
    vote_average_max: float | None = None
    vote_count_min: float | None = None
    vote_count_max: float | None = None


# key -> the columns ordered on, before the id tie-break; a missing revenue sorts as the smallest
# value (a release-date order holds dated titles only: TitleFilter.require_date).
ORDER_KEYS: dict[str, tuple[str, ...]] = {
    "popularity": ("popularity",),
    "vote_average": ("vote_average",),
    "vote_count": ("vote_count",),
    "release_date": ("release_date",),
    "original_title": ("original_title",),
    "revenue": ("revenue",),
    "rating_score": ("rating_score", "popularity"),
    "activity_day": ("activity_day", "popularity"),
    "activity_week": ("activity_week", "popularity"),
}
_NULLABLE = {"revenue"}


@dataclass(frozen=True, slots=True)
class TitleOrder:
    """An order over titles: the key's columns, then id (then media type), all in one direction."""

    key: str
    descending: bool = True
    # rating_score and activity_* orders: the value most titles hold (the Bayesian prior, no
    # activity). A descending walk splits there (see _split_walks); None sorts without splitting.
    pivot: float | None = None

    def columns(self) -> tuple[str, ...]:
        """Every column ordered on, in order."""
        return (*ORDER_KEYS[self.key], "id", "media_type")


def _hidden(column: Any) -> Any:
    """`column` as an expression no index serves (same value, NULL stays NULL)."""
    return column.concat("") if isinstance(column.type, String) else column + 0


# A filter's statements are compiled for its shape (which conditions it has, how many genres and
# languages), never for its values: those are bound at each call, so a new filter value reuses a
# compiled statement. Shape tokens, in the order their terms are written:
_DATE_WINDOW = ("date_from", "date_to", "require_date")  # terms the release-date index serves
_BOUNDS: tuple[tuple[str, str, str, Any], ...] = (
    # (TitleFilter field, column, comparison, bound type)
    ("date_from", "release_date", ">=", String),
    ("date_to", "release_date", "<=", String),
    ("vote_average_min", "vote_average", ">=", Float),
    ("vote_average_max", "vote_average", "<=", Float),
    ("vote_count_min", "vote_count", ">=", Float),
    ("vote_count_max", "vote_count", "<=", Float),
)
FilterShape = tuple[Any, ...]


def _genre_split(genres: Iterable[int]) -> tuple[int, tuple[int, ...]]:
    """(the mask of the known genres, the others in order)."""
    ids = tuple(dict.fromkeys(int(genre) for genre in genres))
    return genre_mask(ids), tuple(genre for genre in ids if genre not in _GENRE_BIT)


def _genre_pattern(genre_id: int) -> str:
    return f"%,{int(genre_id)},%"


def filter_spec(wanted: TitleFilter) -> tuple[FilterShape, dict[str, Any]]:
    """The shape of `wanted` (what its statements are compiled for) and the values bound to it."""
    shape: list[Any] = [wanted.media_types]
    values: dict[str, Any] = {}
    if not wanted.include_adult:
        shape.append("no_adult")
    if not wanted.include_video:
        shape.append("no_video")
    if wanted.genre_groups:
        groups = []
        for index, group in enumerate(wanted.genre_groups):
            mask, others = _genre_split(group)
            if mask:
                values[f"f_genres_{index}"] = mask
            for position, genre in enumerate(others):
                values[f"f_genres_{index}_{position}"] = _genre_pattern(genre)
            groups.append((bool(mask), len(others)))
        shape.append(("genres", tuple(groups)))
    if wanted.without_genres:
        mask, others = _genre_split(wanted.without_genres)
        if mask:
            values["f_without"] = mask
        for position, genre in enumerate(others):
            values[f"f_without_{position}"] = _genre_pattern(genre)
        shape.append(("without", bool(mask), len(others)))
    for name, *_ in _BOUNDS:
        value = getattr(wanted, name)
        if value is not None:
            shape.append(name)
            values[f"f_{name}"] = value
    if wanted.require_date:
        shape.append("require_date")
    if wanted.any_air_date_from is not None and wanted.any_air_date_to is not None:
        shape.append("any_air")
        values["f_air_low"], values["f_air_high"] = wanted.any_air_date_from, wanted.any_air_date_to
    if wanted.air_span_to is not None:
        shape.append("span_to")
        values["f_span_to"] = wanted.air_span_to
    if wanted.air_span_from is not None:
        shape.append("span_from")
        values["f_span_from"] = wanted.air_span_from
    if wanted.original_languages:
        shape.append(("languages", len(wanted.original_languages)))
        for position, code in enumerate(wanted.original_languages):
            values[f"f_language_{position}"] = code
    return tuple(shape), values


def _media_types(kinds: Sequence[str]) -> ColumnElement[bool]:
    # Equalities rather than IN: a prepared statement takes no expanding parameter.
    return or_(*(titles.c.media_type == kind for kind in kinds))


def _terms(shape: FilterShape, *, indexable: frozenset[str] | None = None) -> list[ColumnElement[bool]]:
    """The WHERE terms of a filter shape, bound by name (filter_spec gives the values).

    Range terms on columns outside `indexable` are hidden from indexes.
    """
    return [term for _, term in _named_terms(shape, indexable)]


def _named_terms(shape: FilterShape, indexable: frozenset[str] | None) -> list[tuple[str, ColumnElement[bool]]]:
    """(shape part name, term) for each term of `shape` (see _terms)."""

    def col(name: str) -> Any:
        column = titles.c[name]
        return column if indexable is None or name in indexable else _hidden(column)

    def bound(name: str, type_: Any = String) -> Any:
        return bindparam(f"f_{name}", type_=type_)

    def has_mask(name: str) -> ColumnElement[bool]:
        mask = bound(name, BigInteger)
        masked: ColumnElement[int] = titles.c.genre_mask.op("&", return_type=BigInteger)(mask)
        holds: ColumnElement[bool] = masked == mask
        return holds

    def has_pattern(name: str) -> ColumnElement[bool]:
        return _padded_genres().like(bound(name))

    bounds = {name: (column, comparison, type_) for name, column, comparison, type_ in _BOUNDS}
    conditions: list[tuple[str, ColumnElement[bool]]] = []
    for part in shape[1:]:
        name = part if isinstance(part, str) else part[0]
        if part == "no_adult":
            conditions.append((name, titles.c.adult == false()))
        elif part == "no_video":
            conditions.append((name, titles.c.video == false()))
        elif name == "genres":
            groups = []
            for index, (masked, others) in enumerate(part[1]):
                parts = [has_mask(f"genres_{index}")] if masked else []
                parts += [has_pattern(f"genres_{index}_{position}") for position in range(others)]
                groups.append(and_(*parts))
            conditions.append((name, or_(*groups)))
        elif name == "without":
            _, masked, others = part
            if masked:
                conditions.append(
                    (name, titles.c.genre_mask.op("&", return_type=BigInteger)(bound("without", BigInteger)) == 0)
                )
            conditions += [(name, ~has_pattern(f"without_{position}")) for position in range(others)]
        elif name in bounds:
            column, comparison, type_ = bounds[name]
            conditions.append((name, col(column).op(comparison, is_comparison=True)(bound(name, type_))))
        elif part == "require_date":
            conditions.append((name, col("release_date").is_not(None)))
        elif part == "any_air":
            low, high = bound("air_low"), bound("air_high")
            conditions.append(
                (
                    name,
                    or_(
                        titles.c.release_date.between(low, high),
                        titles.c.last_air_date.between(low, high),
                        titles.c.next_air_date.between(low, high),
                    ),
                )
            )
        elif part == "span_to":
            conditions.append((name, col("release_date") <= bound("span_to")))
        elif part == "span_from":
            last = func.coalesce(titles.c.next_air_date, titles.c.last_air_date, titles.c.release_date)
            conditions.append((name, last >= bound("span_from")))
        elif name == "languages":
            conditions.append(
                (name, or_(*(titles.c.original_language == bound(f"language_{i}") for i in range(part[1]))))
            )
        else:  # pragma: no cover - filter_spec and _terms list the same tokens
            raise AssertionError(f"unknown filter term {part!r}")
    return conditions


def _order_by(columns: Any, order: TitleOrder, *, hidden: bool = False) -> list[Any]:
    clauses = []
    for name in order.columns():
        column = columns[name]
        if hidden and name not in ("id", "media_type"):
            column = _hidden(column)
        if name in _NULLABLE:
            # The missing value sorts as the smallest: first ascending, last descending.
            clauses.append(column.desc().nulls_last() if order.descending else column.asc().nulls_first())
        else:
            clauses.append(column.desc() if order.descending else column.asc())
    return clauses


# Orders an index of `titles` serves (storage/tables.py); revenue has none.
_INDEXED_ORDERS = frozenset(ORDER_KEYS) - {"revenue"}


@dataclass(frozen=True, slots=True)
class Counted:
    """What counting a filter found: its titles, and the rows the count had to look at.

    `scanned` is the titles in the filter's release-date window when it has one (the date index
    serves it), else every title of its media types. A page compares the two to choose its plan.
    """

    matches: int
    scanned: int


_COUNT_STATEMENTS: OrderedDict[FilterShape, Prepared[Any]] = OrderedDict()
_STATEMENTS_KEPT = 256


def _kept(cache: OrderedDict[Any, Prepared[Any]], key: Any, build: Any) -> Prepared[Any]:
    """The prepared statement of `key` in `cache`, built (and the least recently used dropped) when missing."""
    prepared = cache.get(key)
    if prepared is not None:
        cache.move_to_end(key)
        return prepared
    prepared = cache[key] = Prepared(build())
    while len(cache) > _STATEMENTS_KEPT:
        cache.popitem(last=False)
    return prepared


def _count_statement(shape: FilterShape) -> Prepared[Any]:
    def build() -> Any:
        named = _named_terms(shape, frozenset({"release_date"}))
        window = [term for name, term in named if name in _DATE_WINDOW]
        rest = [term for name, term in named if name not in _DATE_WINDOW]
        matches = func.coalesce(func.sum(case((and_(*rest), 1), else_=0)), 0) if rest else func.count()
        return select(func.count().label("scanned"), matches.label("matches")).where(_media_types(shape[0]), *window)

    return _kept(_COUNT_STATEMENTS, shape, build)


async def count_matches(conn: Conn, wanted: TitleFilter) -> Counted:
    """How many titles `wanted` holds (and how many rows counting them visited)."""
    shape, values = filter_spec(wanted)
    row = (await conn.fetch(_count_statement(shape), values))[0]
    return Counted(matches=int(row.matches or 0), scanned=int(row.scanned or 0))


async def count_titles_where(conn: Conn, wanted: TitleFilter) -> int:
    """How many titles `wanted` holds."""
    return (await count_matches(conn, wanted)).matches


# How many titles of a media type the catalog holds, as last counted (a plan estimate only: a
# stale figure can choose a slower plan, never a wrong page). Counted again after this long.
_SIZES: dict[tuple[str, ...], tuple[float, int]] = {}
SIZE_TTL = 60.0


async def _catalog_size(conn: Conn, kinds: tuple[str, ...]) -> int:
    now = time.monotonic()
    known = _SIZES.get(kinds)
    if known is not None and now - known[0] < SIZE_TTL:
        return known[1]
    size = int(await conn.scalar(select(func.count()).select_from(titles).where(_media_types(kinds))) or 0)
    _SIZES[kinds] = (now, size)
    return size


# The plan cost model, in rows read on SQLite: a walk along the order's index reads each title it
# passes (it checks the filter on the row) and passes catalog / matches titles per match;
# filtering first reads the scanned entries of the release-date index (cheaper than a row: the
# index carries genre_mask and vote_count), then each match's row, and sorts the matches. The
# weights are measured (bench/discovery_inproc.py): about 0.9 us a walked row, 0.25 us a scanned
# entry and 0.5 us a match.
_SCAN_COST = 0.25
_MATCH_COST = 0.5


def _filters_first(counted: Counted, catalog: int, *, offset: int, limit: int, dialect: str) -> bool:
    if dialect == "postgresql":
        # PostgreSQL cannot estimate a walk whose filter terms are hidden from its indexes and
        # takes a parallel scan and sort instead (tens of ms on 100,000 titles), while its plan
        # over a release-date window stays a few ms: filter first whenever there is a window.
        return counted.scanned < catalog
    walk = (offset + limit) * catalog / max(counted.matches, 1)
    first = counted.scanned * _SCAN_COST + counted.matches * _MATCH_COST
    return first < walk


def _walk(media_type: str, shape: FilterShape, order: TitleOrder, *, first: bool) -> Any:
    """The keys and order columns of one media type's titles in the filter, in `order`.

    `first` (a selective filter): filter first, on whichever index serves the filter (the
    release-date index for a date window; else none), then sort the matches; the order's
    index is hidden so that no planner walks it. Otherwise walk the order's index (other range
    terms hidden from indexes, so that no planner takes a range index and sorts every match),
    checking the filter as it goes. Only key and order columns are selected: with `adult` and
    `video` in the indexes, a walk past an offset never reads a row it does not need.
    """
    columns = [titles.c[name] for name in order.columns()]
    if order.key not in _INDEXED_ORDERS:
        # No index serves the order: let the planner take whichever range index it likes.
        conditions = _terms(shape)
        ordering = _order_by(titles.c, order)
    elif first:
        conditions = _terms(shape, indexable=frozenset({"release_date"}))
        ordering = _order_by(titles.c, order, hidden=True)
    else:
        conditions = _terms(shape, indexable=frozenset(ORDER_KEYS[order.key][:1]))
        ordering = _order_by(titles.c, order)
    return select(*columns).where(titles.c.media_type == media_type, *conditions).order_by(*ordering)


def _split_walks(media_type: str, shape: FilterShape, order: TitleOrder, pivot: float) -> list[Any]:
    """A descending rating_score / activity order as three walks, each served by an index.

    Most titles hold the pivot value (no votes: the prior; no activity: 0), so one index on the
    key would have to order them by popularity too, and every import would insert into it at
    random. Instead: titles above the pivot walk the key's index, titles at the pivot walk the
    popularity index (which carries the key), titles below walk the key's index again.
    """
    key = titles.c[order.key]
    columns = [titles.c[name] for name in order.columns()]
    conditions = _terms(shape, indexable=frozenset())
    base = select(*columns).where(titles.c.media_type == media_type, *conditions)
    by_key = _order_by(titles.c, order)
    by_popularity = [titles.c.popularity.desc(), titles.c.id.desc(), titles.c.media_type.desc()]
    at_pivot = base.where(_hidden(key) == pivot).order_by(*by_popularity)
    if order.key.startswith("activity_"):
        # Active today means active this week; activity is never negative. The partial indexes
        # hold the week-active titles only (storage/tables.py).
        return [base.where(titles.c.activity_week > 0, key > pivot).order_by(*by_key), at_pivot]
    # A score off the prior means votes: the partial index holds the voted titles only.
    voted = base.where(titles.c.vote_count > 0)
    return [voted.where(key > pivot).order_by(*by_key), at_pivot, voted.where(key < pivot).order_by(*by_key)]


def _walks(media_type: str, shape: FilterShape, order: TitleOrder, first: bool) -> list[Any]:
    if order.pivot is not None and order.descending:
        return _split_walks(media_type, shape, order, order.pivot)
    return [_walk(media_type, shape, order, first=first)]


# Page statements by (filter shape, order, plan), compiled once (storage.engine.Prepared):
# building one costs more than running it. The least recently used go first past _STATEMENTS_KEPT.
_PAGE_STATEMENTS: OrderedDict[tuple[FilterShape, TitleOrder, bool], Prepared[Any]] = OrderedDict()


def _page_statement(shape: FilterShape, order: TitleOrder, first: bool) -> Prepared[Any]:
    def build() -> Any:
        offset, limit = bindparam("p_offset", type_=Integer), bindparam("p_limit", type_=Integer)
        walks = [walk for kind in shape[0] for walk in _walks(kind, shape, order, first)]
        if len(walks) == 1:
            page = walks[0].offset(offset).limit(limit).subquery("page")
        else:
            # Several limited walks (media types, split orders), merged: a page never sorts the catalog.
            reach = bindparam("p_reach", type_=Integer)
            merged = union_all(*(select(walk.limit(reach).subquery()) for walk in walks)).subquery("merged")
            page = select(merged).order_by(*_order_by(merged.c, order)).offset(offset).limit(limit).subquery("page")
        # The page's 20 keys, then their rows.
        return (
            select(*TITLE_COLUMNS)
            .join(page, and_(titles.c.media_type == page.c.media_type, titles.c.id == page.c.id))
            .order_by(*_order_by(page.c, order))
        )

    return _kept(_PAGE_STATEMENTS, (shape, order, first), build)


async def page_titles(
    conn: Conn, wanted: TitleFilter, order: TitleOrder, *, offset: int, limit: int, counted: Counted | None = None
) -> list[Title]:
    """One page of the titles `wanted` holds, in `order`.

    One media type walks that type's index for the order, or (given what counting the filter
    found, `counted`, and when that is cheaper) filters first and sorts the matches; several
    media types are merged from one limited walk per type.
    """
    shape, params = filter_spec(wanted)
    split = order.pivot is not None and order.descending
    first = False
    choose = order.key in _INDEXED_ORDERS and order.key != "release_date"  # the date index is the filter's
    if counted is not None and len(wanted.media_types) == 1 and not split and choose:
        catalog = await _catalog_size(conn, wanted.media_types)
        first = _filters_first(counted, catalog, offset=offset, limit=limit, dialect=conn.dialect)
    params.update(p_offset=offset, p_limit=limit)
    if len(wanted.media_types) > 1 or split:
        params["p_reach"] = offset + limit
    return [Title.from_row(row) for row in await conn.fetch(_page_statement(shape, order, first), params)]


# --- the copies of catalog values kept on lists and list items ------------------------------------

# What a list item copies from its title, so that a list page sorts by walking an index and its
# totals never aggregate: item column -> (title column, value when the title's is NULL, movies
# only (TV contributes 0)). One table, read in Python when items are added (`item_copy`) and as
# SQL when an import changed titles (`refresh_list_denormalised`).
ITEM_COPY: dict[str, tuple[str, Any, bool]] = {
    "sort_title": ("title_key", None, False),
    "sort_date": ("release_date", "", False),
    "sort_vote": ("vote_average", None, False),
    "runtime": ("runtime", 0, True),
    "revenue": ("revenue", 0, True),
}


def item_copy(title: Title) -> dict[str, Any]:
    """The values a new list item copies from `title` (see ITEM_COPY)."""
    values: dict[str, Any] = {}
    for item_column, (title_column, if_null, movies_only) in ITEM_COPY.items():
        value = getattr(title, title_column)
        if movies_only and title.media_type != "movie":
            value = 0
        values[item_column] = if_null if value is None else value
    return values


def _copy_expression(title_column: str, if_null: Any, movies_only: bool) -> Any:
    value = titles.c[title_column] if if_null is None else func.coalesce(titles.c[title_column], if_null)
    return case((titles.c.media_type == "movie", value), else_=0) if movies_only else value


def _item_values_from_title(item: Any) -> dict[str, Any]:
    """ITEM_COPY as SQL: each copied value as a subquery correlated on the item."""

    def of_title(column: Any) -> Any:
        return (
            select(column)
            .where(titles.c.media_type == item.c.media_type, titles.c.id == item.c.media_id)
            .scalar_subquery()
        )

    return {name: of_title(_copy_expression(*rule)) for name, rule in ITEM_COPY.items()}


async def refresh_list_denormalised(conn: Conn, *, since: float | None = None) -> tuple[int, int]:
    """Bring list items' copies of catalog values, and their lists' totals, back in step with the catalog.

    Set-based SQL, two statements. With `since`, only titles whose `updated_at` is at or after it
    are looked at (an import stamps every row it writes with one time); without, every title.
    A list's totals are sums over its items: item_count, runtime, revenue and vote_sum (the sum
    of the items' sort_vote). Returns (list items updated, lists updated).
    """
    changed = titles.c.updated_at >= since if since is not None else true()
    on_title = and_(titles.c.media_type == list_items.c.media_type, titles.c.id == list_items.c.media_id)
    touched = select(list_items.c.list_id).join(titles, on_title).where(changed)
    # Lock the lists first, in id order, as list changes do (lists/service.py): no deadlock with them.
    await conn.rows(select(lists.c.id).where(lists.c.id.in_(touched)).order_by(lists.c.id).with_for_update())
    stale_item = or_(*(_copy_expression(*rule) != list_items.c[name] for name, rule in ITEM_COPY.items()))
    items_updated = await conn.run(
        update(list_items)
        .where(exists().where(on_title, changed, stale_item))
        .values(**_item_values_from_title(list_items))
    )

    member = list_items.alias("member")
    totals = (
        select(
            member.c.list_id.label("list_id"),
            func.count().label("item_count"),
            func.coalesce(func.sum(member.c.runtime), 0).label("runtime"),
            func.coalesce(func.sum(member.c.revenue), 0).label("revenue"),
            func.coalesce(func.sum(member.c.sort_vote), 0.0).label("vote_sum"),
        )
        .where(member.c.list_id.in_(touched))
        .group_by(member.c.list_id)
        .subquery("totals")
    )
    stale_list = or_(
        lists.c.item_count != totals.c.item_count,
        lists.c.runtime != totals.c.runtime,
        lists.c.revenue != totals.c.revenue,
        lists.c.vote_sum != totals.c.vote_sum,
    )
    lists_updated = await conn.run(
        update(lists)
        .where(lists.c.id == totals.c.list_id, stale_list)
        .values(
            item_count=totals.c.item_count,
            runtime=totals.c.runtime,
            revenue=totals.c.revenue,
            vote_sum=totals.c.vote_sum,
        )
    )
    return items_updated, lists_updated


# --- search ---------------------------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_titles(
    conn: Conn,
    *,
    media_type: str | None,
    needle: str,
    include_adult: bool,
    year: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Title], int]:
    """A page of titles whose title or original title contains `needle` (lower-case), most popular first.

    Returns (rows, total matches). `year` keeps titles released (first aired) that year.
    `media_type` None searches movies and TV together (ties: id, then media type).
    """
    pattern = f"%{_escape_like(needle)}%"
    kinds = (media_type,) if media_type is not None else ("movie", "tv")
    conditions = [
        titles.c.media_type.in_(kinds),
        or_(
            titles.c.title_key.like(pattern, escape="\\"),
            func.lower(titles.c.original_title).like(pattern, escape="\\"),
        ),
    ]
    if not include_adult:
        conditions.append(titles.c.adult == false())
    if year is not None:
        conditions.append(titles.c.release_date.like(f"{year:04d}-%"))
    total = int(await conn.scalar(select(func.count()).select_from(titles).where(*conditions)) or 0)
    if offset >= total:
        return [], total
    stmt = (
        select(*TITLE_COLUMNS)
        .where(*conditions)
        .order_by(titles.c.popularity.desc(), titles.c.id, titles.c.media_type)
        .offset(offset)
        .limit(limit)
    )
    return [Title.from_row(row) for row in await conn.rows(stmt)], total


# --- similar titles and recommendations (rules in catalog/similar.py) ------------------------------


async def titles_sharing_genres(
    conn: Conn, *, media_type: str, genre_ids: Sequence[int], exclude_id: int, limit: int
) -> list[Title]:
    """Titles of `media_type` (not `exclude_id`, not adult) with one of `genre_ids`, most popular first."""
    if not genre_ids:
        return []
    stmt = (
        select(*TITLE_COLUMNS)
        .where(titles.c.media_type == media_type, titles.c.id != exclude_id, titles.c.adult == false())
        .where(or_(*(has_genre(g) for g in genre_ids)))
        .order_by(titles.c.popularity.desc(), titles.c.id.desc())
        .limit(limit)
    )
    return [Title.from_row(row) for row in await conn.rows(stmt)]


async def co_marked_titles(
    conn: Conn, *, media_type: str, media_id: int, min_rating: float, limit: int
) -> tuple[int, list[tuple[int, int]]]:
    """Who liked a title, and what else they liked.

    An account likes a title it favorited, put on its watchlist, or rated `min_rating` or more.
    Returns (how many accounts like `media_id`, [(other title id, how many of them like it)]),
    most shared first, then by id; titles of `media_type` only, at most `limit`.
    """
    marks = union(
        select(favorites.c.account_id, favorites.c.media_id).where(favorites.c.media_type == media_type),
        select(watchlist.c.account_id, watchlist.c.media_id).where(watchlist.c.media_type == media_type),
        select(ratings.c.account_id, ratings.c.media_id).where(
            ratings.c.media_type == media_type, ratings.c.value >= min_rating
        ),
    ).subquery("marks")
    fans = select(marks.c.account_id).where(marks.c.media_id == media_id)
    fan_count = int(await conn.scalar(select(func.count()).select_from(fans.subquery())) or 0)
    if not fan_count:
        return 0, []
    shared = func.count(distinct(marks.c.account_id))
    stmt = (
        select(marks.c.media_id, shared.label("fans"))
        .where(marks.c.account_id.in_(fans), marks.c.media_id != media_id)
        .group_by(marks.c.media_id)
        .order_by(shared.desc(), marks.c.media_id)
        .limit(limit)
    )
    found: Sequence[Any] = await conn.rows(stmt)
    return fan_count, [(int(row[0]), int(row[1])) for row in found]
