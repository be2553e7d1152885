"""Title parts over real HTTP on both engines: detail objects imported with their parts and read back
through every route and every append name (the same answer either way), empty shapes for a known
title with nothing on file, 404 / 34 for an unknown one, find by external id, similar and
recommendations computed from the catalog's own data.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from filmshelf.accounts.recommendations import content_words
from filmshelf.api.v3.titles import APPENDS
from filmshelf.catalog import popularity, similar
from tests.accounts.support import sign_in_v3
from tests.api.v3.catalog_support import SAMPLE_MOVIES, SYNTHETIC, imported, write_lines
from tests.conftest import AppCreds, LiveServer

MOVIE_ID, SHOW_ID = SYNTHETIC + 20, SYNTHETIC + 21
PERSON = {
    "adult": False,
    "gender": 2,
    "known_for_department": "Acting",
    "original_name": "Synthetic Person",
    "popularity": 26.99,
    "profile_path": "/person.jpg",
}
IMAGE = {"aspect_ratio": 1.778, "height": 800, "iso_639_1": None, "vote_average": 5.6, "vote_count": 20, "width": 1422}
PROVIDERS = {
    "US": {
        "link": "https://example.invalid/watch",
        "flatrate": [{"logo_path": "/l.jpg", "provider_id": 8, "provider_name": "Streamer", "display_priority": 1}],
        "rent": [{"logo_path": "/r.jpg", "provider_id": 2, "provider_name": "Renter", "display_priority": 4}],
    }
}
VIDEOS = {
    "results": [
        {"iso_639_1": "en", "iso_3166_1": "US", "name": "Official Trailer", "key": "trailer1", "site": "YouTube",
         "size": 1080, "type": "Trailer", "official": True, "published_at": "2016-03-05T02:03:14.000Z", "id": "v1"},
        {"iso_639_1": "en", "iso_3166_1": "US", "name": "Teaser", "key": "teaser1", "site": "YouTube",
         "size": 480, "type": "Teaser", "official": False, "published_at": "2015-01-01T00:00:00.000Z", "id": "v2"},
        {"iso_639_1": "en", "iso_3166_1": "US", "name": "Old trailer", "key": "old1", "site": "YouTube",
         "size": 480, "type": "Trailer", "official": False, "published_at": "2010-01-01T00:00:00.000Z", "id": "v3"},
    ]
}  # fmt: skip

MOVIE_DETAIL: dict[str, Any] = {
    "id": MOVIE_ID,
    "title": "Synthetic Club",
    "original_title": "Synthetic Club",
    "imdb_id": "tt9990001",
    "genres": [{"id": 18, "name": "Drama"}],
    "overview": "An insomniac office clerk and a soap maker start an underground club.",
    "popularity": 4.0,
    "release_date": "1999-10-15",
    "vote_average": 8.4,
    "vote_count": 100,
    "credits": {
        "id": MOVIE_ID,
        "cast": [
            {**PERSON, "id": 819, "name": "Ed", "cast_id": 4, "character": "Narrator", "credit_id": "c1", "order": 0}
        ],
        "crew": [
            {**PERSON, "id": 7467, "name": "Dee", "credit_id": "c2", "department": "Directing", "job": "Director"}
        ],
    },
    "images": {
        "backdrops": [{**IMAGE, "file_path": "/backdrop.jpg"}],
        "logos": [],
        "posters": [{**IMAGE, "file_path": "/poster.jpg", "iso_639_1": "en"}],
    },
    "videos": VIDEOS,
    "keywords": {"keywords": [{"id": 825, "name": "support group"}, {"id": 818, "name": "based on novel"}]},
    "external_ids": {
        "imdb_id": "tt9990001",
        "wikidata_id": "Q9990001",
        "facebook_id": "SyntheticClub",
        "instagram_id": None,
        "twitter_id": None,
    },
    "release_dates": {
        "results": [
            {
                "iso_3166_1": "US",
                "release_dates": [
                    {
                        "certification": "R",
                        "descriptors": [],
                        "iso_639_1": "",
                        "note": "",
                        "release_date": "1999-10-15T00:00:00.000Z",
                        "type": 3,
                    }
                ],
            }
        ]
    },
    "alternative_titles": {"titles": [{"iso_3166_1": "RS", "title": "Sintetički klub", "type": ""}]},
    "translations": {
        "translations": [
            {
                "iso_3166_1": "DE",
                "iso_639_1": "de",
                "name": "Deutsch",
                "english_name": "German",
                "data": {"homepage": "", "overview": "Ein Club.", "runtime": 139, "tagline": "", "title": "Klub"},
            }
        ]
    },
    "watch/providers": {"results": PROVIDERS},
}

SHOW_DETAIL: dict[str, Any] = {
    "id": SHOW_ID,
    "name": "Synthetic Thrones",
    "original_name": "Synthetic Thrones",
    "genres": [{"id": 10765, "name": "Sci-Fi & Fantasy"}, {"id": 18, "name": "Drama"}],
    "first_air_date": "2011-04-17",
    "last_air_date": "2019-05-19",
    "next_episode_to_air": None,
    "origin_country": ["US"],
    "popularity": 9.0,
    "credits": {
        "cast": [{**PERSON, "id": 22970, "name": "Pete", "character": "Tyrion", "credit_id": "t1", "order": 0}],
        "crew": [{**PERSON, "id": 9813, "name": "Dan", "credit_id": "t2", "department": "Writing", "job": "Writer"}],
    },
    "images": {"backdrops": [], "logos": [{**IMAGE, "file_path": "/logo.png"}], "posters": []},
    "videos": {"results": VIDEOS["results"][:1]},
    "keywords": {"results": [{"id": 4152, "name": "kingdom"}]},
    "external_ids": {
        "imdb_id": "tt9990002",
        "freebase_mid": "/m/synthetic",
        "freebase_id": "/en/synthetic",
        "tvdb_id": 9990002,
        "tvrage_id": 24493,
        "wikidata_id": "Q9990002",
        "facebook_id": None,
        "instagram_id": "syntheticthrones",
        "twitter_id": None,
    },
    "content_ratings": {"results": [{"descriptors": [], "iso_3166_1": "US", "rating": "TV-MA"}]},
    "alternative_titles": {"results": [{"iso_3166_1": "AR", "title": "Juego Sintético", "type": ""}]},
    "translations": {
        "translations": [
            {
                "iso_3166_1": "FR",
                "iso_639_1": "fr",
                "name": "Français",
                "english_name": "French",
                "data": {"name": "Trônes", "overview": "Une série.", "homepage": "", "tagline": ""},
            }
        ]
    },
    "watch/providers": {"results": PROVIDERS},
}


def get(server: LiveServer, creds: AppCreds, path: str, **params: Any) -> Any:
    response = server.client.get(path, headers=creds.headers, params=params)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def without_id(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "id"}


# Append names that are no route of their own (legacy names).
NO_ROUTE = {"casts", "trailers"}


def check_append_equals_route(server: LiveServer, creds: AppCreds, media_type: str, media_id: int) -> dict[str, Any]:
    """Every append name of `media_type` answers what its route answers (without `id`); return the appends."""
    names = sorted(APPENDS[media_type])
    assert len(names) <= 20
    details = get(server, creds, f"/3/{media_type}/{media_id}", append_to_response=",".join(names))
    for name in names:
        assert name in details, name
        if name in NO_ROUTE:
            continue
        route = get(server, creds, f"/3/{media_type}/{media_id}/{name}")
        if "id" in route:
            assert route["id"] == media_id, name
        assert details[name] == without_id(route), name
    return {name: details[name] for name in names}


def test_imported_parts_read_back(server: LiveServer, app_creds: AppCreds, tmp_path: Path) -> None:
    with imported(server, tmp_path, [MOVIE_DETAIL, SHOW_DETAIL]) as counts:
        assert (counts.added, counts.updated, counts.skipped) == (2, 0, 0)
        movie = get(server, app_creds, f"/3/movie/{MOVIE_ID}")
        assert (movie["imdb_id"], movie["vote_average"], movie["vote_count"]) == ("tt9990001", 8.4, 100)
        for name in ("credits", "images", "videos", "keywords", "release_dates", "alternative_titles", "translations"):
            expected = {**without_id(MOVIE_DETAIL[name]), "id": MOVIE_ID}
            assert get(server, app_creds, f"/3/movie/{MOVIE_ID}/{name}") == expected, name
        assert get(server, app_creds, f"/3/movie/{MOVIE_ID}/external_ids") == {
            **MOVIE_DETAIL["external_ids"],
            "id": MOVIE_ID,
        }
        assert get(server, app_creds, f"/3/movie/{MOVIE_ID}/watch/providers") == {"id": MOVIE_ID, "results": PROVIDERS}
        appends = check_append_equals_route(server, app_creds, "movie", MOVIE_ID)
        # Legacy names: `casts` is `credits`; `trailers` lists the YouTube trailers of `videos`.
        assert appends["casts"] == without_id(MOVIE_DETAIL["credits"])
        assert appends["trailers"] == {
            "quicktime": [],
            "youtube": [
                {"name": "Official Trailer", "size": "HD", "source": "trailer1", "type": "Trailer"},
                {"name": "Old trailer", "size": "Standard", "source": "old1", "type": "Trailer"},
            ],
        }

        show = get(server, app_creds, f"/3/tv/{SHOW_ID}")
        assert show["last_air_date"] == "2019-05-19"
        for name in ("credits", "images", "videos", "content_ratings", "translations"):
            assert get(server, app_creds, f"/3/tv/{SHOW_ID}/{name}") == {**SHOW_DETAIL[name], "id": SHOW_ID}, name
        # TV keywords and alternative titles are `results`, as TMDB names them for TV.
        assert get(server, app_creds, f"/3/tv/{SHOW_ID}/keywords") == {**SHOW_DETAIL["keywords"], "id": SHOW_ID}
        assert get(server, app_creds, f"/3/tv/{SHOW_ID}/alternative_titles") == {
            **SHOW_DETAIL["alternative_titles"],
            "id": SHOW_ID,
        }
        assert get(server, app_creds, f"/3/tv/{SHOW_ID}/external_ids") == {**SHOW_DETAIL["external_ids"], "id": SHOW_ID}
        # No aggregate_credits on file: built from credits, one role or job each, episode counts unknown.
        aggregate = get(server, app_creds, f"/3/tv/{SHOW_ID}/aggregate_credits")
        assert aggregate["id"] == SHOW_ID
        assert aggregate["cast"][0]["roles"] == [{"credit_id": "t1", "character": "Tyrion", "episode_count": 0}]
        assert aggregate["crew"][0]["jobs"] == [{"credit_id": "t2", "job": "Writer", "episode_count": 0}]
        assert aggregate["crew"][0]["department"] == "Writing"
        check_append_equals_route(server, app_creds, "tv", SHOW_ID)

        # /3/find by every source the titles carry; results carry media_type.
        for source, value, bucket, media_id in (
            ("imdb_id", "tt9990001", "movie_results", MOVIE_ID),
            ("wikidata_id", "Q9990001", "movie_results", MOVIE_ID),
            ("facebook_id", "SyntheticClub", "movie_results", MOVIE_ID),
            ("imdb_id", "tt9990002", "tv_results", SHOW_ID),
            ("tvdb_id", "9990002", "tv_results", SHOW_ID),
            ("instagram_id", "syntheticthrones", "tv_results", SHOW_ID),
        ):
            found = get(server, app_creds, f"/3/find/{value}", external_source=source)
            assert set(found) == {"movie_results", "person_results", "tv_results", "tv_episode_results",
                                  "tv_season_results"}  # fmt: skip
            assert [r["id"] for r in found[bucket]] == [media_id], (source, value)
            assert found[bucket][0]["media_type"] == bucket.split("_")[0]
            assert sum(len(found[key]) for key in found) == 1
        nothing = get(server, app_creds, "/3/find/tt0000000", external_source="imdb_id")
        assert all(found == [] for found in nothing.values())
        # An id of one source is not found under another.
        assert get(server, app_creds, "/3/find/tt9990001", external_source="wikidata_id")["movie_results"] == []
        for params in ({}, {"external_source": "myspace_id"}):
            response = server.client.get("/3/find/tt9990001", headers=app_creds.headers, params=params)
            assert (response.status_code, response.json()["status_code"]) == (422, 5)

        # Importing the same file again changes nothing; a changed part is one update; an export
        # line (no parts) keeps the parts on file.
        again = tmp_path / "again.json.gz"
        write_lines(again, [MOVIE_DETAIL, SHOW_DETAIL])
        from filmshelf.catalog import importer

        repeat = server.call(importer.import_files(server.services.db, [again], now=server.clock.now()))
        assert (repeat.added, repeat.updated, repeat.unchanged) == (0, 0, 2)
        changed = copy.deepcopy(MOVIE_DETAIL)
        changed["credits"]["cast"][0]["character"] = "The Narrator"
        changed.pop("imdb_id")
        export = {"id": MOVIE_ID, "original_title": "Synthetic Club", "popularity": 4.0, "adult": False}
        write_lines(again, [changed, export])
        second = server.call(importer.import_files(server.services.db, [again], now=server.clock.now()))
        assert (second.added, second.updated, second.unchanged) == (0, 1, 1)
        credits = get(server, app_creds, f"/3/movie/{MOVIE_ID}/credits")
        assert credits["cast"][0]["character"] == "The Narrator"
        assert get(server, app_creds, f"/3/movie/{MOVIE_ID}")["imdb_id"] == "tt9990001"


def test_known_title_has_empty_shapes_and_unknown_is_404(server: LiveServer, app_creds: AppCreds) -> None:
    empty_page = {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
    expected: dict[str, dict[str, Any]] = {
        "credits": {"cast": [], "crew": []},
        "images": {"backdrops": [], "logos": [], "posters": []},
        "videos": {"results": []},
        "translations": {"translations": []},
        "watch/providers": {"results": {}},
        "reviews": empty_page,
        "lists": empty_page,
        "changes": {"changes": []},
    }
    movie_only: dict[str, dict[str, Any]] = {
        "keywords": {"keywords": []},
        "alternative_titles": {"titles": []},
        "release_dates": {"results": []},
        "external_ids": dict.fromkeys(("imdb_id", "wikidata_id", "facebook_id", "instagram_id", "twitter_id")),
    }
    tv_only: dict[str, dict[str, Any]] = {
        "keywords": {"results": []},
        "alternative_titles": {"results": []},
        "content_ratings": {"results": []},
        "aggregate_credits": {"cast": [], "crew": []},
        "episode_groups": {"results": []},
        "screened_theatrically": {"results": []},
        "external_ids": dict.fromkeys(
            ("imdb_id", "freebase_mid", "freebase_id", "tvdb_id", "tvrage_id", "wikidata_id", "facebook_id",
             "instagram_id", "twitter_id")
        ),
    }  # fmt: skip
    cases: tuple[tuple[str, int, dict[str, dict[str, Any]]], ...] = (
        ("movie", 550, movie_only),
        ("tv", 1399, tv_only),
    )
    for media_type, media_id, own in cases:
        for name, shape in {**expected, **own}.items():
            body = get(server, app_creds, f"/3/{media_type}/{media_id}/{name}")
            # TMDB's changes route has no id; every other part route carries the title's.
            assert body == (shape if name == "changes" else {**shape, "id": media_id}), (media_type, name)
        appends = check_append_equals_route(server, app_creds, media_type, media_id)
        assert appends["credits"] == {"cast": [], "crew": []}
        routes = sorted({*APPENDS[media_type]} - NO_ROUTE)
        for name in routes:
            for missing in (SYNTHETIC + 99, "abc", 0):
                response = server.client.get(f"/3/{media_type}/{missing}/{name}", headers=app_creds.headers)
                assert (response.status_code, response.json()["status_code"]) == (404, 34), (name, missing)
        for paged in ("similar", "recommendations", "reviews", "lists"):
            response = server.client.get(
                f"/3/{media_type}/{media_id}/{paged}", headers=app_creds.headers, params={"page": "0"}
            )
            assert (response.status_code, response.json()["status_code"]) == (400, 22)
    # The movie id is not a TV id: the media type is part of the key.
    response = server.client.get("/3/tv/550/credits", headers=app_creds.headers)
    assert response.status_code == 404


def expected_similar(
    source_id: int, *, fans: dict[int, float] | None = None, activity: dict[int, float] | None = None
) -> list[int]:
    """similar / recommendations of a sample movie, computed from the sample file alone.

    `activity` adds to the seed popularity of some titles (the tie-break and candidate order).
    """
    lines = {
        media_id: {**line, "popularity": line["popularity"] + (activity or {}).get(media_id, 0.0)}
        for media_id, line in SAMPLE_MOVIES.items()
    }
    source = lines[source_id]

    def features(line: dict[str, Any]) -> similar.Features:
        return similar.Features(
            genres=frozenset(line["genre_ids"]), keywords=frozenset(), words=content_words(line["overview"])
        )

    sharing = [
        line for i, line in lines.items() if i != source_id and set(line["genre_ids"]) & set(source["genre_ids"])
    ]
    sharing.sort(key=lambda line: (line["popularity"], line["id"]), reverse=True)
    candidates = {line["id"]: line for line in sharing[: similar.CANDIDATES]}
    for other in fans or {}:
        candidates.setdefault(other, lines[other])
    scores = {
        i: similar.content_score(features(source), features(line)) + (fans or {}).get(i, 0.0)
        for i, line in candidates.items()
    }
    return similar.rank(scores, {i: line["popularity"] for i, line in candidates.items()})


def test_similar_and_recommendations(server: LiveServer, app_creds: AppCreds, alice: Any, tmp_path: Path) -> None:
    # Fight Club (Drama): the sample's dramas, by genre and overview-word overlap.
    expected = expected_similar(550)
    for page in (1, 2):
        body = get(server, app_creds, "/3/movie/550/similar", page=page)
        assert [r["id"] for r in body["results"]] == expected[(page - 1) * 20 : page * 20]
        assert body["total_results"] == len(expected)
        assert all("media_type" not in r for r in body["results"])
    # With no fans on file, recommendations order like similar (and carry media_type).
    recommended = get(server, app_creds, "/3/movie/550/recommendations")
    assert [r["id"] for r in recommended["results"]] == expected[:20]
    assert {r["media_type"] for r in recommended["results"]} == {"movie"}
    # A fan of Fight Club who also likes Toy Story (no shared genre) brings it in.
    user = sign_in_v3(server, alice, app_creds)
    for movie in (550, 862):
        response = server.client.post(
            f"/3/account/{user.account.id}/favorite",
            headers=user.creds.headers,
            params=user.params,
            json={"media_type": "movie", "media_id": movie, "favorite": True},
        )
        assert response.status_code == 201
    # (Each favorite also counts as activity: popularity, the tie-break, moves for both titles.)
    moved = {550: popularity.FAVORITE_POINTS, 862: popularity.FAVORITE_POINTS}
    with_fans = expected_similar(550, fans={862: 1.0}, activity=moved)
    assert 862 in with_fans[:20] and 862 not in expected
    assert [r["id"] for r in get(server, app_creds, "/3/movie/550/recommendations")["results"]] == with_fans[:20]
    assert [r["id"] for r in get(server, app_creds, "/3/movie/550/similar")["results"]] == expected_similar(
        550, activity=moved
    )[:20]

    # Shared keywords rank a title above an otherwise equal one.
    def line(offset: int, keywords: list[int]) -> dict[str, Any]:
        return {
            "id": SYNTHETIC + offset,
            "title": f"Synthetic Kin {offset}",
            "original_title": f"Synthetic Kin {offset}",
            "genre_ids": [10770],
            "overview": "",
            "popularity": 1.0,
            "keywords": {"keywords": [{"id": k, "name": f"k{k}"} for k in keywords]},
        }

    with imported(server, tmp_path, [line(30, [7001, 7002]), line(31, []), line(32, [7001])]):
        kin = get(server, app_creds, f"/3/movie/{SYNTHETIC + 30}/similar")
        assert [r["id"] for r in kin["results"][:2]] == [SYNTHETIC + 32, SYNTHETIC + 31]
        tv = get(server, app_creds, "/3/tv/1399/similar")
        assert tv["results"] and all("name" in r for r in tv["results"])
