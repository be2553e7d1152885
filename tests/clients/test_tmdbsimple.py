"""tmdbsimple 2.9.8, unchanged but for its base URL, against a live filmshelf (SQLite).

Base URL: tmdbsimple has no setting for it; `TMDB.__init__` (tmdbsimple/base.py) sets
`self.base_uri = 'https://api.themoviedb.org' + '/3'` on every object. The smallest override is to
wrap that constructor and replace this one attribute afterwards (`point_at`, undone after the
test). The API key is its documented module global `tmdbsimple.API_KEY`.

Sign-in runs twice: the classic flow with `token_validate_with_login` (tmdbsimple sends it, and
`session_new`, as GET with the password in the query string), and the browser flow, where the
user allows the token on filmshelf's `/authenticate/{request_token}` page (`support.approve_on_page`)
before tmdbsimple calls `session_new`. A guest session rates titles too.

One engine: the client drives routes whose engine-specific behaviour is tested in tests/api/.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.clients.support import PASSWORD, Ledger, approve_on_page
from tests.conftest import AppCreds, LiveServer

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

# Every call tmdbsimple 2.9.8 offers for the features under test (read from its account.py,
# movies.py, tv.py, search.py, configuration.py, genres.py).
OFFERED = [
    # sign-in and logout
    "Authentication.token_new",
    "Authentication.token_validate_with_login",
    "Authentication.session_new",
    "Authentication.guest_session_new",
    "Authentication.session_delete",
    # account details, favorite / watchlist and reading them back
    "Account.info",
    "Account.lists",
    "Account.favorite",
    "Account.favorite_movies",
    "Account.favorite_tv",
    "Account.watchlist",
    "Account.watchlist_movies",
    "Account.watchlist_tv",
    # ratings (session and guest session) and reading them back
    "Movies.rating",
    "Movies.rating_delete",
    "Movies.account_states",
    "TV.rating",
    "TV.rating_delete",
    "TV.account_states",
    "Account.rated_movies",
    "Account.rated_tv",
    "Account.rated_tv_episodes",
    "GuestSessions.rated_movies",
    "GuestSessions.rated_tv",
    "GuestSessions.rated_tv_episodes",
    # v3 lists
    "Lists.list_create",
    "Lists.add_item",
    "Lists.info",
    "Lists.item_status",
    "Lists.remove_item",
    "Lists.list_clear",
    "Lists.list_delete",
    # search, details, configuration
    "Search.movie",
    "Search.multi",
    "Search.tv",
    "Movies.info",
    "TV.info",
    "Configuration.info",
    "Configuration.countries",
    "Configuration.jobs",
    "Configuration.languages",
    "Configuration.primary_translations",
    "Configuration.timezones",
    "Genres.movie_list",
    "Genres.tv_list",
]
# Calls for what filmshelf's catalog does not hold (people, companies, collections, keywords,
# seasons and episodes): TMDB's 404 / 34, which tmdbsimple raises as requests.HTTPError. (The
# rated-episode lists are served, empty, and are listed above.)
NOT_SERVED = [
    "Search.company",
    "Search.collection",
    "Search.keyword",
    "Search.person",
    "TV_Seasons.account_states",
    "TV_Episodes.account_states",
    "TV_Episodes.rating",
    "TV_Episodes.rating_delete",
]


@pytest.fixture
def tmdb(server: LiveServer, app_creds: AppCreds, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import tmdbsimple
    import tmdbsimple.base

    original = tmdbsimple.base.TMDB.__init__

    @functools.wraps(original)
    def point_at(self: Any) -> None:
        original(self)
        self.base_uri = server.base_url + "/3"

    monkeypatch.setattr(tmdbsimple.base.TMDB, "__init__", point_at)
    monkeypatch.setattr(tmdbsimple, "API_KEY", app_creds.app.api_key)
    yield tmdbsimple


def not_found(exc: Exception) -> bool:
    if not isinstance(exc, requests.HTTPError) or exc.response is None:
        return False
    return exc.response.status_code == 404 and exc.response.json().get("status_code") == 34


def ids(page: Any) -> list[int]:
    return [item["id"] for item in page["results"]]


def test_every_tmdbsimple_call(tmdb: Any, server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    ledger = Ledger("tmdbsimple 2.9.8", OFFERED, NOT_SERVED)
    call = ledger.call

    # --- configuration, search, details (app credentials only) ---
    conf = tmdb.Configuration()
    call("Configuration.info", conf.info, lambda r: r["images"]["secure_base_url"].startswith("https://"))
    call("Configuration.countries", conf.countries, lambda r: any(c["iso_3166_1"] == "US" for c in r))
    call("Configuration.jobs", conf.jobs, lambda r: any(j["department"] == "Directing" for j in r))
    call("Configuration.languages", conf.languages, lambda r: any(lang["iso_639_1"] == "en" for lang in r))
    call("Configuration.primary_translations", conf.primary_translations, lambda r: "en-US" in r)
    call("Configuration.timezones", conf.timezones, lambda r: any(z["iso_3166_1"] == "US" for z in r))
    genres = tmdb.Genres()
    call("Genres.movie_list", genres.movie_list, lambda r: {"id": 18, "name": "Drama"} in r["genres"])
    call("Genres.tv_list", genres.tv_list, lambda r: {"id": 10765, "name": "Sci-Fi & Fantasy"} in r["genres"])
    search = tmdb.Search()
    call("Search.movie", lambda: search.movie(query="matrix"), lambda r: r["results"][0]["title"] == "The Matrix")
    call("Search.tv", lambda: search.tv(query="thrones"), lambda r: 1399 in ids(r))
    call(
        "Search.multi",
        lambda: search.multi(query="matrix"),
        lambda r: r["results"][0]["id"] == 603 and r["results"][0]["media_type"] == "movie",
    )
    for name in ["company", "collection", "keyword", "person"]:
        ledger.refused(f"Search.{name}", lambda: getattr(search, name)(query="matrix"), not_found)
    call(
        "Movies.info",
        lambda: tmdb.Movies(550).info(append_to_response="credits,videos"),
        lambda r: r["title"] == "Fight Club" and r["credits"]["cast"] == [] and r["videos"]["results"] == [],
    )
    call("TV.info", lambda: tmdb.TV(1399).info(), lambda r: r["name"] == "Game of Thrones")

    # --- sign-in 1: the classic flow with the user's password ---
    auth = tmdb.Authentication()
    token = call("Authentication.token_new", auth.token_new, lambda r: len(r["request_token"]) == 40)
    request_token = (token or {}).get("request_token", "")
    call(
        "Authentication.token_validate_with_login",
        lambda: auth.token_validate_with_login(request_token=request_token, username="alice", password=PASSWORD),
        lambda r: r["success"] is True and r["request_token"] == request_token,
    )
    first = call(
        "Authentication.session_new",
        lambda: auth.session_new(request_token=request_token),
        lambda r: r["success"] is True and len(r["session_id"]) == 40,
    )
    # --- sign-in 2: the user allows the token on /authenticate/{request_token} ---
    token = call("Authentication.token_new", auth.token_new)
    request_token = (token or {}).get("request_token", "")
    approve_on_page(server, request_token)
    second = call("Authentication.session_new", lambda: auth.session_new(request_token=request_token))
    session_id = (second or {}).get("session_id", "")

    # --- account, favorite / watchlist ---
    account = tmdb.Account(session_id)
    call("Account.info", account.info, lambda r: r["username"] == "alice" and r["id"] == alice.id)
    account.id = alice.id  # what Account.info sets; kept if it failed, so the other calls still run
    for media_type, media_id in [("movie", 550), ("tv", 1399)]:
        call(
            "Account.favorite",
            lambda: account.favorite(media_type=media_type, media_id=media_id, favorite=True),
            lambda r: r["status_code"] == 1,
        )
        call(
            "Account.watchlist",
            lambda: account.watchlist(media_type=media_type, media_id=media_id, watchlist=True),
            lambda r: r["status_code"] == 1,
        )
    call("Account.favorite_movies", account.favorite_movies, lambda r: ids(r) == [550])
    call("Account.favorite_tv", account.favorite_tv, lambda r: ids(r) == [1399])
    call("Account.watchlist_movies", account.watchlist_movies, lambda r: ids(r) == [550])
    call("Account.watchlist_tv", account.watchlist_tv, lambda r: ids(r) == [1399])

    # --- ratings, read back through the account and account_states ---
    movie, show = tmdb.Movies(550), tmdb.TV(1399)
    call("Movies.rating", lambda: movie.rating(session_id=session_id, value=8.5), lambda r: r["status_code"] == 1)
    call("TV.rating", lambda: show.rating(session_id=session_id, value=9), lambda r: r["status_code"] == 1)
    call(
        "Account.rated_movies",
        account.rated_movies,
        lambda r: [(m["id"], m["rating"]) for m in r["results"]] == [(550, 8.5)],
    )
    call("Account.rated_tv", account.rated_tv, lambda r: [(t["id"], t["rating"]) for t in r["results"]] == [(1399, 9)])
    # No episodes in the catalog: an empty page, not an error.
    call("Account.rated_tv_episodes", account.rated_tv_episodes, lambda r: r["results"] == [] and r["page"] == 1)
    call(
        "Movies.account_states",
        lambda: movie.account_states(session_id=session_id),
        lambda r: r == {"id": 550, "favorite": True, "rated": {"value": 8.5}, "watchlist": True},
    )
    call(
        "TV.account_states",
        lambda: show.account_states(session_id=session_id),
        lambda r: r == {"id": 1399, "favorite": True, "rated": {"value": 9}, "watchlist": True},
    )
    ledger.refused(
        "TV_Seasons.account_states", lambda: tmdb.TV_Seasons(1399, 1).account_states(session_id=session_id), not_found
    )
    episode = tmdb.TV_Episodes(1399, 1, 1)
    ledger.refused("TV_Episodes.account_states", lambda: episode.account_states(session_id=session_id), not_found)
    ledger.refused("TV_Episodes.rating", lambda: episode.rating(session_id=session_id, value=7), not_found)
    ledger.refused("TV_Episodes.rating_delete", lambda: episode.rating_delete(session_id=session_id), not_found)
    call("Movies.rating_delete", lambda: movie.rating_delete(session_id=session_id), lambda r: r["status_code"] == 13)
    call("TV.rating_delete", lambda: show.rating_delete(session_id=session_id), lambda r: r["status_code"] == 13)
    call(
        "Account.favorite",
        lambda: account.favorite(media_type="movie", media_id=550, favorite=False),
        lambda r: r["status_code"] == 13,
    )
    call(
        "Account.watchlist",
        lambda: account.watchlist(media_type="tv", media_id=1399, watchlist=False),
        lambda r: r["status_code"] == 13,
    )
    call(
        "Movies.account_states",
        lambda: movie.account_states(session_id=session_id),
        lambda r: r == {"id": 550, "favorite": False, "rated": False, "watchlist": True},
    )
    call("Account.rated_movies", account.rated_movies, lambda r: r["results"] == [])
    call("Account.watchlist_tv", account.watchlist_tv, lambda r: r["results"] == [])

    # --- a guest session rates a movie and a show ---
    guest = call(
        "Authentication.guest_session_new",
        auth.guest_session_new,
        lambda r: r["success"] is True and bool(r["guest_session_id"]),
    )
    guest_id = (guest or {}).get("guest_session_id", "")
    call("Movies.rating", lambda: movie.rating(guest_session_id=guest_id, value=6.5))
    call("TV.rating", lambda: show.rating(guest_session_id=guest_id, value=7))
    rated = tmdb.GuestSessions(guest_id)
    call(
        "GuestSessions.rated_movies",
        rated.rated_movies,
        lambda r: [(m["id"], m["rating"]) for m in r["results"]] == [(550, 6.5)],
    )
    call(
        "GuestSessions.rated_tv",
        rated.rated_tv,
        lambda r: [(t["id"], t["rating"]) for t in r["results"]] == [(1399, 7)],
    )
    call("GuestSessions.rated_tv_episodes", rated.rated_tv_episodes, lambda r: r["results"] == [])
    call(
        "Movies.account_states",
        lambda: movie.account_states(guest_session_id=guest_id),
        lambda r: r["rated"] == {"value": 6.5},
    )

    # --- a v3 list: created, filled, read, emptied, deleted ---
    lists = tmdb.Lists(session_id=session_id)
    call(
        "Lists.list_create",
        lambda: lists.list_create(name="Made by tmdbsimple", description="through a real client"),
        lambda r: r["success"] is True and r["list_id"] > 0,
    )
    for media_id in [550, 603]:
        call(
            "Lists.add_item",
            lambda: lists.add_item(media_id=media_id),
            lambda r: r["status_code"] == 12,
        )
    call(
        "Lists.info",
        lists.info,
        lambda r: (
            sorted(item["id"] for item in r["items"]) == [550, 603]
            and r["item_count"] == 2
            and r["name"] == "Made by tmdbsimple"
            and r["created_by"] == "alice"
        ),
    )
    call("Lists.item_status", lambda: lists.item_status(movie_id=550), lambda r: r["item_present"] is True)
    call("Lists.remove_item", lambda: lists.remove_item(media_id=550), lambda r: r["status_code"] == 13)
    call("Lists.item_status", lambda: lists.item_status(movie_id=550), lambda r: r["item_present"] is False)
    call(
        "Account.lists",
        account.lists,
        lambda r: [(x["name"], x["item_count"]) for x in r["results"]] == [("Made by tmdbsimple", 1)],
    )
    call("Lists.list_clear", lambda: lists.list_clear(confirm=True), lambda r: r["status_code"] == 12)
    call("Lists.info", lists.info, lambda r: r["items"] == [] and r["item_count"] == 0)
    call("Lists.list_delete", lists.list_delete)
    gone = server.client.get(f"/3/list/{lists.id}", headers=app_creds.headers)
    assert gone.status_code == 404, gone.text

    # --- logout: both sessions end ---
    call(
        "Authentication.session_delete",
        lambda: auth.session_delete(session_id=session_id),
        lambda r: r["success"] is True,
    )
    call("Authentication.session_delete", lambda: auth.session_delete(session_id=(first or {}).get("session_id", "")))
    ended = server.client.get("/3/account", headers=app_creds.headers, params={"session_id": session_id})
    assert ended.status_code == 401, ended.text

    ledger.finish()
