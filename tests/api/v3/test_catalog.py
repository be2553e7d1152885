"""v3 catalog reads over real HTTP on both engines: details, search, configuration, genres, refusals.

Expected search answers are computed here from the bundled sample files (the catalog every test
database starts with), independently of the SQL that serves them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from filmshelf.accounts import users
from filmshelf.catalog import importer, reference
from filmshelf.storage.tables import titles
from tests.conftest import AppCreds, LiveServer, bearer

NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
INVALID_KEY = {
    "success": False,
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
}
BAD_PAGE_MESSAGE = "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."
EMPTY_PAGE = {"page": 1, "results": [], "total_pages": 1, "total_results": 0}

MOVIE_DETAIL_KEYS = {
    "adult", "backdrop_path", "belongs_to_collection", "budget", "genres", "homepage", "id", "imdb_id",
    "origin_country", "original_language", "original_title", "overview", "popularity", "poster_path",
    "production_companies", "production_countries", "release_date", "revenue", "runtime",
    "spoken_languages", "status", "tagline", "title", "video", "vote_average", "vote_count",
}  # fmt: skip
TV_DETAIL_KEYS = {
    "adult", "backdrop_path", "created_by", "episode_run_time", "first_air_date", "genres", "homepage",
    "id", "in_production", "languages", "last_air_date", "last_episode_to_air", "name",
    "next_episode_to_air", "networks", "number_of_episodes", "number_of_seasons", "origin_country",
    "original_language", "original_name", "overview", "popularity", "poster_path",
    "production_companies", "production_countries", "seasons", "spoken_languages", "status", "tagline",
    "type", "vote_average", "vote_count",
}  # fmt: skip
MOVIE_RESULT_KEYS = {
    "adult", "backdrop_path", "genre_ids", "id", "original_language", "original_title", "overview",
    "popularity", "poster_path", "release_date", "title", "video", "vote_average", "vote_count",
}  # fmt: skip
TV_RESULT_KEYS = {
    "adult", "backdrop_path", "genre_ids", "id", "origin_country", "original_language", "original_name",
    "overview", "popularity", "poster_path", "first_air_date", "name", "vote_average", "vote_count",
}  # fmt: skip


def _sample(path: Path) -> dict[int, dict[str, Any]]:
    return {line["id"]: line for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


SAMPLE_MOVIES = _sample(importer.SAMPLE_FILES[0])
SAMPLE_TV = _sample(importer.SAMPLE_FILES[1])


def expected_search(media_type: str, query: str, *, year: int | None = None) -> list[int]:
    """Ids a search should find, in order: the sample's (seeded) popularity, highest first, then id."""
    sample, title, original, date = (
        (SAMPLE_MOVIES, "title", "original_title", "release_date")
        if media_type == "movie"
        else (SAMPLE_TV, "name", "original_name", "first_air_date")
    )
    needle = query.strip().lower()
    found = [
        line["id"]
        for line in sample.values()
        if (needle in line[title].lower() or needle in line[original].lower())
        and not line["adult"]
        and (year is None or (line[date] or "").startswith(f"{year}-"))
    ]
    return sorted(found, key=lambda media_id: (-sample[media_id]["popularity"], media_id))


def get(server: LiveServer, creds: AppCreds, path: str, **params: Any) -> Any:
    return server.client.get(path, headers=creds.headers, params=params)


