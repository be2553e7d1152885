"""Export -> import into a fresh server -> export again gives the same files, in every format and on
both engines; importing twice changes nothing; --replace; a malformed file stores nothing."""

from __future__ import annotations

import json

import pytest

from filmshelf.storage.engine import Database
from filmshelf.transfer import service
from filmshelf.transfer.model import ParseError
from tests.transfer.support import (
    export,
    give_imdb_ids,
    import_archive,
    make_user,
    members,
    run,
    seed,
    zipped,
)

# TMDB first: its list files carry list ids, which start at 1 in the fresh database.
FORMATS = ["tmdb", "letterboxd", "imdb", "trakt"]


def test_round_trip_every_format(database_url: str, fresh_database_url: str) -> None:
    async def source(db: Database) -> dict[str, bytes]:
        await give_imdb_ids(db)
        alice = await make_user(db, "alice")
        await seed(db, alice.id)
        return {name: await export(db, "alice", name) for name in FORMATS}

    first = run(database_url, source)

    async def again(db: Database) -> dict[str, tuple[service.Report, bytes]]:
        await give_imdb_ids(db)
        found = {}
        for name in FORMATS:
            username = "alice" if name == "tmdb" else f"alice-{name}"
            await make_user(db, username)
            report = await import_archive(db, username, f"{name}.zip", first[name])
            found[name] = (report, await export(db, username, name))
        return found

    second = run(fresh_database_url, again)
    for name in FORMATS:
        report, archive = second[name]
        counts = report.counts()
        assert counts["unmatched"] == counts["kept"] == counts["refused"] == 0, (name, report.lines)
        assert counts["added"] > 0
        assert members(archive) == members(first[name]), name
        assert archive == first[name], name  # byte for byte: the zip is deterministic too

    # What the formats hold of the seeded data.
    letterboxd = members(first["letterboxd"])
    assert letterboxd["ratings.csv"].decode().splitlines() == [
        "Date,Name,Year,Letterboxd URI,Rating",
        "2026-09-17,American Beauty,1999,https://letterboxd.com/tmdb/14/,5",
        "2026-09-19,Forrest Gump,1994,https://letterboxd.com/tmdb/13/,0.5",
        "2026-09-20,Finding Nemo,2003,https://letterboxd.com/tmdb/12/,4",
        "2026-09-21,Star Wars,1977,https://letterboxd.com/tmdb/11/,4.5",
    ]  # the TV show is left out; 7.5 -> 4 stars, 0.5 -> half a star
    assert letterboxd["watched.csv"].decode().count("\n") == 4
    assert '"Films ""with"" commas, and\nlines"' in letterboxd["lists/space-and-more.csv"].decode()
    imdb = members(first["imdb"])["ratings.csv"].decode().splitlines()
    assert imdb[2].startswith("tt0056751,8,2026-09-18,Doctor Who,Doctor Who,https://www.imdb.com/title/tt0056751/")
    assert ",8,2026-09-20,Finding Nemo," in imdb[4]  # 7.5 rounds half up
    trakt = members(first["trakt"])
    assert json.loads(trakt["lists-lists.json"])[0]["name"] == "Space, and more"
    assert [m["movie"]["ids"]["tmdb"] for m in json.loads(trakt["watched-movies.json"])] == [13, 12, 11]
    tmdb = members(first["tmdb"])
    rated = json.loads(tmdb["movie-rated.json"])
    assert [(r["id"], r["account_rating"]["value"]) for r in rated["results"]] == [
        (14, 10.0), (13, 0.5), (12, 7.5), (11, 9.0)
    ]  # fmt: skip
    space = json.loads(tmdb["lists/1-space-and-more.json"])
    assert space["comments"] == {"movie:18": "best, of all", "movie:11": None, "tv:121": "a show"}


def test_import_twice_changes_nothing(database_url: str) -> None:
    async def work(db: Database) -> tuple[service.Report, service.Report, bytes, bytes]:
        await make_user(db, "alice")
        await seed(db, (await make_user(db, "source")).id)
        archive = await export(db, "source", "trakt")
        first = await import_archive(db, "alice", "trakt.zip", archive)
        before = await export(db, "alice", "tmdb")
        second = await import_archive(db, "alice", "trakt.zip", archive)
        return first, second, before, await export(db, "alice", "tmdb")

    first, second, before, after = run(database_url, work)
    assert first.counts()["added"] == 15 and first.lists_created == ["Watched", "Space, and more"]
    counts = second.counts()
    assert counts["unchanged"] == 15 and sum(counts.values()) == 15
    assert second.lists_created == []
    assert after == before


