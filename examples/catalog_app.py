#!/usr/bin/env python3
"""What a typical TMDB app does, call by call, against filmshelf (or any TMDB-compatible server).

    make run    # in another terminal: prints the demo username, password and read access token
    .venv/bin/python examples/catalog_app.py --base-url http://127.0.0.1:8000 \\
        --token "$DEMO_READ_TOKEN" --username demo --password '...'

Only plain httpx and TMDB's documented API: nothing filmshelf-specific. The steps:

1. start-up: configuration (image base URL) and genre lists;
2. the home screen: popular, top rated, trending, now playing, upcoming rows, TV rows, a discover row;
3. a title page: details with append_to_response, then credits, images, videos, similar,
   recommendations, keywords, external ids, release dates, watch providers as their own calls;
   a TV page with aggregate credits and content ratings; /find by IMDb id when there is one;
4. search (multi, then movie);
5. sign-in with TMDB's v4 flow: a request token, the user's approval on the server's page (this
   script plays the user's browser with the username and password), the access token, and a v3
   session converted from it;
6. the signed-in user: account details, mark a favorite and the watchlist, rate, read them back;
   the title's account state (`/3/movie/{id}/account_states`, when the server offers it);
7. a list: create, add items, read, remove an item, delete (v4 lists);
8. sign out.

Every call must answer 2xx; the script prints one line per call and exits 1 if any did not.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

import httpx

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


class App:
    """A TMDB client the way an app writes one: a base URL, a bearer token, JSON in and out."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"})
        self.failures: list[str] = []
        self.calls = 0

    def call(self, method: str, path: str, *, note: str = "", **kwargs: Any) -> Any:
        self.calls += 1
        response = self.http.request(method, path, **kwargs)
        ok = 200 <= response.status_code < 300
        print(f"{'ok ' if ok else 'FAIL'} {response.status_code} {method} {path} {note}".rstrip())
        if not ok:
            self.failures.append(f"{method} {path} -> {response.status_code} {response.text[:200]}")
            return {}
        return response.json()

    def get(self, path: str, note: str = "", **params: Any) -> Any:
        return self.call("GET", path, params=params, note=note)


def approve_as_the_user(base_url: str, request_token: str, username: str, password: str) -> None:
    """What the user does in the browser the app opens: sign in, then Approve."""
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=True) as browser:
        login = browser.get("/login")
        browser.post(
            "/login",
            data={"username": username, "password": password, "next": "/", "_csrf_token": _CSRF.findall(login.text)[0]},
        )
        page = browser.get("/auth/access", params={"request_token": request_token})
        answer = browser.post(
            "/auth/access",
            data={"request_token": request_token, "decision": "approve", "_csrf_token": _CSRF.findall(page.text)[0]},
        )
        answer.raise_for_status()