# --- GET /3/movie/{movie_id}, GET /3/tv/{series_id} ----------------------------------------------------
def test_movie_details(server: LiveServer, app_creds: AppCreds) -> None:
    response = get(server, app_creds, "/3/movie/550", language="en-US")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == MOVIE_DETAIL_KEYS
    line = SAMPLE_MOVIES[550]
    assert body["title"] == "Fight Club" == line["title"]
    assert {key: body[key] for key in ("id", "original_title", "original_language", "release_date", "overview")} == {
        key: line[key] for key in ("id", "original_title", "original_language", "release_date", "overview")
    }
    assert body["genres"] == [{"id": 18, "name": "Drama"}]
    assert (body["runtime"], body["revenue"]) == (line["runtime"], line["revenue"])
    assert body["adult"] is False and body["video"] is False
    # Fields the catalog does not hold: TMDB's empty values.
    assert body["belongs_to_collection"] is None and body["imdb_id"] is None
    assert (body["budget"], body["homepage"], body["tagline"], body["status"]) == (0, "", "", "Released")
    for key in ("production_companies", "production_countries", "spoken_languages", "origin_country"):
        assert body[key] == []
    # The sample's seed popularity (tools/catalog/seed_popularity.py) and no votes yet.
    assert (body["popularity"], body["vote_average"], body["vote_count"]) == (line["popularity"], 0.0, 0)
    assert body["poster_path"] is None and body["backdrop_path"] is None


def test_tv_details(server: LiveServer, app_creds: AppCreds) -> None:
    response = get(server, app_creds, "/3/tv/1399")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == TV_DETAIL_KEYS
    line = SAMPLE_TV[1399]
    assert body["name"] == "Game of Thrones" == line["name"]
    assert body["original_name"] == line["original_name"]
    assert body["first_air_date"] == "2011-04-17" == line["first_air_date"]
    assert body["episode_run_time"] == [line["episode_run_time"]]
    assert body["origin_country"] == ["US"]
    assert body["genres"] == [
        {"id": genre_id, "name": reference.genre_name("tv", genre_id)} for genre_id in line["genre_ids"]
    ]
    assert {genre["name"] for genre in body["genres"]} == {"Sci-Fi & Fantasy", "Drama", "Action & Adventure"}
    for key in ("created_by", "languages", "networks", "seasons", "production_companies", "spoken_languages"):
        assert body[key] == []
    assert body["last_episode_to_air"] is None and body["next_episode_to_air"] is None
    assert (body["number_of_seasons"], body["number_of_episodes"], body["in_production"]) == (0, 0, False)


def test_details_append_to_response(server: LiveServer, app_creds: AppCreds) -> None:
    movie = get(server, app_creds, "/3/movie/550", append_to_response="credits, videos,external_ids,nonsense,similar")
    assert movie.status_code == 200
    body = movie.json()
    assert set(body) == MOVIE_DETAIL_KEYS | {"credits", "videos", "external_ids", "similar"}
    assert body["credits"] == {"cast": [], "crew": []}
    assert body["videos"] == {"results": []}
    assert body["similar"] == get(server, app_creds, "/3/movie/550/similar").json()
    assert body["external_ids"] == dict.fromkeys(
        ("imdb_id", "wikidata_id", "facebook_id", "instagram_id", "twitter_id")
    )
    tv = get(server, app_creds, "/3/tv/1399", append_to_response="content_ratings,watch/providers")
    assert tv.status_code == 200
    assert tv.json()["content_ratings"] == {"results": []}
    assert tv.json()["watch/providers"] == {"results": {}}

    twenty = ",".join(f"a{n}" for n in range(20))
    assert get(server, app_creds, "/3/movie/550", append_to_response=twenty).status_code == 200
    for path in ("/3/movie/550", "/3/tv/1399", "/3/movie/999999999"):
        response = get(server, app_creds, path, append_to_response=twenty + ",credits")
        assert response.status_code == 400
        assert response.json() == {
            "success": False,
            "status_code": 27,
            "status_message": "Too many append to response objects: The maximum number of remote calls is 20.",
        }


