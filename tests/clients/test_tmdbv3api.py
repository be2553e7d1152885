"""tmdbv3api 1.10.0, unchanged but for its base URL, against a live filmshelf (SQLite).

Base URL: tmdbv3api has no setting for it; `TMDb.__init__` (tmdbv3api/tmdb.py) sets
`self._base = "https://api.themoviedb.org/3"` on every object. The smallest override is to wrap
that constructor and replace this one attribute afterwards (`point_at`, undone after the test).
Its other settings are its documented ones: `TMDb().api_key`, and `TMDb().cache = False`, because
its response cache (on by default, keyed by URL, and used for DELETE too) would answer the
read-backs of this test from memory instead of asking the server.

tmdbv3api keeps its state in environment variables (`TMDB_API_KEY`, `TMDB_SESSION_ID`,
`TMDB_ACCOUNT_ID`, `page`, ...); the fixture clears them and monkeypatch restores them afterwards.

Its sign-in is `Authentication(username, password)`: token/new, validate_with_login and
session/new, all POST with JSON bodies. It has no call for the browser flow or guest sessions.

Library bug, noted and not worked around: `Search.movies/multi/people/tv_shows(adult=False)` build
`"&include_adult=%s" % "true" if adult else "false"`, which appends a bare `false` to the query
(`...&page=1false`); filmshelf then refuses the page number (400 / 22). The test passes
`adult=True` only.

One engine: the client drives routes whose engine-specific behaviour is tested in tests/api/.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.clients.support import PASSWORD, Ledger
from tests.conftest import AppCreds, LiveServer

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

# Every call tmdbv3api 1.10.0 offers for the features under test (read from its objs/auth.py,
# account.py, movie.py, tv.py, list.py, search.py, configuration.py, genre.py).
OFFERED = [
    # sign-in (token/new + validate_with_login + session/new in the constructor) and logout
    "Authentication(username, password)",
    "Authentication.delete_session",
    # account details, favorite / watchlist and reading them back
    "Account.details",
    "Account.account_id",
    "Account.created_lists",
    "Account.mark_as_favorite",
    "Account.unmark_as_favorite",
    "Account.favorite_movies",
    "Account.favorite_tv_shows",
    "Account.add_to_watchlist",
    "Account.remove_from_watchlist",
    "Account.movie_watchlist",
    "Account.tv_show_watchlist",
    # ratings and reading them back
    "Movie.rate_movie",
    "Movie.delete_rating",
    "Movie.account_states",
    "TV.rate_tv_show",
    "TV.delete_rating",
    "TV.account_states",
    "Account.rated_movies",
    "Account.rated_tv_shows",
    "Account.rated_episodes",
    # v3 lists
    "List.create_list",
    "List.add_movie",
    "List.details",
    "List.check_item_status",
    "List.remove_movie",
    "List.clear_list",
    "List.delete_list",
    # search, details, configuration
    "Search.movies",
    "Search.multi",
    "Search.tv_shows",
    "Movie.search",
    "TV.search",
    "Movie.details",
    "TV.details",
    "Configuration.info",
    "Configuration.api_configuration",
    "Configuration.countries",
    "Configuration.jobs",
    "Configuration.languages",
    "Configuration.primary_translations",
    "Configuration.timezones",
    "Genre.movie_list",
    "Genre.tv_list",
]
# Calls for what filmshelf's catalog does not hold: TMDB's 404 / 34, which tmdbv3api raises as
# TMDbException with the status message.
NOT_SERVED = [
    "Search.companies",
    "Search.collections",
    "Search.keywords",
    "Search.people",
    "Season.account_states",
    "Episode.account_states",
    "Episode.rate_tv_episode",
    "Episode.delete_rating",
]
STATE = [
    "TMDB_API_KEY",
    "TMDB_LANGUAGE",
    "TMDB_SESSION_ID",
    "TMDB_ACCOUNT_ID",
    "TMDB_WAIT_ON_RATE_LIMIT",
    "TMDB_DEBUG_ENABLED",
    "TMDB_CACHE_ENABLED",
    "TMDB_PROXIES",
    "page",
    "total_results",
    "total_pages",
]


@pytest.fixture
def tmdb(server: LiveServer, app_creds: AppCreds, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import tmdbv3api
    import tmdbv3api.tmdb

    for name in STATE:
        monkeypatch.delenv(name, raising=False)
    original = tmdbv3api.tmdb.TMDb.__init__

    @functools.wraps(original)
    def point_at(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._base = server.base_url + "/3"

    monkeypatch.setattr(tmdbv3api.tmdb.TMDb, "__init__", point_at)
    settings = tmdbv3api.TMDb()
    settings.api_key = app_creds.app.api_key
    settings.cache = False
    yield tmdbv3api
    settings.cache_clear()


def not_found(exc: Exception) -> bool:
    return type(exc).__name__ == "TMDbException" and str(exc) == "The resource you requested could not be found."


def deprecated(action: Callable[[], Any]) -> Callable[[], Any]:
    """A call tmdbv3api marks deprecated (it warns, then makes the new call)."""

    def run() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return action()

    return run


def ids(results: Any) -> list[int]:
    return [item.id for item in results]


def test_every_tmdbv3api_call(tmdb: Any, server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    ledger = Ledger("tmdbv3api 1.10.0", OFFERED, NOT_SERVED)
    call = ledger.call

    # --- configuration, search, details (api_key only) ---
    conf = tmdb.Configuration()
    call("Configuration.api_configuration", conf.api_configuration, lambda r: r.images.base_url.startswith("http"))
    call("Configuration.info", deprecated(conf.info), lambda r: r.images.secure_base_url.startswith("https://"))
    call("Configuration.countries", conf.countries, lambda r: "US" in [c.iso_3166_1 for c in r])
    call("Configuration.jobs", conf.jobs, lambda r: "Directing" in [j.department for j in r])
    call("Configuration.languages", conf.languages, lambda r: "en" in [lang.iso_639_1 for lang in r])
    call("Configuration.primary_translations", conf.primary_translations, lambda r: "en-US" in list(r))
    call("Configuration.timezones", conf.timezones, lambda r: "US" in [z.iso_3166_1 for z in r])
    genre = tmdb.Genre()
    call("Genre.movie_list", genre.movie_list, lambda r: (18, "Drama") in [(g.id, g.name) for g in r])
    call("Genre.tv_list", genre.tv_list, lambda r: (10765, "Sci-Fi & Fantasy") in [(g.id, g.name) for g in r])
    search = tmdb.Search()
    call("Search.movies", lambda: search.movies("matrix"), lambda r: r[0].title == "The Matrix")
    call(
        "Search.movies",
        lambda: search.movies("matrix", adult=True, release_year=1999),
        lambda r: ids(r) == [603],
    )
    call("Search.tv_shows", lambda: search.tv_shows("thrones"), lambda r: 1399 in ids(r))
    call("Search.tv_shows", lambda: search.tv_shows("thrones", release_year=2011), lambda r: ids(r) == [1399])
    call("Search.multi", lambda: search.multi("matrix"), lambda r: r[0].id == 603 and r[0].media_type == "movie")
    for name in ["companies", "collections", "keywords", "people"]:
        ledger.refused(f"Search.{name}", lambda: getattr(search, name)("matrix"), not_found)
    movie, show = tmdb.Movie(), tmdb.TV()
    call("Movie.search", deprecated(lambda: movie.search("fight club")), lambda r: ids(r)[:1] == [550])
    call("TV.search", deprecated(lambda: show.search("thrones")), lambda r: 1399 in ids(r))
    # Its default append_to_response asks for the legacy `trailers` and `casts` too.
    call(
        "Movie.details",
        lambda: movie.details(550),
        lambda r: r.title == "Fight Club" and list(r.casts.cast) == [] and list(r.trailers.youtube) == [],
    )
    call("TV.details", lambda: show.details(1399), lambda r: r.name == "Game of Thrones" and list(r.credits.cast) == [])

    # --- sign-in: the classic flow with the user's password ---
    auth = call("Authentication(username, password)", lambda: tmdb.Authentication("alice", PASSWORD))
    assert auth is not None, ledger.failures

    # --- account, favorite / watchlist ---
    account = tmdb.Account()
    call("Account.details", account.details, lambda r: r.username == "alice" and r.id == alice.id)
    call("Account.account_id", lambda: account.account_id, lambda r: r == str(alice.id))
    for media_id, media_type in [(550, "movie"), (1399, "tv")]:
        call("Account.mark_as_favorite", lambda: account.mark_as_favorite(media_id, media_type))
        call("Account.add_to_watchlist", lambda: account.add_to_watchlist(media_id, media_type))
    call("Account.mark_as_favorite", lambda: account.mark_as_favorite(603, "movie"))
    call("Account.favorite_movies", account.favorite_movies, lambda r: ids(r) == [550, 603])
    call("Account.favorite_movies", lambda: account.favorite_movies(asc_sort=False), lambda r: ids(r) == [603, 550])
    call("Account.favorite_tv_shows", account.favorite_tv_shows, lambda r: ids(r) == [1399])
    call("Account.movie_watchlist", account.movie_watchlist, lambda r: ids(r) == [550])
    call("Account.tv_show_watchlist", account.tv_show_watchlist, lambda r: ids(r) == [1399])

    # --- ratings, read back through the account and account_states ---
    call("Movie.rate_movie", lambda: movie.rate_movie(550, 8.5))
    call("TV.rate_tv_show", lambda: show.rate_tv_show(1399, 9))
    call("Account.rated_movies", account.rated_movies, lambda r: [(m.id, m.rating) for m in r] == [(550, 8.5)])
    call("Account.rated_tv_shows", account.rated_tv_shows, lambda r: [(t.id, t.rating) for t in r] == [(1399, 9)])
    call("Account.rated_episodes", account.rated_episodes, lambda r: list(r) == [])  # no episodes: empty
    call(
        "Movie.account_states",
        lambda: movie.account_states(550),
        lambda r: (r.favorite, r.watchlist, r.rated.value) == (True, True, 8.5),
    )
    call(
        "TV.account_states",
        lambda: show.account_states(1399),
        lambda r: (r.favorite, r.watchlist, r.rated.value) == (True, True, 9),
    )
    ledger.refused("Season.account_states", lambda: tmdb.Season().account_states(1399, 1), not_found)
    episode = tmdb.Episode()
    ledger.refused("Episode.account_states", lambda: episode.account_states(1399, 1, 1), not_found)
    ledger.refused("Episode.rate_tv_episode", lambda: episode.rate_tv_episode(1399, 1, 1, 7), not_found)
    ledger.refused("Episode.delete_rating", lambda: episode.delete_rating(1399, 1, 1), not_found)
    call("Movie.delete_rating", lambda: movie.delete_rating(550))
    call("TV.delete_rating", lambda: show.delete_rating(1399))
    call("Account.unmark_as_favorite", lambda: account.unmark_as_favorite(550, "movie"))
    call("Account.remove_from_watchlist", lambda: account.remove_from_watchlist(1399, "tv"))
    call(
        "Movie.account_states",
        lambda: movie.account_states(550),
        lambda r: (r.favorite, r.watchlist, r.rated) == (False, True, False),
    )
    call("Account.favorite_movies", account.favorite_movies, lambda r: ids(r) == [603])
    call("Account.rated_tv_shows", account.rated_tv_shows, lambda r: list(r) == [])
    call("Account.tv_show_watchlist", account.tv_show_watchlist, lambda r: list(r) == [])

    # --- a v3 list: created, filled, read, emptied, deleted ---
    lists = tmdb.List()
    list_id = call(
        "List.create_list",
        lambda: lists.create_list("Made by tmdbv3api", "through a real client"),
        lambda r: isinstance(r, int) and r > 0,
    )
    for movie_id in [550, 603]:
        call("List.add_movie", lambda: lists.add_movie(list_id, movie_id))
    call(
        "List.details",
        lambda: lists.details(list_id),
        lambda r: sorted(ids(r)) == [550, 603] and r.item_count == 2 and r.name == "Made by tmdbv3api",
    )
    call("List.check_item_status", lambda: lists.check_item_status(list_id, 550), lambda r: r is True)
    call("List.remove_movie", lambda: lists.remove_movie(list_id, 550))
    call("List.check_item_status", lambda: lists.check_item_status(list_id, 550), lambda r: r is False)
    call(
        "Account.created_lists",
        account.created_lists,
        lambda r: [(x.name, x.item_count) for x in r] == [("Made by tmdbv3api", 1)],
    )
    call("List.clear_list", lambda: lists.clear_list(list_id))
    call("List.details", lambda: lists.details(list_id), lambda r: list(r) == [] and r.item_count == 0)
    call("List.delete_list", lambda: lists.delete_list(list_id))
    gone = server.client.get(f"/3/list/{list_id}", headers=app_creds.headers)
    assert gone.status_code == 404, gone.text

    # --- logout ---
    session_id = tmdb.TMDb().session_id
    call("Authentication.delete_session", auth.delete_session, lambda r: not tmdb.TMDb().has_session)
    ended = server.client.get("/3/account", headers=app_creds.headers, params={"session_id": session_id})
    assert ended.status_code == 401, ended.text

    ledger.finish()