def run(base_url: str, token: str, username: str, password: str) -> int:
    app = App(base_url, token)

    # 1. Start-up.
    configuration = app.get("/3/configuration")
    image_base = configuration.get("images", {}).get("secure_base_url", "")
    movie_genres = {g["id"]: g["name"] for g in app.get("/3/genre/movie/list").get("genres", [])}
    app.get("/3/genre/tv/list")

    # 2. Home screen rows.
    popular = app.get("/3/movie/popular", note="(row: Popular)").get("results", [])
    app.get("/3/movie/top_rated", note="(row: Top rated)")
    trending = app.get("/3/trending/all/week", note="(row: Trending)").get("results", [])
    app.get("/3/trending/movie/day")
    app.get("/3/movie/now_playing", region="US")
    app.get("/3/movie/upcoming", region="US")
    tv_popular = app.get("/3/tv/popular").get("results", [])
    app.get("/3/tv/top_rated")
    app.get("/3/tv/on_the_air")
    app.get("/3/tv/airing_today")
    app.get("/3/discover/movie", with_genres="16|10751", sort_by="vote_average.desc", **{"vote_count.gte": "0"})
    app.get("/3/discover/tv", with_genres="18", sort_by="first_air_date.desc")
    for row, items in (("popular", popular), ("trending", trending)):
        shown = [item.get("title") or item.get("name") for item in items[:5]]
        print(f"     {row}: {', '.join(str(title) for title in shown)}")
    if not popular:
        app.failures.append("the popular row is empty")
        return report(app)

    # 3. A title page.
    movie = popular[0]
    movie_id = movie["id"]
    appends = "credits,images,videos,similar,recommendations,keywords,external_ids,release_dates,watch/providers"
    details = app.get(f"/3/movie/{movie_id}", append_to_response=appends, language="en-US")
    genres = ", ".join(movie_genres.get(g["id"], "?") for g in details.get("genres", []))
    poster = f"{image_base}w500{details['poster_path']}" if details.get("poster_path") else "(no poster)"
    print(f"     title page: {details.get('title')} ({details.get('release_date')}), {genres}; poster {poster}")
    credits = app.get(f"/3/movie/{movie_id}/credits")
    print(f"     cast: {len(credits.get('cast', []))}, crew: {len(credits.get('crew', []))}")
    app.get(f"/3/movie/{movie_id}/images")
    app.get(f"/3/movie/{movie_id}/videos")
    similar = app.get(f"/3/movie/{movie_id}/similar").get("results", [])
    print(f"     similar: {', '.join(m['title'] for m in similar[:3])}")
    app.get(f"/3/movie/{movie_id}/recommendations")
    app.get(f"/3/movie/{movie_id}/keywords")
    external = app.get(f"/3/movie/{movie_id}/external_ids")
    app.get(f"/3/movie/{movie_id}/release_dates")
    app.get(f"/3/movie/{movie_id}/watch/providers")
    if external.get("imdb_id"):
        app.get(f"/3/find/{external['imdb_id']}", external_source="imdb_id")
    if tv_popular:
        show_id = tv_popular[0]["id"]
        app.get(f"/3/tv/{show_id}", append_to_response="aggregate_credits,content_ratings,external_ids")
        app.get(f"/3/tv/{show_id}/aggregate_credits")
        app.get(f"/3/tv/{show_id}/content_ratings")

    # 4. Search.
    word = str(movie.get("title", "the")).split()[0]
    found = app.get("/3/search/multi", query=word).get("results", [])
    print(f"     search {word!r}: {len(found)} results on the first page")
    app.get("/3/search/movie", query=word, include_adult="false")

    # 5. Sign-in (TMDB v4), then a v3 session for the v3 account calls.
    request_token = app.call("POST", "/4/auth/request_token", json={}).get("request_token")
    if not request_token:
        return report(app)
    approve_as_the_user(base_url, request_token, username, password)
    signed_in = app.call("POST", "/4/auth/access_token", json={"request_token": request_token})
    access_token, account_object_id = signed_in.get("access_token"), signed_in.get("account_id")
    if not access_token:
        return report(app)
    session = app.call("POST", "/3/authentication/session/convert/4", json={"access_token": access_token})
    session_id = session.get("session_id")
    user = {"Authorization": f"Bearer {access_token}"}

    # 6. The signed-in user: favorite, watchlist, rating, read back.
    account = app.get("/3/account", session_id=session_id)
    account_id = account.get("id")
    print(f"     signed in as {account.get('username')}")
    for kind in ("favorite", "watchlist"):
        app.call(
            "POST",
            f"/3/account/{account_id}/{kind}",
            params={"session_id": session_id},
            json={"media_type": "movie", "media_id": movie_id, kind: True},
        )
    app.call("POST", f"/3/movie/{movie_id}/rating", params={"session_id": session_id}, json={"value": 8.5})
    favorites = app.get(f"/3/account/{account_id}/favorite/movies", session_id=session_id).get("results", [])
    app.get(f"/3/account/{account_id}/watchlist/movies", session_id=session_id)
    app.get(f"/3/account/{account_id}/rated/movies", session_id=session_id)
    app.call("GET", f"/4/account/{account_object_id}/movie/favorites", headers=user)
    print(f"     favorites: {[m['title'] for m in favorites]}")
    rated = app.get(f"/3/movie/{movie_id}")
    print(f"     {rated.get('title')}: vote_average {rated.get('vote_average')} from {rated.get('vote_count')} votes")
    if has_route(app, "/3/movie/{movie_id}/account_states"):
        app.get(f"/3/movie/{movie_id}/account_states", session_id=session_id)
    else:
        print("     (no /3/movie/{id}/account_states on this server: skipped)")

    # 7. A list.
    created = app.call("POST", "/4/list", headers=user, json={"name": "Watch next", "iso_639_1": "en"})
    list_id = created.get("id")
    items = [{"media_type": "movie", "media_id": m["id"]} for m in popular[1:4]]
    if tv_popular:
        items.append({"media_type": "tv", "media_id": tv_popular[0]["id"]})
    app.call("POST", f"/4/list/{list_id}/items", headers=user, json={"items": items})
    shown = app.call("GET", f"/4/list/{list_id}", headers=user, params={"sort_by": "original_order.asc"})
    print(f"     list {shown.get('name')!r}: {shown.get('total_results')} items")
    app.call("DELETE", f"/4/list/{list_id}/items", headers=user, json={"items": items[:1]})
    app.call("DELETE", f"/4/list/{list_id}", headers=user)

    # 8. Sign out.
    app.call("DELETE", "/4/auth/access_token", headers=user, json={"access_token": access_token})
    return report(app)


def has_route(app: App, path: str) -> bool:
    """Whether the server's OpenAPI document lists `path` (a probe, not a counted call)."""
    response = app.http.get("/openapi.json")
    return response.status_code == 200 and path in response.json().get("paths", {})


def report(app: App) -> int:
    print(f"{app.calls} calls, {len(app.failures)} failed")
    for failure in app.failures:
        print(f"  {failure}")
    return 1 if app.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default=os.environ.get("TMDB_BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("TMDB_READ_TOKEN") or os.environ.get("DEMO_READ_TOKEN"))
    parser.add_argument("--username", default=os.environ.get("TMDB_USERNAME", "demo"))
    parser.add_argument("--password", default=os.environ.get("TMDB_PASSWORD"))
    args = parser.parse_args()
    if not args.token or not args.password:
        parser.error("give --token (the API read access token) and --password (make run prints both)")
    return run(args.base_url.rstrip("/"), args.token, args.username, args.password)


if __name__ == "__main__":
    sys.exit(main())