@pytest.mark.parametrize("kind", ["movie", "tv"])
def test_details_not_found(server: LiveServer, app_creds: AppCreds, kind: str) -> None:
    # 1399 is not a movie and 550 not a show in the sample: the media type is part of the key.
    other = 1399 if kind == "movie" else 550
    assert other not in (SAMPLE_MOVIES if kind == "movie" else SAMPLE_TV)
    for raw in (
        str(other),
        "999999999",
        "abc",
        "550abc",
        "-1",
        "0",
        "1.5",
        "99999999999",
        "%20550",
        "\u0665\u0665\u0660",
    ):
        response = get(server, app_creds, f"/3/{kind}/{raw}")
        assert response.status_code == 404, raw
        assert response.json() == NOT_FOUND


# --- GET /3/search/movie, GET /3/search/tv --------------------------------------------------------------
def test_search_movie_finds_and_shapes(server: LiveServer, app_creds: AppCreds) -> None:
    response = get(server, app_creds, "/3/search/movie", query="FIGHT club", language="en-US")
    assert response.status_code == 200
    body = response.json()
    assert [result["id"] for result in body["results"]] == expected_search("movie", "fight club")
    assert 550 in [result["id"] for result in body["results"]]
    assert (body["page"], body["total_results"], body["total_pages"]) == (1, len(body["results"]), 1)
    fight_club = next(result for result in body["results"] if result["id"] == 550)
    assert set(fight_club) == MOVIE_RESULT_KEYS
    assert fight_club["title"] == "Fight Club" and fight_club["genre_ids"] == [18]
    assert fight_club["release_date"] == "1999-10-15"
    # The original title is searched too.
    spirited = get(server, app_creds, "/3/search/movie", query="千と千尋").json()
    assert [result["title"] for result in spirited["results"]] == ["Spirited Away"]
    lola = get(server, app_creds, "/3/search/movie", query="RENNT").json()
    assert [result["id"] for result in lola["results"]] == expected_search("movie", "rennt") != []


