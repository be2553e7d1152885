"""JavaScript clients, unchanged, run with node against a live filmshelf (SQLite): moviedb-promise
4.0.8 and tmdb-ts 2.3.0, pinned in tests/clients/js/package-lock.json and installed there by
`make test` (`npm ci`, the `js-clients` target).

Each library has a script in tests/clients/js/ that makes every call the library offers for the
features under test and prints, as JSON, what each call answered (run.mjs). This test starts the
script with the base URL and credentials in its environment, does what a user would do when the
script asks (allow a v3 request token on /authenticate/{request_token}), and checks each answer
against the list below, in order. How each library is pointed at filmshelf is written at the top
of its script (and in README).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients.support import approve_on_page
from tests.conftest import IN_CI, AppCreds, LiveServer

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

JS = Path(__file__).parent / "js"
Check = Callable[[dict[str, Any]], object]


@pytest.fixture(scope="module")
def node() -> Iterator[str]:
    executable = shutil.which("node")
    installed = (JS / "node_modules" / "moviedb-promise").is_dir() and (JS / "node_modules" / "tmdb-ts").is_dir()
    if executable is None or not installed:
        why = "node is not installed" if executable is None else "run `make test` (npm ci in tests/clients/js)"
        if IN_CI:
            pytest.fail(f"the JavaScript client tests need Node.js 20+ and their packages: {why}")
        pytest.skip(why)
    version = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True).stdout
    assert int(version.strip().lstrip("v").split(".")[0]) >= 20, version
    yield executable


def run_script(node: str, script: str, env: dict[str, str], on_ask: Callable[[dict[str, Any]], Any]) -> list[Any]:
    """Run a client script; answer its questions; return its recorded calls."""
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
    process = subprocess.Popen(
        [node, script],
        cwd=JS,
        env=clean_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    calls: list[Any] | None = None
    try:
        for line in process.stdout:
            message = json.loads(line)
            if message["event"] == "ask":
                process.stdin.write(json.dumps(on_ask(message)) + "\n")
                process.stdin.flush()
            elif message["event"] == "done":
                calls = message["calls"]
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    errors = process.stderr.read()
    assert process.returncode == 0 and calls is not None, f"{script} exited {process.returncode}: {errors}"
    return calls


def ok(predicate: Callable[[Any], object] = lambda data: True) -> Check:
    """The call answered, and its data passes `predicate`."""

    def check(call: dict[str, Any]) -> object:
        return call["ok"] and predicate(call["data"])

    return check


def http_error(status: int, code: int) -> Check:
    """The call was refused with this HTTP status and TMDB status_code."""

    def check(call: dict[str, Any]) -> object:
        error = call.get("error") or {}
        body = error.get("body") or {}
        return not call["ok"] and error.get("status") in (status, None) and body.get("status_code") == code

    return check


NOT_FOUND = http_error(404, 34)


def verify(library: str, calls: list[Any], expected: list[tuple[str, Check]], offered: set[str]) -> None:
    """Each recorded call matches the expectation at its place; every offered call was made."""
    names = [call["name"] for call in calls]
    assert names == [name for name, _ in expected], f"{library}: the script and the test list differ"
    assert set(names) == offered, f"{library}: listed but never called: {sorted(offered - set(names))}"
    failures = []
    for call, (name, check) in zip(calls, expected, strict=True):
        try:
            passed = check(call)
        except Exception as exc:
            passed = False
            call = {**call, "check": repr(exc)}
        if not passed:
            failures.append(f"  {name}: {json.dumps(call)[:400]}")
    assert not failures, f"{library}: {len(failures)} calls failed:\n" + "\n".join(failures)


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["results"]]


def has_genre(genre: tuple[int, str]) -> Callable[[Any], bool]:
    return lambda data: {"id": genre[0], "name": genre[1]} in data["genres"]


CONFIGURATION = [
    (lambda data: data["images"]["secure_base_url"].startswith("https://")),
    (lambda data: any(country["iso_3166_1"] == "US" for country in data)),
    (lambda data: any(job["department"] == "Directing" for job in data)),
    (lambda data: any(language["iso_639_1"] == "en" for language in data)),
    (lambda data: "en-US" in data),
    (lambda data: any(zone["iso_3166_1"] == "US" for zone in data)),
]

# moviedb-promise 4.0.8: every call it offers for the features under test (from its
# dist/moviedb.js), in the script's order, with what filmshelf must answer.
MOVIEDB_PROMISE: list[tuple[str, Check]] = [
    ("configuration", ok(CONFIGURATION[0])),
    ("countries", ok(CONFIGURATION[1])),
    ("jobs", ok(CONFIGURATION[2])),
    ("languages", ok(CONFIGURATION[3])),
    ("primaryTranslations", ok(CONFIGURATION[4])),
    ("timezones", ok(CONFIGURATION[5])),
    ("genreMovieList", ok(has_genre((18, "Drama")))),
    ("genreTvList", ok(has_genre((10765, "Sci-Fi & Fantasy")))),
    ("searchMovie", ok(lambda data: data["results"][0]["title"] == "The Matrix")),
    ("searchTv", ok(lambda data: ids(data) == [1399])),
    ("searchMulti", ok(lambda data: data["results"][0]["id"] == 603 and data["results"][0]["media_type"] == "movie")),
    # Not in filmshelf's catalog (people, companies, collections, keywords).
    ("searchPerson", NOT_FOUND),
    ("searchCompany", NOT_FOUND),
    ("searchCollection", NOT_FOUND),
    ("searchKeyword", NOT_FOUND),
    # "Doesn't exist in documentation, may be deprecated" (its own comment): not served.
    ("searchList", NOT_FOUND),
    ("movieInfo", ok(lambda data: data["title"] == "Fight Club" and data["credits"] == {"cast": [], "crew": []})),
    ("tvInfo", ok(lambda data: data["name"] == "Game of Thrones")),
    ("requestToken", ok(lambda data: len(data["request_token"]) == 40)),
    ("retrieveSession", ok(lambda data: len(data) == 40)),
    ("accountInfo", ok(lambda data: data["username"] == "alice")),
    ("accountFavoriteUpdate", ok(lambda data: data["status_code"] == 1)),
    ("accountWatchlistUpdate", ok(lambda data: data["status_code"] == 1)),
    ("accountFavoriteUpdate", ok(lambda data: data["status_code"] == 1)),
    ("accountWatchlistUpdate", ok(lambda data: data["status_code"] == 1)),
    ("movieRatingUpdate", ok(lambda data: data["status_code"] == 1)),
    ("tvRatingUpdate", ok(lambda data: data["status_code"] == 1)),
    ("accountFavoriteMovies", ok(lambda data: ids(data) == [550])),
    ("accountFavoriteTv", ok(lambda data: ids(data) == [1399])),
    ("accountMovieWatchlist", ok(lambda data: ids(data) == [550])),
    ("accountTvWatchlist", ok(lambda data: ids(data) == [1399])),
    ("accountRatedMovies", ok(lambda data: [(m["id"], m["rating"]) for m in data["results"]] == [(550, 8.5)])),
    ("accountRatedTv", ok(lambda data: [(t["id"], t["rating"]) for t in data["results"]] == [(1399, 9)])),
    ("accountRatedTvEpisodes", ok(lambda data: data["results"] == [])),  # no episodes: an empty page
    (
        "movieAccountStates",
        ok(lambda data: data == {"id": 550, "favorite": True, "rated": {"value": 8.5}, "watchlist": True}),
    ),
    (
        "tvAccountStates",
        ok(lambda data: data == {"id": 1399, "favorite": True, "rated": {"value": 9}, "watchlist": True}),
    ),
    ("seasonAccountStates", NOT_FOUND),
    ("episodeAccountStates", NOT_FOUND),
    ("episodeRatingUpdate", NOT_FOUND),
    ("episodeRatingDelete", NOT_FOUND),
    ("movieRatingDelete", ok(lambda data: data["status_code"] == 13)),
    ("tvRatingDelete", ok(lambda data: data["status_code"] == 13)),
    ("accountFavoriteUpdate", ok(lambda data: data["status_code"] == 13)),
    ("accountWatchlistUpdate", ok(lambda data: data["status_code"] == 13)),
    ("movieAccountStates", ok(lambda data: data == {"id": 550, "favorite": False, "rated": False, "watchlist": True})),
    ("accountTvWatchlist", ok(lambda data: data["results"] == [])),
    ("createList", ok(lambda data: data["success"] is True and data["list_id"] > 0)),
    ("createListItem", ok(lambda data: data["status_code"] == 12)),
    ("createListItem", ok(lambda data: data["status_code"] == 12)),
    (
        "listInfo",
        ok(lambda data: sorted(i["id"] for i in data["items"]) == [550, 603] and data["item_count"] == 2),
    ),
    ("listStatus", ok(lambda data: data["item_present"] is True)),
    ("removeListItem", ok(lambda data: data["status_code"] == 13)),
    ("listStatus", ok(lambda data: data["item_present"] is False)),
    (
        "accountLists",
        ok(lambda data: [(x["name"], x["item_count"]) for x in data["results"]] == [("Made by moviedb-promise", 1)]),
    ),
    ("clearList", ok(lambda data: data["status_code"] == 12)),
    ("listInfo", ok(lambda data: data["items"] == [] and data["item_count"] == 0)),
    ("deleteList", ok()),
    ("listInfo", NOT_FOUND),
]


def test_every_moviedb_promise_call(node: str, server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    # moviedb-promise asks for a new request token when `expires_at` is past by its own clock
    # (Date.now()): the server's test clock must not be behind the machine's.
    server.clock.advance(max(0.0, time.time() - server.clock.now()))

    def on_ask(message: dict[str, Any]) -> dict[str, Any]:
        token = message.get("approve")
        if token:
            approve_on_page(server, token)  # the user, in the browser the app sent them to
        return {"approved": bool(token)}

    calls = run_script(
        node,
        "moviedb_promise.mjs",
        {"FILMSHELF_URL": server.base_url, "FILMSHELF_API_KEY": app_creds.app.api_key},
        on_ask,
    )
    verify("moviedb-promise 4.0.8", calls, MOVIEDB_PROMISE, {name for name, _ in MOVIEDB_PROMISE})


def tmdb_ts_expectations(alice: Any) -> list[tuple[str, Check]]:
    """tmdb-ts 2.3.0: every call it offers for the features under test (from its dist/endpoints)."""
    return [
        # The app's read token names the app's owner (its `sub`): alice owns the app.
        ("account.details (app read token)", ok(lambda data: data["username"] == "alice" and data["id"] == alice.id)),
        ("account.details (user access token)", ok(lambda data: data["username"] == "bob")),
        ("configuration.getApiConfiguration", ok(CONFIGURATION[0])),
        ("configuration.getCountries", ok(CONFIGURATION[1])),
        ("configuration.getLanguages", ok(CONFIGURATION[3])),
        ("configuration.getJobs", ok(CONFIGURATION[2])),
        ("configuration.getPrimaryTranslations", ok(CONFIGURATION[4])),
        ("configuration.getTimezones", ok(CONFIGURATION[5])),
        ("genres.movies", ok(has_genre((18, "Drama")))),
        ("genres.tvShows", ok(has_genre((10765, "Sci-Fi & Fantasy")))),
        ("search.movies", ok(lambda data: data["results"][0]["title"] == "The Matrix")),
        ("search.tvShows", ok(lambda data: ids(data) == [1399])),
        (
            "search.multi",
            ok(lambda data: data["results"][0]["id"] == 603 and data["results"][0]["media_type"] == "movie"),
        ),
        ("search.people", NOT_FOUND),
        ("search.companies", NOT_FOUND),
        ("search.collections", NOT_FOUND),
        ("search.keywords", NOT_FOUND),
        ("movies.details", ok(lambda data: data["title"] == "Fight Club" and data["videos"] == {"results": []})),
        ("tvShows.details", ok(lambda data: data["name"] == "Game of Thrones" and data["credits"]["cast"] == [])),
    ]


def test_every_tmdb_ts_call(node: str, server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    # tmdb-ts cannot sign in: bob's v4 user access token comes from filmshelf's own v4 flow.
    bob = server.create_user("bob")
    user_token = server.sign_in(bob, app_creds)
    calls = run_script(
        node,
        "tmdb_ts.mjs",
        {
            "FILMSHELF_URL": server.base_url,
            "FILMSHELF_READ_TOKEN": app_creds.read_token,
            "FILMSHELF_USER_TOKEN": user_token,
        },
        lambda message: {},
    )
    expected = tmdb_ts_expectations(alice)
    verify("tmdb-ts 2.3.0", calls, expected, {name for name, _ in expected})
