"""`filmshelf data import|export`: reports, --json, --replace, malformed files and usage mistakes."""

from __future__ import annotations

import json
from pathlib import Path

from filmshelf.storage.engine import Database
from tests.cli.support import Cli
from tests.transfer.support import make_user, members, run, seed

RATINGS = "Date,Name,Year,Letterboxd URI,Rating\n2022-05-10,Star Wars,1977,https://boxd.it/2aHM,4.5\n"


def prepare(cli: Cli) -> str:
    url = f"sqlite:///{cli.folder / 'cli.sqlite3'}"
    cli.use(FILMSHELF_DATA_DIR=str(cli.folder / "data"), FILMSHELF_DATABASE_URL=url, COLUMNS="200")
    assert cli("db", "upgrade").exit_code == 0
    assert cli("catalog", "import", "--sample").exit_code == 0

    async def users(db: Database) -> None:
        await make_user(db, "carol")
        await seed(db, (await make_user(db, "dave")).id)

    run(url, users)
    return url


def test_export_then_import_with_reports(cli: Cli) -> None:
    prepare(cli)
    exported = cli("data", "export", "--user", "dave", "--format", "trakt", "--output", "dave.zip", "--json")
    assert exported.exit_code == 0, exported.stderr
    summary = json.loads(exported.stdout)
    assert summary["format"] == "trakt" and summary["notes"] == []
    assert "lists-lists.json" in members((cli.folder / "dave.zip").read_bytes())

    Path(cli.folder / "ratings.csv").write_text(
        RATINGS.replace("4.5", "3") + "2022-05-11,No Such Film,1901,https://boxd.it/x,3\n"
    )
    imported = cli("data", "import", "--user", "carol", "dave.zip", "ratings.csv", "--json")
    assert imported.exit_code == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert report["counts"]["added"] == 15 and report["counts"]["unmatched"] == 1
    assert report["counts"]["kept"] == 1  # ratings.csv rates Star Wars 6, dave.zip 9 (and comes first)
    assert report["lists_created"] == ["Watched", "Space, and more"]
    unmatched = next(e for e in report["entries"] if e["outcome"] == "unmatched")
    assert unmatched["where"] == "ratings.csv:3" and "no title named 'No Such Film' (1901)" in unmatched["detail"]
    star_wars = next(e for e in report["entries"] if e["title"] == "Star Wars (1977)" and e["section"] == "ratings")
    assert star_wars["matched_by"] == "tmdb_id" and star_wars["media_id"] == 11

    again = cli("data", "import", "--user", "carol", "dave.zip")
    assert again.exit_code == 0
    assert "imported for carol: 15 unchanged" in again.stdout

    replaced = cli("data", "import", "--user", "carol", "ratings.csv", "--replace", "--json")
    assert [e["outcome"] for e in json.loads(replaced.stdout)["entries"]] == ["updated", "unmatched"]

    shown = cli("data", "import", "--user", "carol", "ratings.csv")
    assert "unmatched: ratings.csv:3  No Such Film (1901)" in shown.stdout
    assert "│ ratings" in shown.stdout


def test_malformed_file_is_refused_with_its_line(cli: Cli) -> None:
    prepare(cli)
    Path(cli.folder / "ratings.csv").write_text(RATINGS + "2022-05-11,Heat,1995,x,9\n")
    result = cli("data", "import", "--user", "carol", "ratings.csv")
    assert result.exit_code == 1
    assert "error: ratings.csv:3: a Letterboxd rating is 0.5 to 5 in half stars, not 9" in result.stderr
    assert "nothing was imported" in result.stderr
    exported = cli("data", "export", "--user", "carol", "--format", "letterboxd", "--output", "c.zip")
    assert exported.exit_code == 0
    assert members((cli.folder / "c.zip").read_bytes())["ratings.csv"] == b"Date,Name,Year,Letterboxd URI,Rating\n"


def test_usage_mistakes(cli: Cli) -> None:
    missing = cli("data", "export", "--user", "carol", "--format", "imdb", "--output", "x.zip")
    assert missing.exit_code == 1 and "no filmshelf database" in missing.stderr  # nothing is created
    assert not list(cli.folder.glob("*.sqlite3"))
    prepare(cli)
    bad_format = cli("data", "export", "--user", "carol", "--format", "csv", "--output", "x.zip")
    assert (
        bad_format.exit_code == 2 and "--format: 'csv' is not one of letterboxd, imdb, trakt, tmdb" in bad_format.stderr
    )
    folder = cli("data", "export", "--user", "carol", "--format", "imdb", "--output", str(cli.folder))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr
    nobody = cli("data", "export", "--user", "nobody", "--format", "imdb", "--output", "x.zip")
    assert nobody.exit_code == 1 and "no such user: nobody" in nobody.stderr
    absent = cli("data", "import", "--user", "carol", "absent.csv")
    assert absent.exit_code == 2 and "absent.csv" in absent.stderr
