#!/usr/bin/env python3
"""movienight: a tiny TMDB app built on tmdbsimple (the example of docs/testing-with-filmshelf.md).

It shows what is popular, signs a user in the way TMDB's v3 API asks (a request token the user
approves on TMDB's site, then a session), keeps a watchlist, and picks tonight's film: the best
rated title on the watchlist. It talks to https://api.themoviedb.org; `--base-url` points it at
another server (a `filmshelf serve --ephemeral` in a script), which its tests never need.

    python movienight.py --api-key KEY --username NAME --password PASSWORD [--base-url URL]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import tmdbsimple

APPROVAL_PAGE = "https://www.themoviedb.org/authenticate/{token}"
BASE_URL: str | None = None  # None: TMDB itself


def configure(api_key: str, base_url: str | None = None) -> None:
    """Use `api_key`, against TMDB unless `base_url` says otherwise."""
    global BASE_URL
    tmdbsimple.API_KEY = api_key
    BASE_URL = base_url.rstrip("/") if base_url else None


def _api(kind: type[Any], *args: Any) -> Any:
    made = kind(*args)
    if BASE_URL is not None:
        made.base_uri = BASE_URL + "/3"
    return made


def popular(limit: int = 5) -> list[str]:
    """The titles of today's most popular films."""
    results = _api(tmdbsimple.Movies).popular()["results"]
    return [movie["title"] for movie in results[:limit]]


def start_sign_in() -> tuple[str, str]:
    """A request token and the TMDB page where the user approves it."""
    token: str = _api(tmdbsimple.Authentication).token_new()["request_token"]
    return token, APPROVAL_PAGE.format(token=token)


def finish_sign_in(token: str) -> str:
    """The session of an approved request token (requests.HTTPError if the user said no)."""
    session_id: str = _api(tmdbsimple.Authentication).session_new(request_token=token)["session_id"]
    return session_id


def sign_in_with_password(username: str, password: str) -> str:
    """Sign in without a browser (TMDB's validate_with_login); the session id."""
    auth = _api(tmdbsimple.Authentication)
    token = auth.token_new()["request_token"]
    auth.token_validate_with_login(request_token=token, username=username, password=password)
    return finish_sign_in(token)


def _account(session_id: str) -> Any:
    account = _api(tmdbsimple.Account, session_id)
    account.info()  # sets account.id, which the account calls need
    return account


def add_to_watchlist(session_id: str, movie_id: int) -> None:
    """Put a film on the user's watchlist."""
    _account(session_id).watchlist(media_type="movie", media_id=movie_id, watchlist=True)


def watchlist(session_id: str) -> list[str]:
    """The titles on the user's watchlist."""
    return [movie["title"] for movie in _account(session_id).watchlist_movies()["results"]]


def pick_tonight(session_id: str) -> str | None:
    """The best rated film on the watchlist (TMDB's vote_average), or None for an empty watchlist."""
    movies = _account(session_id).watchlist_movies()["results"]
    if not movies:
        return None
    best = max(movies, key=lambda movie: (movie["vote_average"], movie["title"]))
    title: str = best["title"]
    return title


def rate(session_id: str, movie_id: int, value: float) -> None:
    """Rate a film as the user."""
    _api(tmdbsimple.Movies, movie_id).rating(session_id=session_id, value=value)


def main(argv: list[str] | None = None) -> int:
    """Popular films, sign-in, two films on the watchlist, tonight's pick."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--base-url", default=None)
    options = parser.parse_args(argv)
    configure(options.api_key, options.base_url)
    titles = popular(3)
    print("popular:", ", ".join(titles))
    session_id = sign_in_with_password(options.username, options.password)
    print("signed in as", options.username)
    for movie in _api(tmdbsimple.Movies).popular()["results"][:2]:
        add_to_watchlist(session_id, movie["id"])
    print("watchlist:", ", ".join(watchlist(session_id)))
    print("tonight:", pick_tonight(session_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