def test_search_movie_paging_edges(server: LiveServer, app_creds: AppCreds) -> None:
    expected = expected_search("movie", "the")
    assert len(expected) > 40 and len(expected) % 20 != 0
    last = -(-len(expected) // 20)
    seen: list[int] = []
    for page in range(1, last + 1):
        body = get(server, app_creds, "/3/search/movie", query="the", page=page).json()
        assert (body["page"], body["total_results"], body["total_pages"]) == (page, len(expected), last)
        assert len(body["results"]) == (20 if page < last else len(expected) - 20 * (last - 1))
        seen += [result["id"] for result in body["results"]]
    assert seen == expected
    past = get(server, app_creds, "/3/search/movie", query="the", page=last + 1).json()
    assert past == {"page": last + 1, "results": [], "total_pages": last, "total_results": len(expected)}
    assert get(server, app_creds, "/3/search/movie", query="the", page=500).json()["results"] == []
    for bad in ("0", "501", "abc", "-1", "1.5"):
        response = get(server, app_creds, "/3/search/movie", query="the", page=bad)
        assert response.status_code == 400, bad
        assert response.json() == {"success": False, "status_code": 22, "status_message": BAD_PAGE_MESSAGE}


def test_search_without_query_is_an_empty_page(server: LiveServer, app_creds: AppCreds) -> None:
    for path in ("/3/search/movie", "/3/search/tv"):
        for params in ({}, {"query": ""}, {"query": "   "}, {"query": "", "page": "3"}):
            response = server.client.get(path, headers=app_creds.headers, params=params)
            assert response.status_code == 200 and response.json() == EMPTY_PAGE, (path, params)
        nothing = get(server, app_creds, path, query="zzzz-no-title-has-this-zzzz").json()
        assert nothing == EMPTY_PAGE
        # LIKE wildcards in the query are plain characters.
        assert get(server, app_creds, path, query="%").json() == EMPTY_PAGE
        assert get(server, app_creds, path, query="_").json()["total_results"] == len(
            expected_search("movie" if path.endswith("movie") else "tv", "_")
        )


def test_search_year_filters(server: LiveServer, app_creds: AppCreds) -> None:
    assert [r["id"] for r in get(server, app_creds, "/3/search/movie", query="fight", year=1999).json()["results"]] == (
        expected_search("movie", "fight", year=1999)
    )
    assert 550 in expected_search("movie", "fight", year=1999)
    for params in ({"year": "2000"}, {"primary_release_year": "2000"}):
        ids = [r["id"] for r in get(server, app_creds, "/3/search/movie", query="fight", **params).json()["results"]]
        assert 550 not in ids and ids == expected_search("movie", "fight", year=2000)
    tv = get(server, app_creds, "/3/search/tv", query="game of", first_air_date_year="2011").json()
    assert [r["id"] for r in tv["results"]] == expected_search("tv", "game of", year=2011)
    assert 1399 in [r["id"] for r in tv["results"]]
    assert 1399 not in [
        r["id"] for r in get(server, app_creds, "/3/search/tv", query="game of", year="2012").json()["results"]
    ]
    for path in ("/3/search/movie", "/3/search/tv"):
        response = get(server, app_creds, path, query="the", year="nineteen")
        assert response.status_code == 422
        body = response.json()
        assert (body["success"], body["status_code"]) == (False, 5)
        assert body["status_message"] == "Invalid parameters: Your request parameters are incorrect."


def test_search_tv(server: LiveServer, app_creds: AppCreds) -> None:
    body = get(server, app_creds, "/3/search/tv", query="Game of Thrones").json()
    assert [result["id"] for result in body["results"]] == expected_search("tv", "game of thrones")
    show = next(result for result in body["results"] if result["id"] == 1399)
    assert set(show) == TV_RESULT_KEYS
    assert (show["name"], show["first_air_date"], show["origin_country"]) == ("Game of Thrones", "2011-04-17", ["US"])
    expected = expected_search("tv", "the")
    page2 = get(server, app_creds, "/3/search/tv", query="THE", page=2).json()
    assert page2["total_results"] == len(expected)
    assert [result["id"] for result in page2["results"]] == expected[20:40]


def test_search_include_adult(server: LiveServer, app_creds: AppCreds) -> None:
    # A synthetic adult title (ids above 10,000,000 are never real), removed again afterwards.
    adult_title = "Synthetic test title, adult"
    adult = {"media_type": "movie", "id": 10_000_777, "title": adult_title}

    async def add() -> None:
        async with server.services.db.write() as conn:
            await conn.run(
                titles.insert().values(
                    **adult,
                    original_title=adult_title,
                    title_key=adult_title.lower(),
                    adult=True,
                    popularity=5.0,
                    updated_at=server.clock.now(),
                )
            )

    async def remove() -> None:
        async with server.services.db.write() as conn:
            await conn.run(delete(titles).where(titles.c.media_type == "movie", titles.c.id == adult["id"]))

    server.call(add())
    try:
        for params in ({}, {"include_adult": "false"}, {"include_adult": "nonsense"}):
            body = get(server, app_creds, "/3/search/movie", query="synthetic test title", **params).json()
            assert body == EMPTY_PAGE, params
        for value in ("true", "TRUE", "1"):
            body = get(server, app_creds, "/3/search/movie", query="synthetic test title", include_adult=value).json()
            assert [(r["id"], r["adult"]) for r in body["results"]] == [(adult["id"], True)]
        # Most popular first: the popularity-5 title leads a search it shares with popularity-0 ones.
        mixed = get(server, app_creds, "/3/search/movie", query="title", include_adult="true").json()
        assert mixed["results"][0]["id"] == adult["id"]
        assert [r["id"] for r in mixed["results"][1:]] == expected_search("movie", "title")[:19]
        # Details do not filter adult titles.
        assert get(server, app_creds, f"/3/movie/{adult['id']}").json()["adult"] is True
    finally:
        server.call(remove())


# --- reference data ------------------------------------------------------------------------------------
def test_reference_endpoints(server: LiveServer, app_creds: AppCreds) -> None:
    config = get(server, app_creds, "/3/configuration").json()
    assert set(config) == {"change_keys", "images"}
    assert config["images"]["secure_base_url"] == "https://image.tmdb.org/t/p/"
    assert config["images"]["base_url"] == "http://image.tmdb.org/t/p/"
    assert "w500" in config["images"]["poster_sizes"] and "original" in config["images"]["backdrop_sizes"]
    assert set(config["images"]) == {
        "base_url", "secure_base_url", "backdrop_sizes", "logo_sizes", "poster_sizes", "profile_sizes", "still_sizes"
    }  # fmt: skip
    languages = get(server, app_creds, "/3/configuration/languages").json()
    assert {"iso_639_1": "en", "english_name": "English", "name": "English"} in languages
    assert all(set(entry) == {"iso_639_1", "english_name", "name"} for entry in languages)
    countries = get(server, app_creds, "/3/configuration/countries").json()
    assert {"iso_3166_1": "US", "english_name": "United States", "native_name": "United States"} in countries
    timezones = get(server, app_creds, "/3/configuration/timezones").json()
    assert all(set(entry) == {"iso_3166_1", "zones"} for entry in timezones)
    assert "Europe/Paris" in next(entry["zones"] for entry in timezones if entry["iso_3166_1"] == "FR")
    jobs = get(server, app_creds, "/3/configuration/jobs").json()
    assert {"department": "Directing", "jobs": next(j for d, j in _jobs() if d == "Directing")} in jobs
    assert "en-US" in get(server, app_creds, "/3/configuration/primary_translations").json()
    movie_genres = get(server, app_creds, "/3/genre/movie/list", language="en").json()
    assert movie_genres == {"genres": reference.movie_genres()}
    assert {"id": 878, "name": "Science Fiction"} in movie_genres["genres"]
    tv_genres = get(server, app_creds, "/3/genre/tv/list").json()
    assert tv_genres == {"genres": reference.tv_genres()}
    assert {"id": 10765, "name": "Sci-Fi & Fantasy"} in tv_genres["genres"]


def _jobs() -> list[tuple[str, list[str]]]:
    return [(entry["department"], entry["jobs"]) for entry in reference.jobs()]


# --- credentials ------------------------------------------------------------------------------------------
ROUTES = [
    "/3/movie/550",
    "/3/tv/1399",
    "/3/search/movie?query=fight",
    "/3/search/tv?query=game",
    "/3/configuration",
    "/3/configuration/languages",
    "/3/configuration/countries",
    "/3/configuration/timezones",
    "/3/configuration/jobs",
    "/3/configuration/primary_translations",
    "/3/genre/movie/list",
    "/3/genre/tv/list",
]


def test_every_route_needs_app_credentials(server: LiveServer, app_creds: AppCreds, alice: users.Account) -> None:
    user_token = server.sign_in(alice, app_creds)
    for route in ROUTES:
        for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic abc"}):
            response = server.client.get(route, headers=headers)
            assert response.status_code == 401, (route, headers)
            assert response.json() == INVALID_KEY
        wrong_key = server.client.get(route, params={"api_key": "0" * 32})
        assert wrong_key.status_code == 401 and wrong_key.json() == INVALID_KEY
        for ok in (
            server.client.get(route, headers=app_creds.headers),
            server.client.get(route, headers=bearer(user_token)),
            server.client.get(route, params={"api_key": app_creds.app.api_key}),
        ):
            assert ok.status_code == 200, (route, ok.text)
    # Credentials are checked first: an unknown id, a bad page or too many appends still answer 401.
    for route in ("/3/movie/0", "/3/tv/abc", "/3/search/movie?query=x&page=0", "/3/search/tv?year=x&query=x"):
        assert server.client.get(route).json() == INVALID_KEY, route
    too_many = ",".join(f"a{n}" for n in range(30))
    assert server.client.get("/3/movie/550", params={"append_to_response": too_many}).json() == INVALID_KEY
