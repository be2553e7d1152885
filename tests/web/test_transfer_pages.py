"""Import and export on the account page: over HTTP on both engines, and in Debian's chromium."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from filmshelf.accounts import media
from tests.conftest import LiveServer
from tests.web.browsing import Shots, block_other_origins, serious_violations, sign_in
from tests.web.support import PASSWORD, browser, csrf_of
from tests.web.support import sign_in as sign_in_http

RATINGS = (
    "Date,Name,Year,Letterboxd URI,Rating\n"
    "2026-01-02,Star Wars,1977,https://boxd.it/2aHM,4.5\n"
    "2026-01-03,Not In The Catalog,1901,https://boxd.it/x,3\n"
)
WATCHLIST = "Date,Name,Year,Letterboxd URI\n2026-01-04,Finding Nemo,2003,https://letterboxd.com/tmdb/12/\n"


def upload(client: httpx.Client, files: list[tuple[str, bytes]], **fields: str) -> httpx.Response:
    token = csrf_of(client.get("/account"))
    return client.post(
        "/account/data/import",
        data={"_csrf_token": token, **fields},
        files=[("files", (name, data, "text/csv")) for name, data in files],
    )


def ratings_of(server: LiveServer, account_id: int) -> list[tuple[int, float]]:
    async def read() -> list[tuple[int, float]]:
        async with server.services.db.read() as conn:
            page = await media.entries_page(
                conn, kind="rated", account_id=account_id, media_type="movie", sort=media.DEFAULT_SORT, page=1
            )
        return [(row.title.id, row.rating) for row in page.rows]

    return server.call(read())


def test_import_and_export_over_http(server: LiveServer) -> None:
    alice = server.create_user("alice", PASSWORD)
    with browser(server) as client:
        check_flow(server, client, alice.id)


def check_flow(server: LiveServer, client: httpx.Client, account_id: int) -> None:
    signed_out = client.get("/account/data/export/letterboxd")
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login?next=")
    sign_in_http(client, "alice")
    account_page = client.get("/account")
    assert 'enctype="multipart/form-data"' in account_page.text and "/account/data/export/trakt" in account_page.text

    no_token = client.post("/account/data/import", files=[("files", ("ratings.csv", RATINGS.encode(), "text/csv"))])
    assert no_token.status_code == 403
    bad = upload(client, [("watchlist.csv", WATCHLIST.encode()), ("ratings.csv", RATINGS.encode() + b"2026,x\n")])
    assert bad.status_code == 400
    assert "ratings.csv:4: 2 fields where the header has 5 - nothing was imported." in bad.text
    assert ratings_of(server, account_id) == []

    done = upload(client, [("ratings.csv", RATINGS.encode()), ("watchlist.csv", WATCHLIST.encode())])
    assert done.status_code == 200, done.text
    assert "Imported: 2 added, 1 unmatched." in done.text
    assert "no title named &#39;Not In The Catalog&#39; (1901) in the catalog" in done.text
    assert ratings_of(server, account_id) == [(11, 9.0)]
    again = upload(client, [("ratings.csv", RATINGS.encode()), ("watchlist.csv", WATCHLIST.encode())])
    assert "Imported: 2 unchanged, 1 unmatched." in again.text
    changed = RATINGS.replace("4.5", "2").encode()
    assert "1 kept" in upload(client, [("ratings.csv", changed)]).text
    assert "(replacing what was here): 1 updated" in upload(client, [("ratings.csv", changed)], replace="on").text
    assert ratings_of(server, account_id) == [(11, 4.0)]

    download = client.get("/account/data/export/trakt")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert download.headers["content-disposition"] == 'attachment; filename="filmshelf-alice-trakt.zip"'
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        rated = json.loads(archive.read("ratings-movies.json"))
        watchlist = json.loads(archive.read("lists-watchlist.json"))
    assert [(r["movie"]["ids"]["tmdb"], r["rating"], r["rated_at"]) for r in rated] == [
        (11, 4, "2026-01-02T00:00:00.000Z")
    ]
    assert [w["movie"]["title"] for w in watchlist] == ["Finding Nemo"]
    assert client.get("/account/data/export/csv").status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_import_and_export_in_the_browser(chromium: Any, server: LiveServer, shots: Shots, tmp_path: Path) -> None:
    server.create_user("alice", PASSWORD)
    context = chromium.new_context(accept_downloads=True)
    outside = block_other_origins(context, server.base_url)
    page = context.new_page()
    try:
        sign_in(page, server.base_url, "alice", PASSWORD)
        page.goto(f"{server.base_url}/account")
        assert serious_violations(page) == []
        (tmp_path / "ratings.csv").write_text(RATINGS)
        (tmp_path / "watchlist.csv").write_text(WATCHLIST)
        page.set_input_files("#import-files", [str(tmp_path / "ratings.csv"), str(tmp_path / "watchlist.csv")])
        shots.take(page, "account-import-export")
        page.click("#import-submit")
        page.wait_for_selector("#summary")
        assert page.inner_text("#summary") == "Imported: 2 added, 1 unmatched."
        assert page.locator("#report tbody tr.outcome-unmatched").count() == 1
        assert serious_violations(page) == []
        shots.take(page, "import-report")
        page.goto(f"{server.base_url}/account")
        with page.expect_download() as waiting:
            page.click("#export-links a[href$='/letterboxd']")
        saved = tmp_path / "export.zip"
        waiting.value.save_as(saved)
        assert waiting.value.suggested_filename == "filmshelf-alice-letterboxd.zip"
        with zipfile.ZipFile(saved) as archive:
            assert archive.read("ratings.csv").decode().splitlines()[1:] == [
                "2026-01-02,Star Wars,1977,https://letterboxd.com/tmdb/11/,4.5"
            ]
            assert archive.read("watchlist.csv").decode().splitlines()[1:] == [
                "2026-01-04,Finding Nemo,2003,https://letterboxd.com/tmdb/12/"
            ]
        (tmp_path / "broken.csv").write_text("no,such\nformat,here\n")
        page.set_input_files("#import-files", str(tmp_path / "broken.csv"))
        page.click("#import-submit")
        page.wait_for_selector("#error")
        assert "broken.csv:1: not a Letterboxd, IMDb, Trakt or TMDB export file" in page.inner_text("#error")
        shots.take(page, "import-refused")
    finally:
        context.close()
    assert outside == []