def test_stored_values_are_kept_without_replace(database_url: str) -> None:
    ratings = "Date,Name,Year,Letterboxd URI,Rating\n2026-01-02,Star Wars,1977,https://boxd.it/x,2\n"
    listed = (
        "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2026-01-01,Mine,,,new words\n\n"
        "Position,Name,Year,URL,Description\n1,Finding Nemo,2003,,\n2,Star Wars,1977,,other comment\n"
    )

    async def work(db: Database) -> tuple[service.Report, service.Report, bytes]:
        alice = await make_user(db, "alice")
        await seed(db, alice.id)
        await import_archive(
            db, "alice", "x.zip", zipped({"lists/mine.csv": listed.replace("other comment", "c").encode()})
        )
        upload = zipped({"ratings.csv": ratings.encode(), "lists/mine.csv": listed.encode()})
        kept = await import_archive(db, "alice", "export.zip", upload)
        replaced = await import_archive(db, "alice", "export.zip", upload, replace=True)
        archive = await export(db, "alice", "tmdb")
        shorter = listed.replace("2,Star Wars,1977,,other comment\n", "")
        trimmed = await import_archive(db, "alice", "x.zip", zipped({"lists/mine.csv": shorter.encode()}), replace=True)
        assert [(line.title, line.outcome) for line in trimmed.lines] == [
            ("Finding Nemo (2003)", "unchanged"),
            ("Star Wars", "removed"),
        ]
        return kept, replaced, archive

    kept, replaced, archive = run(database_url, work)
    outcomes = {(line.section, line.title): (line.outcome, line.detail) for line in kept.lines}
    assert outcomes[("ratings", "Star Wars (1977)")] == ("kept", "rated 9 here, 4 in the file (--replace)")
    assert outcomes[("list: Mine", "Star Wars (1977)")][0] == "kept"
    assert outcomes[("list: Mine", "Finding Nemo (2003)")][0] == "unchanged"
    again = {(line.section, line.title): (line.outcome, line.detail) for line in replaced.lines}
    assert again[("ratings", "Star Wars (1977)")] == ("updated", "was 9")
    assert again[("list: Mine", "Star Wars (1977)")] == ("updated", "comment replaced")
    rated = json.loads(members(archive)["movie-rated.json"])["results"]
    assert next(r for r in rated if r["id"] == 11)["account_rating"]["value"] == 4.0
    mine = next(json.loads(v) for k, v in members(archive).items() if k.endswith("-mine.json"))
    assert mine["comments"]["movie:11"] == "other comment"


def test_malformed_file_stores_nothing(database_url: str) -> None:
    good = b"Date,Name,Year,Letterboxd URI\n2026-01-01,Star Wars,1977,https://boxd.it/1\n"
    bad = b"Date,Name,Year,Letterboxd URI,Rating\n2026-01-01,Star Wars,1977,x,4\n2026-01-02,Finding Nemo,2003,x\n"

    async def work(db: Database) -> tuple[str, bytes]:
        await make_user(db, "alice")
        try:
            await import_archive(db, "alice", "letterboxd.zip", zipped({"watchlist.csv": good, "ratings.csv": bad}))
        except ParseError as exc:
            return str(exc), await export(db, "alice", "trakt")
        raise AssertionError("a malformed file was imported")

    message, archive = run(database_url, work)
    assert message == "letterboxd.zip/ratings.csv:3: 4 fields where the header has 5"
    assert all(json.loads(data) == [] for data in members(archive).values())


def test_a_failure_while_writing_leaves_nothing(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from filmshelf.lists import service as lists_service

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    async def work(db: Database) -> bytes:
        await seed(db, (await make_user(db, "source")).id)
        archive = await export(db, "source", "trakt")
        await make_user(db, "alice")
        monkeypatch.setattr(lists_service, "add_items", broken)
        with pytest.raises(RuntimeError, match="disk on fire"):
            await import_archive(db, "alice", "trakt.zip", archive)  # ratings and marks come first
        return await export(db, "alice", "trakt")

    archive = run(database_url, work)
    assert all(json.loads(data) == [] for data in members(archive).values())
