#!/usr/bin/env python3
"""A small app that talks to filmshelf the way a typical TMDB app talks to TMDB.

Home screen rows (popular, trending, TV), a title page (details with appends, credits, images,
recommendations, the user's account states), search, sign-in (v4 approval, then a v3 session
as apps that write through v3 do), a favorite, and a v4 list — then it tidies up and signs out.
Only the base URL differs from what it would send to api.themoviedb.org.

    python examples/tmdb_app.py --base-url http://127.0.0.1:8000 \\
        --read-token "$DEMO_READ_TOKEN" --username demo --password '<from make run>'

One line per call (method, path, HTTP status, and `X-Filmshelf-Upstream` when filmshelf sent
it); exit status 0 when every call was answered (2xx), 1 otherwise. The user's approval,
which a real app leaves to the user's browser, is given here by driving filmshelf's own
sign-in and approval pages with the user's name and password.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class Call:
    """One API call the app made."""

    method: str
    path: str
    status: int
    upstream: str | None

    @property
    def answered(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300

    def __str__(self) -> str:
        source = f"  [{self.upstream}]" if self.upstream else ""
        return f"{'ok ' if self.answered else 'NO '} {self.status} {self.method:6} {self.path}{source}"


@dataclass
class TmdbApp:
    """The app's HTTP client: its read token for catalog reads, the user's token once signed in."""

    base_url: str
    read_token: str
    log: Callable[[str], None] = print
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {token or self.read_token}"}
        response = self.http.request(method, path, headers=headers, params=params, json=json)
        call = Call(method, path, response.status_code, response.headers.get("x-filmshelf-upstream"))
        self.calls.append(call)
        self.log(str(call))
        try:
            return response.json()
        except ValueError:
            return None

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def close(self) -> None:
        self.http.close()


def approve_in_browser(base_url: str, request_token: str, username: str, password: str) -> None:
    """What the user does in a browser: sign in on filmshelf and press Approve."""
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as browser:
        login = browser.get("/login")
        browser.post(
            "/login",
            data={"username": username, "password": password, "next": "/", "_csrf_token": CSRF.findall(login.text)[0]},
        )
        page = browser.get("/auth/access", params={"request_token": request_token})
        found = CSRF.findall(page.text)
        if not found:
            raise RuntimeError(f"no approval form for the request token (HTTP {page.status_code})")
        browser.post(
            "/auth/access", data={"request_token": request_token, "decision": "approve", "_csrf_token": found[0]}
        )


def _first_movie(*pages: Any) -> dict[str, Any] | None:
    for page in pages:
        for result in (page or {}).get("results", []):
            if result.get("media_type", "movie") == "movie" and "title" in result:
                return dict(result)
    return None


def run(
    base_url: str, read_token: str, username: str, password: str, *, log: Callable[[str], None] = print
) -> list[Call]:
    """Do what a typical TMDB app does; return every call made."""
    app = TmdbApp(base_url.rstrip("/"), read_token, log)
    try:
        _session(app, username, password)
    finally:
        app.close()
    return app.calls


def _session(app: TmdbApp, username: str, password: str) -> None:
    # Start-up: image configuration and genre names.
    configuration = app.get("/3/configuration")
    app.get("/3/genre/movie/list", language="en-US")
    app.get("/3/genre/tv/list", language="en-US")

    # Home screen rows.
    popular = app.get("/3/movie/popular", language="en-US", page=1)
    trending = app.get("/3/trending/all/week", language="en-US")
    app.get("/3/tv/popular", language="en-US", page=1)
    movie = _first_movie(popular, trending)
    if movie is None:
        app.log("NO  the home screen has no movie to open")
        app.calls.append(Call("--", "a movie to open", 0, None))
        return
    movie_id = movie["id"]

    # Title page.
    details = app.get(f"/3/movie/{movie_id}", language="en-US", append_to_response="credits,images,videos")
    app.get(f"/3/movie/{movie_id}/credits", language="en-US")
    app.get(f"/3/movie/{movie_id}/images")
    app.get(f"/3/movie/{movie_id}/recommendations", language="en-US", page=1)
    images = (configuration or {}).get("images", {})
    if details and details.get("poster_path") and images.get("secure_base_url"):
        app.log(f"    poster: {images['secure_base_url']}w500{details['poster_path']}")

    # Search, as typed into the search box.
    word = (movie.get("title") or "a").split()[0]
    app.get("/3/search/multi", query=word, language="en-US", page=1, include_adult="false")
    app.get("/3/search/movie", query=word, language="en-US", page=1)

    # Sign-in: v4 request token -> the user approves -> access token; a v3 session from it.
    request_token = app.request("POST", "/4/auth/request_token", json={})["request_token"]
    approve_in_browser(app.base_url, request_token, username, password)
    signed_in = app.request("POST", "/4/auth/access_token", json={"request_token": request_token})
    access_token, account_object_id = signed_in["access_token"], signed_in["account_id"]
    session = app.request("POST", "/3/authentication/session/convert/4", json={"access_token": access_token})
    session_id = session["session_id"]
    account = app.request("GET", "/3/account", params={"session_id": session_id})

    # The title page again, signed in: the user's state, then a favorite.
    app.request("GET", f"/3/movie/{movie_id}/account_states", params={"session_id": session_id})
    app.request(
        "POST",
        f"/3/account/{account['id']}/favorite",
        params={"session_id": session_id},
        json={"media_type": "movie", "media_id": movie_id, "favorite": True},
    )
    states = app.request("GET", f"/3/movie/{movie_id}/account_states", params={"session_id": session_id})
    if not (states or {}).get("favorite"):
        app.log("NO  account_states does not show the favorite")
        app.calls.append(Call("--", "favorite shown in account_states", 0, None))

    # A list of my own, with that movie on it.
    created = app.request(
        "POST", "/4/list", token=access_token, json={"name": "Watch this weekend", "iso_639_1": "en", "public": False}
    )
    list_id = created["id"]
    app.request(
        "POST",
        f"/4/list/{list_id}/items",
        token=access_token,
        json={"items": [{"media_type": "movie", "media_id": movie_id}]},
    )
    shown = app.request("GET", f"/4/list/{list_id}", token=access_token, params={"page": 1})
    if [item.get("id") for item in (shown or {}).get("results", [])] != [movie_id]:
        app.log("NO  the list does not hold the movie")
        app.calls.append(Call("--", "the movie on the list", 0, None))
    app.request("GET", f"/4/account/{account_object_id}/movie/favorites", token=access_token)

    # Tidy up and sign out.
    app.request(
        "POST",
        f"/3/account/{account['id']}/favorite",
        params={"session_id": session_id},
        json={"media_type": "movie", "media_id": movie_id, "favorite": False},
    )
    app.request("DELETE", f"/4/list/{list_id}", token=access_token)
    app.request("DELETE", "/4/auth/access_token", json={"access_token": access_token})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--read-token", required=True, help="the app's API read access token")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args(argv)
    calls = run(args.base_url, args.read_token, args.username, args.password)
    missed = [call for call in calls if not call.answered]
    print(f"{len(calls) - len(missed)} of {len(calls)} calls answered")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
