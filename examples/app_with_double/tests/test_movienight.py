"""movienight's own tests, against TMDB's address: the `tmdb_double` fixture answers instead of TMDB.

Nothing here changes a base URL. The user's approval, which happens in a browser on TMDB's site,
is one call: `tmdb_double.approve(approval_url, user)`.
"""

from __future__ import annotations

from collections.abc import Iterator

import movienight
import pytest
import requests

from filmshelf.testing import App, TmdbDouble


@pytest.fixture
def app(tmdb_double: TmdbDouble) -> Iterator[App]:
    """movienight configured with an API key of the double (and TMDB's address, as in production)."""
    credentials = tmdb_double.make_app(name="movienight")
    movienight.configure(credentials.api_key)
    yield credentials
    movienight.configure("")


def test_popular_lists_titles(app: App) -> None:
    titles = movienight.popular(3)
    assert len(titles) == 3 and all(titles)


def test_sign_in_then_watchlist(tmdb_double: TmdbDouble, app: App) -> None:
    user = tmdb_double.make_user("ana")
    token, approval_url = movienight.start_sign_in()
    assert approval_url == f"https://www.themoviedb.org/authenticate/{token}"
    tmdb_double.approve(approval_url, user)  # the user clicks Approve on TMDB's page
    session_id = movienight.finish_sign_in(token)
    movienight.add_to_watchlist(session_id, 11)
    assert movienight.watchlist(session_id) == ["Star Wars"]


def test_a_denied_sign_in_gets_no_session(tmdb_double: TmdbDouble, app: App) -> None:
    token, approval_url = movienight.start_sign_in()
    tmdb_double.deny(approval_url, tmdb_double.make_user())
    with pytest.raises(requests.HTTPError):
        movienight.finish_sign_in(token)


def test_tonight_is_the_best_rated_film_on_the_watchlist(tmdb_double: TmdbDouble, app: App) -> None:
    user = tmdb_double.make_user()
    session_id = tmdb_double.v3_session(app, user)  # signed in without the approval dance
    assert movienight.pick_tonight(session_id) is None
    for movie_id in (11, 550):
        tmdb_double.watchlist(user, "movie", movie_id)  # seeded, not clicked
    best = max(
        (
            requests.get(f"https://api.themoviedb.org/3/movie/{n}", params={"api_key": app.api_key}, timeout=10).json()
            for n in (11, 550)
        ),
        key=lambda movie: (movie["vote_average"], movie["title"]),
    )
    assert movienight.pick_tonight(session_id) == best["title"]


def test_ratings_by_other_users_move_the_pick(tmdb_double: TmdbDouble, app: App) -> None:
    me = tmdb_double.make_user()
    session_id = tmdb_double.v3_session(app, me)
    for movie_id in (11, 550):
        tmdb_double.watchlist(me, "movie", movie_id)
    before = movienight.pick_tonight(session_id)
    loser = 550 if before == "Star Wars" else 11
    for n in range(40):  # a crowd of fans lifts the other film's vote_average
        tmdb_double.rate(tmdb_double.make_user(f"fan{n}"), "movie", loser, 10)
    assert movienight.pick_tonight(session_id) != before
