"""The catalog importer on both engines: exports with bad lines, detail objects, repeats, list copies, CLI.

Every title written here is synthetic and says so; ids are above 10,000,000 so they never meet
real TMDB ids. Each engine gets its own empty catalog (PostgreSQL: a database of this module's
own, so the shared sample catalog of the other tests is never touched).
"""

from __future__ import annotations

import asyncio
import gzip
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select, text

from filmshelf.catalog import importer
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Database, open_database
from filmshelf.storage.migrate import upgrade
from filmshelf.storage.tables import accounts, list_items, lists, metadata, titles
from tests.conftest import IN_CI, PG_ADMIN_URL, _pg_admin, _pg_url

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
NOW = 1_790_000_000.0


# --- one empty catalog per test, on each engine ------------------------------------------------------
@pytest.fixture(scope="module")
def empty_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("importer") / "empty.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def importer_pg_database() -> Iterator[str]:
    name = f"filmshelf_import_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        _pg_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # any connection failure
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required in CI: {exc!r}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc!r}")
    url = _pg_url(name)
    try:
        upgrade(url)
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "catalog.sqlite3"
        shutil.copy(request.getfixturevalue("empty_sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("importer_pg_database")
    names = ", ".join(f'"{table}"' for table in metadata.tables if table != "alembic_version")
    run(url, lambda db: _execute(db, f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return url


async def _execute(db: Database, sql: str) -> None:
    async with db.write() as conn:
        await conn.run(text(sql))


def run(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the database, run `work(db)` on a fresh event loop, close the database."""

    async def runner() -> T:
        db = open_database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(runner())


def import_paths(
    url: str, paths: list[Path], *, now: float = NOW, batch_size: int = 4
) -> tuple[importer.ImportCounts, list[importer.BadLine]]:
    bad: list[importer.BadLine] = []

    async def work(db: Database) -> importer.ImportCounts:
        return await importer.import_files(db, paths, now=now, on_bad_line=bad.append, batch_size=batch_size)

    return run(url, work), bad


def stored(url: str) -> dict[tuple[str, int], dict[str, Any]]:
    async def work(db: Database) -> dict[tuple[str, int], dict[str, Any]]:
        async with db.read() as conn:
            rows = await conn.rows(select(titles))
        return {(row.media_type, row.id): dict(row._mapping) for row in rows}

    return run(url, work)


def counts_of(counts: importer.ImportCounts) -> dict[str, int]:
    return {
        "lines": counts.lines,
        "added": counts.added,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "skipped": counts.skipped,
    }


def movie_export_line(media_id: int, *, popularity: float = 1.5, adult: bool = False) -> str:
    return json.dumps(
        {
            "adult": adult,
            "id": media_id,
            "original_title": f"Synthetic import title {media_id}",
            "popularity": popularity,
            "video": False,
        }
    )


def tv_export_line(media_id: int, *, popularity: float = 0.5) -> str:
    return json.dumps({"id": media_id, "original_name": f"Synthetic import show {media_id}", "popularity": popularity})


def write_lines(path: Path, lines: Sequence[str | bytes], *, compress: bool) -> Path:
    data = b"".join((line.encode() if isinstance(line, str) else line) + b"\n" for line in lines)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


# Bad lines, each with the start of the report it must produce.
BAD_LINES: list[tuple[bytes, str]] = [
    (b'{"adult":false,"id":10000003,"original_title":"Synthetic cut","popularity":1.5', "invalid JSON"),
    (b'{"adult":false,"original_title":"Synthetic without id","popularity":1.0}', "Object missing required field `id`"),
    (b'{"id":"10000005","original_title":"Synthetic string id"}', "Expected `int`, got `str` - at `$.id`"),
    (b'{"id":-4,"original_title":"Synthetic negative id"}', "Expected `int` >= 1 - at `$.id`"),
    (b'{"id":10000007,"name":"Synthetic keyword (no original_name)"}', "not a movie or TV show"),
    (b'{"id":10000008,"original_title":"   "}', "empty title"),
    (b'{"id":10000009,"original_title":"' + b"x" * 600 + b'"}', "Expected `str` of length <= 512"),
    (b'{"id":10000010,"original_title":"Synthetic \\u0000 nul"}', "contains a NUL character"),
    (b"[1, 2, 3]", "Expected `object`, got `array`"),
    (b'{"id":10000011,"title":"Synthetic bad date","release_date":"15/10/1999"}', "release_date must be YYYY-MM-DD"),
    (b"\xff\xfe not json", "invalid JSON"),
    (b'{"id":10000012,"original_title":"Synthetic a","original_name":"Synthetic b"}', "has both movie"),
    (b'{"id":10000013,"original_title":"Synthetic","popularity":-1}', "Expected `float` >= 0"),
    (b'{"id":3000000000,"original_title":"Synthetic huge id"}', "Expected `int` <= 2147483647"),
]


def mixed_export(path: Path) -> tuple[Path, list[int], list[tuple[int, str]]]:
    """A gzip movie export: 30 good lines with every bad line and a blank line mixed in."""
    lines: list[str | bytes] = []
    good: list[int] = []
    expected_bad: list[tuple[int, str]] = []
    bad = iter(BAD_LINES)
    for index in range(30):
        media_id = 10_000_100 + index
        lines.append(movie_export_line(media_id, popularity=index / 4, adult=index == 7))
        good.append(media_id)
        if index % 2 == 0:
            entry = next(bad, None)
            if entry is not None:
                lines.append(entry[0])
                expected_bad.append((len(lines), entry[1]))
        if index == 10:
            lines.append(b"   ")
    return write_lines(path, lines, compress=True), good, expected_bad


# --- exports -------------------------------------------------------------------------------------------
def test_export_with_bad_lines(db_url: str, tmp_path: Path) -> None:
    path, good, expected_bad = mixed_export(tmp_path / "movie_ids_11_27_2026.json.gz")
    assert len(expected_bad) == len(BAD_LINES)
    counts, bad = import_paths(db_url, [path])
    assert counts_of(counts) == {
        "lines": len(good) + len(BAD_LINES),
        "added": len(good),
        "updated": 0,
        "unchanged": 0,
        "skipped": len(BAD_LINES),
    }
    assert [(report.path, report.line) for report in bad] == [(str(path), line) for line, _ in expected_bad]
    for report, (_, reason) in zip(bad, expected_bad, strict=True):
        assert report.reason.startswith(reason), (report, reason)
        assert str(report) == f"{path}:{report.line}: {report.reason}"
    rows = stored(db_url)
    assert set(rows) == {("movie", media_id) for media_id in good}
    row = rows[("movie", 10_000_107)]
    # An export line's title is its original title; popularity, adult and video come from the line.
    assert row["title"] == row["original_title"] == "Synthetic import title 10000107"
    assert row["title_key"] == "synthetic import title 10000107"
    assert (row["popularity"], row["adult"], row["video"]) == (7 / 4, True, False)
    assert (row["overview"], row["genre_ids"], row["release_date"], row["runtime"]) == ("", "[]", None, None)
    assert row["updated_at"] == NOW


def test_same_file_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    path, good, _ = mixed_export(tmp_path / "export.json.gz")
    tv = write_lines(tmp_path / "tv.json.gz", [tv_export_line(10_000_300 + n) for n in range(9)], compress=True)
    first, _ = import_paths(db_url, [path, tv])
    assert (first.added, first.updated) == (len(good) + 9, 0)
    before = stored(db_url)
    second, bad = import_paths(db_url, [path, tv], now=NOW + 500)
    assert counts_of(second) == {
        "lines": len(good) + len(BAD_LINES) + 9,
        "added": 0,
        "updated": 0,
        "unchanged": len(good) + 9,
        "skipped": len(BAD_LINES),
    }
    assert len(bad) == len(BAD_LINES)
    # Not a single value changed, updated_at included.
    assert stored(db_url) == before


def test_changed_lines_count_as_updated(db_url: str, tmp_path: Path) -> None:
    ids = [10_000_400 + n for n in range(10)]
    first = write_lines(tmp_path / "a.json.gz", [movie_export_line(i) for i in ids], compress=True)
    import_paths(db_url, [first])
    changed = {ids[1], ids[5], ids[8]}
    second = write_lines(
        tmp_path / "b.json.gz",
        [movie_export_line(i, popularity=9.25 if i in changed else 1.5) for i in ids] + [movie_export_line(10_000_450)],
        compress=True,
    )
    counts, _ = import_paths(db_url, [second], now=NOW + 60)
    assert (counts.added, counts.updated, counts.unchanged, counts.skipped) == (1, 3, 7, 0)
    rows = stored(db_url)
    for media_id in ids:
        row = rows[("movie", media_id)]
        assert row["popularity"] == (9.25 if media_id in changed else 1.5)
        assert row["updated_at"] == (NOW + 60 if media_id in changed else NOW)


def test_same_title_twice_in_one_batch(db_url: str, tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "dup.json.gz",
        [movie_export_line(10_000_500, popularity=1.0), movie_export_line(10_000_500, popularity=2.0)],
        compress=True,
    )
    counts, _ = import_paths(db_url, [path], batch_size=100)
    assert (counts.added, counts.updated, counts.unchanged) == (1, 1, 0)
    assert stored(db_url)[("movie", 10_000_500)]["popularity"] == 2.0


def test_truncated_gzip_reports_and_keeps_what_it_read(db_url: str, tmp_path: Path) -> None:
    full = write_lines(
        tmp_path / "full.json.gz", [movie_export_line(10_001_000 + n) for n in range(3000)], compress=True
    )
    data = full.read_bytes()
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(data[: len(data) // 2])
    counts, bad = import_paths(db_url, [cut], batch_size=500)
    assert len(bad) == 1 and bad[0].reason.startswith("cannot read further")
    assert bad[0].line == counts.lines + 1
    assert counts.skipped == 1 and 0 < counts.added == counts.lines < 3000
    assert len(stored(db_url)) == counts.added


# --- detail objects ----------------------------------------------------------------------------------------
MOVIE_DETAIL = {
    "adult": False,
    "backdrop_path": "/synthetic-backdrop.jpg",
    "belongs_to_collection": None,
    "budget": 1000,
    "genres": [{"id": 18, "name": "Drama"}, {"id": 53, "name": "Thriller"}],
    "homepage": "",
    "id": 10_000_600,
    "imdb_id": None,
    "origin_country": ["US"],
    "original_language": "en",
    "original_title": "Synthetic detail title",
    "overview": "A synthetic detail object, for tests only.",
    "popularity": 12.5,
    "poster_path": "/synthetic-poster.jpg",
    "production_companies": [],
    "release_date": "2001-02-03",
    "revenue": 0,
    "runtime": 101,
    "spoken_languages": [],
    "status": "Released",
    "tagline": "",
    "title": "Synthetic Detail Title",
    "video": False,
    "vote_average": 7.25,
    "vote_count": 42,
}
TV_DETAIL = {
    "adult": False,
    "backdrop_path": None,
    "created_by": [],
    "episode_run_time": [44, 50],
    "first_air_date": "2010-05-06",
    "genres": [{"id": 18, "name": "Drama"}],
    "id": 10_000_700,
    "name": "Synthetic Detail Show",
    "networks": [{"id": 1, "name": "Synthetic network"}],
    "origin_country": ["GB"],
    "original_language": "en",
    "original_name": "Synthetic Detail Show (original)",
    "overview": "A synthetic TV detail object, for tests only.",
    "popularity": 3.0,
    "poster_path": "/synthetic-show.jpg",
    "seasons": [],
    "vote_average": 8.0,
    "vote_count": 10,
}


def test_detail_objects_plain_and_gzip(db_url: str, tmp_path: Path) -> None:
    plain = write_lines(tmp_path / "movies.jsonl", [json.dumps(MOVIE_DETAIL)], compress=False)
    packed = write_lines(tmp_path / "tv.jsonl.gz", [json.dumps(TV_DETAIL)], compress=True)
    counts, bad = import_paths(db_url, [plain, packed])
    assert bad == [] and (counts.added, counts.skipped) == (2, 0)
    rows = stored(db_url)
    movie = rows[("movie", 10_000_600)]
    assert {key: movie[key] for key in ("title", "original_title", "title_key", "overview", "release_date")} == {
        "title": "Synthetic Detail Title",
        "original_title": "Synthetic detail title",
        "title_key": "synthetic detail title",
        "overview": "A synthetic detail object, for tests only.",
        "release_date": "2001-02-03",
    }
    assert (movie["genre_ids"], movie["origin_country"]) == ("[18,53]", '["US"]')
    assert (movie["popularity"], movie["vote_average"], movie["vote_count"]) == (12.5, 7.25, 42)
    assert (movie["poster_path"], movie["backdrop_path"]) == ("/synthetic-poster.jpg", "/synthetic-backdrop.jpg")
    # TMDB's 0 for an unknown revenue is stored as unknown.
    assert (movie["runtime"], movie["revenue"]) == (101, None)
    show = rows[("tv", 10_000_700)]
    assert (show["title"], show["original_title"]) == ("Synthetic Detail Show", "Synthetic Detail Show (original)")
    assert (show["release_date"], show["runtime"], show["genre_ids"]) == ("2010-05-06", 44, "[18]")
    assert (show["origin_country"], show["backdrop_path"], show["vote_average"]) == ('["GB"]', None, 8.0)
    # Result objects (genre_ids) work as well as detail objects (genres).
    result = dict(MOVIE_DETAIL, id=10_000_601, genre_ids=[35])
    del result["genres"]
    counts, _ = import_paths(db_url, [write_lines(tmp_path / "r.jsonl", [json.dumps(result)], compress=False)])
    assert counts.added == 1 and stored(db_url)[("movie", 10_000_601)]["genre_ids"] == "[35]"


def test_export_lines_do_not_wipe_detail_fields(db_url: str, tmp_path: Path) -> None:
    details = write_lines(tmp_path / "d.jsonl", [json.dumps(MOVIE_DETAIL), json.dumps(TV_DETAIL)], compress=False)
    import_paths(db_url, [details])
    before = stored(db_url)
    export = write_lines(
        tmp_path / "e.json.gz",
        [
            json.dumps(
                {
                    "adult": False,
                    "id": 10_000_600,
                    "original_title": "Synthetic detail title",
                    "popularity": 20.0,
                    "video": False,
                }
            ),
            json.dumps({"id": 10_000_700, "original_name": "Synthetic Detail Show (original)", "popularity": 3.0}),
        ],
        compress=True,
    )
    counts, _ = import_paths(db_url, [export], now=NOW + 10)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 1, 1)
    after = stored(db_url)
    movie = after[("movie", 10_000_600)]
    assert movie["popularity"] == movie["imported_popularity"] == 20.0 and movie["updated_at"] == NOW + 10
    moved = {"popularity", "imported_popularity", "updated_at"}
    untouched = {key: value for key, value in before[("movie", 10_000_600)].items() if key not in moved}
    assert {key: movie[key] for key in untouched} == untouched
    assert after[("tv", 10_000_700)] == before[("tv", 10_000_700)]


# --- the copies kept on lists -------------------------------------------------------------------------------
def test_import_refreshes_list_copies(db_url: str, tmp_path: Path) -> None:
    import_paths(
        db_url, [write_lines(tmp_path / "d.jsonl", [json.dumps(MOVIE_DETAIL), json.dumps(TV_DETAIL)], compress=False)]
    )
    other = write_lines(tmp_path / "o.json.gz", [movie_export_line(10_000_800, popularity=2.0)], compress=True)
    import_paths(db_url, [other])

    async def make_list(db: Database) -> int:
        async with db.write() as conn:
            await conn.run(
                accounts.insert().values(
                    id=1,
                    object_id="a" * 24,
                    username="lister",
                    username_key="lister",
                    password_hash="x",
                    created_at=NOW,
                )
            )
            await conn.run(
                lists.insert().values(id=1, account_id=1, name="Synthetic list", created_at=NOW, updated_at=NOW)
            )
            for media_type, media_id in (("movie", 10_000_600), ("tv", 10_000_700), ("movie", 10_000_800)):
                row = (
                    await conn.rows(select(titles).where(titles.c.media_type == media_type, titles.c.id == media_id))
                )[0]
                is_movie = media_type == "movie"
                await conn.run(
                    list_items.insert().values(
                        list_id=1,
                        media_type=media_type,
                        media_id=media_id,
                        object_id="b" * 24,
                        created_at=NOW,
                        sort_title=row.title_key,
                        sort_date=row.release_date or "",
                        sort_vote=row.vote_average,
                        runtime=(row.runtime or 0) if is_movie else 0,
                        revenue=(row.revenue or 0) if is_movie else 0,
                    )
                )
            await conn.run(lists.update().values(item_count=3, runtime=101, revenue=0, vote_sum=15.25))
        return 1

    run(db_url, make_list)
    changed_movie = dict(MOVIE_DETAIL, title="Synthetic Renamed", vote_average=6.5, runtime=120, revenue=5000)
    changed_show = dict(TV_DETAIL, first_air_date="2009-01-01", episode_run_time=[30], vote_average=9.0)
    counts, _ = import_paths(
        db_url,
        [write_lines(tmp_path / "c.jsonl", [json.dumps(changed_movie), json.dumps(changed_show)], compress=False)],
        now=NOW + 100,
    )
    assert counts.updated == 2

    async def read(db: Database) -> tuple[dict[tuple[str, int], Any], Any]:
        async with db.read() as conn:
            items = {(row.media_type, row.media_id): row for row in await conn.rows(select(list_items))}
            totals = (await conn.rows(select(lists)))[0]
        return items, totals

    items, totals = run(db_url, read)
    movie = items[("movie", 10_000_600)]
    assert (movie.sort_title, movie.sort_date, movie.sort_vote) == ("synthetic renamed", "2001-02-03", 6.5)
    assert (movie.runtime, movie.revenue) == (120, 5000)
    show = items[("tv", 10_000_700)]
    # A TV item never adds runtime or revenue to its list.
    assert (show.sort_date, show.sort_vote, show.runtime, show.revenue) == ("2009-01-01", 9.0, 0, 0)
    untouched = items[("movie", 10_000_800)]
    assert (untouched.sort_title, untouched.sort_vote) == ("synthetic import title 10000800", 0.0)
    assert (totals.item_count, totals.runtime, totals.revenue) == (3, 120, 5000)
    assert totals.vote_sum == pytest.approx(6.5 + 9.0 + 0.0)


# --- the bundled sample ---------------------------------------------------------------------------------------
def test_sample_import_if_empty(db_url: str) -> None:
    sample_lines = [json.loads(line) for path in importer.SAMPLE_FILES for line in path.read_text().splitlines()]
    assert len(sample_lines) >= 650
    added = run(db_url, importer.import_sample_if_empty)
    assert added == len(sample_lines)
    assert run(db_url, importer.import_sample_if_empty) == 0
    rows = stored(db_url)
    assert len(rows) == len(sample_lines)
    assert (rows[("movie", 550)]["title"], rows[("movie", 550)]["runtime"]) == ("Fight Club", 139)
    assert (rows[("tv", 1399)]["title"], rows[("tv", 1399)]["runtime"]) == ("Game of Thrones", 60)
    again = run(db_url, importer.import_sample)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(sample_lines))


# --- streaming ---------------------------------------------------------------------------------------------------
def test_memory_stays_flat(tmp_path: Path, empty_sqlite_template: Path) -> None:
    def peak(lines: int) -> int:
        path = tmp_path / f"m{lines}.sqlite3"
        shutil.copy(empty_sqlite_template, path)
        export = write_lines(
            tmp_path / f"m{lines}.json.gz", [movie_export_line(10_100_000 + n) for n in range(lines)], compress=True
        )
        tracemalloc.start()
        try:
            counts, _ = import_paths(f"sqlite:///{path}", [export], batch_size=500)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert counts.added == lines

    # Warm first: SQLAlchemy's statement caches fill over the first few thousand lines (they are
    # bounded) and the collector's timing moves the peak by a few hundred KB from run to run.
    peak(3_000)
    small, large = peak(3_000), peak(30_000)
    # Ten times the lines, about the same peak: only one batch is ever held. Holding every line of
    # the 30,000 costs ~45 MB (measured with batch_size=30_000); a tenth of that fails here.
    assert large - small < 4_000_000, (small, large)


# --- the command line ------------------------------------------------------------------------------------------
def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        FILMSHELF_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        FILMSHELF_DATA_DIR=str(tmp_path / "data"),
        COLUMNS="200",
    )
    return subprocess.run(
        [sys.executable, "-m", "filmshelf", "catalog", "import", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_import(tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'cli.sqlite3'}")  # `catalog import` never creates a database
    path, good, expected_bad = mixed_export(tmp_path / "movie_ids.json.gz")
    first = cli(tmp_path, str(path), "--batch-size", "100")
    assert first.returncode == 0, first.stderr
    assert f"added {len(good)}, updated 0, unchanged 0, skipped {len(BAD_LINES)} (bad lines)" in first.stdout
    reported = [line for line in first.stderr.splitlines() if line.startswith("bad line ")]
    assert [line.split(": ", 1)[0] for line in reported] == [f"bad line {path}:{number}" for number, _ in expected_bad]
    second = cli(tmp_path, str(path))
    assert second.returncode == 0, second.stderr
    assert f"added 0, updated 0, unchanged {len(good)}, skipped {len(BAD_LINES)} (bad lines)" in second.stdout
    sample = cli(tmp_path, "--sample")
    assert sample.returncode == 0, sample.stderr
    total = sum(len(p.read_text().splitlines()) for p in importer.SAMPLE_FILES)
    assert f"added {total}, updated 0, unchanged 0, skipped 0 (bad lines)" in sample.stdout
    assert len(stored(f"sqlite:///{tmp_path / 'cli.sqlite3'}")) == total + len(good)


def test_cli_refusals(tmp_path: Path) -> None:
    nothing = cli(tmp_path)
    assert nothing.returncode == 2 and "nothing to import" in nothing.stderr
    missing = cli(tmp_path, str(tmp_path / "absent.json.gz"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


# --- the benchmark generator -------------------------------------------------------------------------------------
def test_bench_generator_output_imports(db_url: str, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_export", ROOT / "bench" / "gen_export.py")
    assert spec is not None and spec.loader is not None
    gen_export = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_export)
    path = tmp_path / "synthetic.json.gz"
    gen_export.write_export(path, 1200, chunk=500)
    counts, bad = import_paths(db_url, [path], batch_size=1000)
    assert bad == [] and (counts.added, counts.skipped) == (1200, 0)
    rows = stored(db_url)
    assert min(media_id for _, media_id in rows) == 10_000_001
    assert all(row["title"].startswith("Synthetic benchmark title #") for row in rows.values())


# --- bulk loads, the export fast path -----------------------------------------------------------------
def title_indexes(url: str) -> set[str]:
    async def work(db: Database) -> set[str]:
        async with db.read() as conn:
            return set(await catalog_rows._index_names(conn))

    return {name for name in run(url, work) if name.startswith("ix_titles_")}


EXPECTED_INDEXES = {str(index.name) for index in titles.indexes}


def test_bulk_load_into_an_empty_catalog_builds_the_indexes_at_the_end(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BULK_LOAD_MIN_BYTES", 0)
    dropped: list[bool] = []
    real_lines = importer._import_lines

    async def lines_with_check(db: Database, *args: Any) -> int:
        async with db.read() as conn:
            names = {name for name in await catalog_rows._index_names(conn) if name.startswith("ix_titles_")}
        dropped.append(names == set())
        return await real_lines(db, *args)

    monkeypatch.setattr(importer, "_import_lines", lines_with_check)
    path = write_lines(
        tmp_path / "bulk.json", [movie_export_line(10_000_000 + i) for i in range(1, 41)], compress=False
    )
    counts, bad = import_paths(db_url, [path], batch_size=16)
    assert dropped == [True]  # loaded without the secondary indexes ...
    assert title_indexes(db_url) == EXPECTED_INDEXES  # ... which are all back
    assert (counts.added, bad) == (40, [])
    rows = stored(db_url)
    assert rows[("movie", 10_000_007)]["title"] == "Synthetic import title 10000007"
    # A second import finds a catalog that is no longer empty: indexes stay in place.
    monkeypatch.setattr(importer, "BULK_LOAD_MAX_TITLES", 10)
    dropped.clear()
    import_paths(db_url, [path], batch_size=16)
    assert dropped == [False]


def test_an_import_restores_missing_indexes(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BULK_LOAD_MIN_BYTES", 0)

    async def failing(db: Database, *args: Any) -> int:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importer, "_import_lines", failing)
    path = write_lines(tmp_path / "one.json", [movie_export_line(10_000_001)], compress=False)
    with pytest.raises(RuntimeError, match="disk is full"):
        import_paths(db_url, [path])
    assert title_indexes(db_url) == EXPECTED_INDEXES  # a failed bulk load builds them again

    # An import killed while they were dropped: the next import (not a bulk one) builds them.
    monkeypatch.undo()
    run(db_url, lambda db: _execute(db, "DROP INDEX ix_titles_media_type_vote_count"))
    assert "ix_titles_media_type_vote_count" not in title_indexes(db_url)
    import_paths(db_url, [path])
    assert title_indexes(db_url) == EXPECTED_INDEXES


@pytest.mark.parametrize(
    "line",
    [
        movie_export_line(10_000_001, popularity=2.25, adult=True),
        tv_export_line(10_000_002, popularity=0.0),
        '{"adult":null,"id":10000003,"original_title":"Synthetic Null","popularity":null,"video":null}',
        '{"adult":false,"id":10000004,"original_title":"Synthetic","popularity":1,"video":false,"extra":1}',
        '{"adult":false,"id":10000005,"original_title":"Synthetic","popularity":1}',
        '{"id":10000006,"original_name":"Synthetic","popularity":1,"media_type":"tv"}',
        '{"adult":false,"id":10000007,"original_title":"  ","popularity":1,"video":false}',
        '{"adult":false,"id":-7,"original_title":"Synthetic","popularity":1,"video":false}',
        '{"adult":false,"id":10000008,"original_title":"Synthetic","popularity":-1,"video":false}',
    ],
)
def test_export_fast_path_reads_lines_as_the_general_path(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def parsed() -> Any:
        try:
            record = importer.parse_line(line.encode())
        except importer.BadLineError as exc:
            return ("bad line", str(exc))
        return (record, list(record.row))  # the columns in the same order too

    fast = parsed()
    monkeypatch.setattr(importer, "_export_record", lambda data: None)
    assert fast == parsed()


def test_genre_mask_follows_genre_ids(db_url: str, tmp_path: Path) -> None:
    lines: list[str | bytes] = [
        json.dumps({"id": 10_000_001, "title": "Synthetic masked", "genre_ids": [28, 12, 99999]}),
        json.dumps({"id": 10_000_002, "name": "Synthetic show", "original_name": "S", "genres": [{"id": 10765}]}),
    ]
    import_paths(db_url, [write_lines(tmp_path / "genres.json", lines, compress=False)])
    rows = stored(db_url)
    assert rows[("movie", 10_000_001)]["genre_mask"] == catalog_rows.genre_mask([28, 12])
    assert rows[("tv", 10_000_002)]["genre_mask"] == catalog_rows.genre_mask([10765]) != 0
    # A detail line with other genres moves the mask with them.
    again: list[str | bytes] = [json.dumps({"id": 10_000_001, "title": "Synthetic masked", "genre_ids": [16]})]
    import_paths(db_url, [write_lines(tmp_path / "again.json", again, compress=False)])
    assert stored(db_url)[("movie", 10_000_001)]["genre_mask"] == catalog_rows.genre_mask([16])
