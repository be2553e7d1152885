"""Engine-independent rules of discovery, popularity, parts and similarity (pure functions, no server)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from filmshelf.catalog import discover, importer, parts, popularity, similar
from filmshelf.catalog.discover import DiscoverParams
from filmshelf.errors import FilmshelfError
from filmshelf.storage.catalog import TitleOrder

ROOT = Path(__file__).resolve().parent.parent.parent


# --- popularity and votes -------------------------------------------------------------------------
def test_served_figures_combine_imported_and_own() -> None:
    # No votes anywhere: average 0, and the top_rated score sits at the prior.
    none = popularity.served(imported_popularity=2.5, imported_vote_average=0.0, imported_vote_count=0)
    assert (none.popularity, none.vote_average, none.vote_count) == (2.5, 0.0, 0)
    assert none.rating_score == popularity.PRIOR_MEAN
    # Imported 8.0 x 30 votes plus two of ours (10 and 6): (240 + 16) / 32.
    mixed = popularity.served(
        imported_popularity=12.0,
        imported_vote_average=8.0,
        imported_vote_count=30,
        user_vote_sum=16.0,
        user_vote_count=2,
        activity_week=5.0,
    )
    assert mixed.vote_count == 32
    assert mixed.vote_average == pytest.approx(8.0)
    assert mixed.popularity == 12.0 + 5.0 * popularity.POINT_POPULARITY
    assert mixed.rating_score == pytest.approx((8.0 * 32 + 6.5 * 10) / 42)
    # Only our own votes: one 10 does not beat the prior by much; many low ones sink below it.
    one_ten = popularity.served(
        imported_popularity=0, imported_vote_average=0, imported_vote_count=0, user_vote_sum=10, user_vote_count=1
    )
    assert one_ten.vote_average == 10.0 and popularity.PRIOR_MEAN < one_ten.rating_score < 7.0
    lows = popularity.served(
        imported_popularity=0, imported_vote_average=0, imported_vote_count=0, user_vote_sum=20, user_vote_count=10
    )
    assert lows.rating_score < popularity.PRIOR_MEAN


def test_activity_points_weigh_each_kind() -> None:
    assert popularity.activity_points(favorites=0, ratings=0, watchlist=0, listed=0) == 0
    assert popularity.activity_points(favorites=1, ratings=0, watchlist=0, listed=0) == popularity.FAVORITE_POINTS
    assert popularity.activity_points(favorites=2, ratings=1, watchlist=1, listed=3) == (
        2 * popularity.FAVORITE_POINTS
        + popularity.RATING_POINTS
        + popularity.WATCHLIST_POINTS
        + 3 * popularity.LIST_POINTS
    )


def test_sample_seed_matches_its_formula() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "catalog" / "seed_popularity.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- discover parameters --------------------------------------------------------------------------
def test_genre_lists_comma_is_and_pipe_is_or() -> None:
    assert discover.parse_genre_groups("28,12") == ((28, 12),)
    assert discover.parse_genre_groups("28|12") == ((28,), (12,))
    assert discover.parse_genre_groups("28,12|16") == ((28, 12), (16,))
    assert discover.parse_genre_groups(" 28 , ,12| ") == ((28, 12),)
    assert discover.parse_genre_groups("") == () == discover.parse_genre_groups(None)
    assert discover.parse_genre_set("28|12,28") == (28, 12)
    for bad in ("action", "28,x", "-1", "1.5", "9" * 12):
        with pytest.raises(FilmshelfError) as caught:
            discover.parse_genre_groups(bad)
        assert (caught.value.code, caught.value.http_status) == (5, 422)


def test_dates_numbers_years_languages() -> None:
    assert discover.parse_date("2024-02-29", "d") == "2024-02-29"
    assert discover.parse_date("2024-02-29T10:00:00.000Z", "d") == "2024-02-29"
    assert discover.parse_date(" ", "d") is None
    for bad in ("2023-02-29", "24-01-01", "yesterday", "2024/01/01"):
        with pytest.raises(FilmshelfError) as caught:
            discover.parse_date(bad, "d")
        assert (caught.value.code, caught.value.http_status) == (23, 400)
    assert discover.parse_number("7.5", "n") == 7.5 and discover.parse_number(None, "n") is None
    for bad_number in ("many", "nan", "inf"):
        with pytest.raises(FilmshelfError) as caught:
            discover.parse_number(bad_number, "n")
        assert caught.value.code == 5
    assert discover.parse_year("1999", "y") == 1999
    for bad_year in ("0", "10000", "19x9", "1" * 5000):
        with pytest.raises(FilmshelfError) as caught:
            discover.parse_year(bad_year, "y")
        assert caught.value.code == 5
    assert discover.parse_languages("EN|ja") == ("en", "ja")
    with pytest.raises(FilmshelfError):
        discover.parse_languages("english")


def test_sort_by_values_and_unknown_ones() -> None:
    assert discover.parse_sort("vote_count.asc", "movie") == TitleOrder(key="vote_count", descending=False)
    # title and original_title sort alike (TMDB orders both by the original title); name likewise.
    assert discover.parse_sort("title.desc", "movie") == discover.parse_sort("original_title.desc", "movie")
    assert discover.parse_sort("name.asc", "tv") == TitleOrder(key="original_title", descending=False)
    assert discover.parse_sort("primary_release_date.asc", "movie").key == "release_date"
    assert discover.parse_sort("first_air_date.desc", "tv").key == "release_date"
    # Unknown values, and values of the other media type, give TMDB's default order.
    for unknown in (None, "", "rating.desc", "popularity", "popularity.up", "first_air_date.asc"):
        assert discover.parse_sort(unknown, "movie") == discover.DEFAULT_ORDER
    assert discover.parse_sort("revenue.desc", "tv") == discover.DEFAULT_ORDER
    assert len(discover.sort_values("movie")) == 14 and len(discover.sort_values("tv")) == 12


def test_discover_query_combines_year_and_ranges() -> None:
    wanted, order = discover.discover_query(
        "movie",
        DiscoverParams(
            primary_release_year="1999",
            release_date_gte="1999-06-01",
            primary_release_date_lte="2005-01-01",
            include_adult="TRUE",
            sort_by="revenue.asc",
        ),
    )
    assert (wanted.date_from, wanted.date_to) == ("1999-06-01", "1999-12-31")
    assert wanted.include_adult and not wanted.include_video
    assert order == TitleOrder(key="revenue", descending=False)
    tv, _ = discover.discover_query("tv", DiscoverParams(first_air_date_year="2011", air_date_gte="2020-01-01"))
    assert (tv.date_from, tv.date_to, tv.air_span_from, tv.require_date) == (
        "2011-01-01",
        "2011-12-31",
        "2020-01-01",
        True,
    )
    with_nulls, _ = discover.discover_query("tv", DiscoverParams(include_null_first_air_dates="true"))
    assert not with_nulls.require_date and with_nulls.include_video


def test_named_list_windows() -> None:
    day = dt.date(2026, 3, 10)
    assert discover.now_playing_window(day) == discover.DateWindow(minimum="2026-01-27", maximum="2026-03-10")
    assert discover.upcoming_window(day) == discover.DateWindow(minimum="2026-03-11", maximum="2026-04-21")
    airing, _ = discover.named_list("airing_today", "tv", day)
    assert (airing.any_air_date_from, airing.any_air_date_to) == ("2026-03-10", "2026-03-10")
    on_air, order = discover.named_list("on_the_air", "tv", day)
    assert (on_air.any_air_date_from, on_air.any_air_date_to) == ("2026-03-10", "2026-03-16")
    assert order == discover.POPULAR
    assert discover.named_list("top_rated", "movie", day)[1].key == "rating_score"
    assert discover.trending_query("person", "day") is None
    everything = discover.trending_query("all", "week")
    assert everything is not None and everything[0].media_types == ("movie", "tv")


def test_today_follows_the_timezone() -> None:
    # 2026-03-10 23:30 UTC is already the 11th in Tokyo and still the 10th in Los Angeles.
    now = dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC).timestamp()
    assert discover.today(now) == dt.date(2026, 3, 10)
    assert discover.today(now, "Asia/Tokyo") == dt.date(2026, 3, 11)
    assert discover.today(now, "America/Los_Angeles") == dt.date(2026, 3, 10)
    for bad in ("Mars/Olympus", "../../etc/passwd", "\x00"):
        with pytest.raises(FilmshelfError) as caught:
            discover.today(now, bad)
        assert (caught.value.code, caught.value.http_status) == (28, 400)


# --- parts ----------------------------------------------------------------------------------------
def test_parts_are_normalised() -> None:
    movie_keywords = parts.normalise("movie", "keywords", b'{"id": 550, "keywords": [{"id": 825, "name": "x"}]}')
    tv_keywords = parts.normalise("tv", "keywords", b'{"results": [{"id": 825, "name": "x"}]}')
    assert movie_keywords == tv_keywords == parts.Keywords(keywords=[parts.Keyword(id=825, name="x")])
    titles = parts.normalise("tv", "alternative_titles", b'{"results": [{"iso_3166_1": "AR", "title": "T"}]}')
    assert parts.encode(titles) == '{"titles":[{"iso_3166_1":"AR","title":"T","type":""}]}'
    # Unknown fields are dropped, `id` too; missing optional fields take TMDB's empty values.
    credits = parts.normalise("movie", "credits", b'{"id": 1, "cast": [{"id": 2, "name": "A", "extra": 1}]}')
    assert json.loads(parts.encode(credits)) == {
        "cast": [
            {
                "adult": False,
                "gender": 0,
                "id": 2,
                "known_for_department": "",
                "name": "A",
                "original_name": "",
                "popularity": 0.0,
                "profile_path": None,
                "character": "",
                "credit_id": "",
                "order": 0,
            }
        ],
        "crew": [],
    }
    for name, raw in (
        ("credits", b'{"cast": [{"name": "no id"}]}'),
        ("images", b'{"posters": "none"}'),
        ("videos", b"[1, 2]"),
        ("watch/providers", b'{"results": {"US": {"flatrate": [{"provider_name": "no id"}]}}}'),
    ):
        with pytest.raises(parts.BadPartError):
            parts.normalise("movie", name, raw)
    assert parts.decode("tv", "content_ratings", None) == parts.ContentRatings()


def test_find_keys_and_aggregate_credits() -> None:
    ids = parts.ExternalIds(imdb_id=" tt0944947 ", tvdb_id=121361, wikidata_id="", twitter_id=None)
    assert list(parts.find_keys(ids)) == [("imdb_id", "tt0944947"), ("tvdb_id", "121361")]
    credits = parts.Credits(
        cast=[parts.CastMember(id=1, name="A", character="Tyrion", credit_id="c1", order=0)],
        crew=[parts.CrewMember(id=2, name="B", job="Producer", department="Production", credit_id="c2")],
    )
    aggregate = parts.aggregate_from_credits(credits)
    assert aggregate.cast[0].roles == [parts.AggregateRole(credit_id="c1", character="Tyrion", episode_count=0)]
    assert aggregate.crew[0].jobs == [parts.AggregateJob(credit_id="c2", job="Producer", episode_count=0)]
    assert aggregate.crew[0].department == "Production" and aggregate.cast[0].total_episode_count == 0


# --- similarity -----------------------------------------------------------------------------------
def test_content_score_and_rank() -> None:
    assert similar.set_cosine({1, 2}, {2, 3}) == pytest.approx(0.5)
    assert similar.set_cosine(set(), {1}) == 0.0
    source = similar.Features(genres=frozenset({18, 53}), keywords=frozenset({1, 2}), words=frozenset({"club"}))
    twin = similar.Features(genres=frozenset({18, 53}), keywords=frozenset({1, 2}), words=frozenset({"club"}))
    assert similar.content_score(source, twin) == pytest.approx(1 + similar.KEYWORD_SHARE + similar.WORD_SHARE)
    stranger = similar.Features(genres=frozenset({16}), keywords=frozenset(), words=frozenset({"fish"}))
    assert similar.content_score(source, stranger) == 0.0
    # Best first; equal scores go to the more popular, then the lower id; zero is left out.
    scores = {5: 0.5, 3: 0.5, 9: 0.5, 7: 1.0, 8: 0.0}
    popularity_of = {5: 2.0, 3: 1.0, 9: 2.0, 7: 0.1, 8: 9.0}
    assert similar.rank(scores, popularity_of) == [7, 5, 9, 3]


def test_import_lines_keep_parts_and_imported_figures() -> None:
    line = {
        "id": 10_000_950,
        "title": "Synthetic",
        "imdb_id": "tt1",
        "popularity": 3.5,
        "vote_average": 7.0,
        "vote_count": 4,
        "credits": {"id": 10_000_950, "cast": [], "crew": []},
        "watch/providers": {"results": {}},
        "keywords": {"keywords": [{"id": 1, "name": "k"}]},
    }
    record = importer.parse_line(json.dumps(line).encode())
    assert set(record.parts) == {"credits", "watch/providers", "keywords"}
    assert record.parts["credits"] == '{"cast":[],"crew":[]}'
    assert record.imdb_id == "tt1"
    assert {"imported_popularity", "imported_vote_average", "imported_vote_count"} <= set(record.carried)
    assert (record.row["popularity"], record.row["vote_average"], record.row["vote_count"]) == (3.5, 7.0, 4)
    assert (
        record.row["rating_score"]
        == popularity.served(imported_popularity=3.5, imported_vote_average=7.0, imported_vote_count=4).rating_score
    )
    # TV air dates; a part that is not TMDB's shape makes the line bad (and says which part).
    show = importer.parse_line(
        b'{"id": 5, "original_name": "S", "last_air_date": "2020-01-02", "next_episode_to_air": {"air_date": null}}'
    )
    assert (show.row["last_air_date"], show.row["next_air_date"]) == ("2020-01-02", None)
    for bad, reason in (
        (b'{"id": 5, "title": "T", "credits": {"cast": [{"name": "no id"}]}}', "credits"),
        (b'{"id": 5, "title": "T", "videos": []}', "videos"),
        (b'{"id": 5, "original_name": "S", "last_air_date": "soon"}', "last_air_date"),
    ):
        with pytest.raises(importer.BadLineError, match=reason):
            importer.parse_line(bad)
    # A TV part on a movie line is not a movie part: ignored, like any unknown key.
    assert importer.parse_line(b'{"id": 5, "title": "T", "content_ratings": {"results": []}}').parts == {}


def test_totals_cache_keeps_a_total_for_its_ttl(sqlite_template: Path, tmp_path: Path) -> None:
    import asyncio
    import shutil

    from sqlalchemy import delete

    from filmshelf.storage.catalog import TitleFilter
    from filmshelf.storage.engine import open_database
    from filmshelf.storage.tables import titles

    path = tmp_path / "totals.sqlite3"
    shutil.copy(sqlite_template, path)
    now = [100.0]
    cache = discover.TotalsCache(ttl=15.0, size=2, clock=lambda: now[0])
    movies, shows = TitleFilter(media_types=("movie",)), TitleFilter(media_types=("tv",))

    async def run() -> list[int]:
        db = open_database(f"sqlite:///{path}")
        try:
            seen = []
            async with db.read() as conn:
                seen.append(await cache.total(conn, movies))
            async with db.write() as conn:
                await conn.run(delete(titles).where(titles.c.media_type == "movie", titles.c.id == 550))
            async with db.read() as conn:
                seen.append(await cache.total(conn, movies))  # fresh: the cached total
                now[0] += 15.0
                seen.append(await cache.total(conn, movies))  # stale: counted again
                seen.append(await cache.total(conn, shows))
                seen.append(await cache.total(conn, TitleFilter(media_types=("tv",), include_adult=True)))
            return seen
        finally:
            await db.dispose()

    first, cached, counted, tv, tv_adult = asyncio.run(run())
    assert (cached, counted) == (first, first - 1)
    assert tv == tv_adult == 239
    assert len(cache._totals) == 2  # the least recently used filter went first
