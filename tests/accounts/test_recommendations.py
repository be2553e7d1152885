"""Recommendations: the pure ranking rules, and the v4 routes over real HTTP on both engines."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from filmshelf.accounts import recommendations as rec
from filmshelf.accounts import users
from filmshelf.storage import records
from filmshelf.storage.tables import titles
from tests.accounts.support import BASE_ID, Title, V3User, catalog, sign_in_v3
from tests.conftest import AppCreds, LiveServer

ANIMATION, FAMILY, COMEDY, FANTASY, DRAMA, SCIFI = 16, 10751, 35, 14, 18, 878

# Three animated films the user loves.
LOVED = [
    Title("movie", BASE_ID + 301, "Paper Lantern", (ANIMATION, FAMILY), overview="A paper lantern drifts home."),
    Title("movie", BASE_ID + 302, "Clockwork Fox", (ANIMATION, COMEDY), overview="A clockwork fox outwits hunters."),
    Title("movie", BASE_ID + 303, "Moon Kite", (ANIMATION, FANTASY), overview="A girl flies a kite to the moon."),
]
# Animated films not yet seen.
ANIMATED = [
    Title("movie", BASE_ID + 311 + i, f"Animated {i}", genres, popularity=float(i))
    for i, genres in enumerate(
        [(ANIMATION,), (ANIMATION, FAMILY), (ANIMATION, DRAMA), (ANIMATION, SCIFI), (ANIMATION, COMEDY, FAMILY)]
    )
]
# Titles sharing no genre with the loved films, and more popular than anything else in the catalog.
UNRELATED = [
    Title("movie", BASE_ID + 321 + i, f"Unrelated {i}", (genre,), popularity=1e9 - i, vote_count=100)
    for i, genre in enumerate([27, 80, 53, 10752, 37, 99])
]
SHOWS = [
    Title("tv", BASE_ID + 331, "Loved cartoon", (ANIMATION, COMEDY)),
    Title("tv", BASE_ID + 332, "Another cartoon", (ANIMATION,)),
    Title("tv", BASE_ID + 333, "Cop show", (80,), popularity=1e9),
]


@pytest.fixture
def titles_in_catalog(server: LiveServer) -> Any:
    with catalog(server, LOVED + ANIMATED + UNRELATED + SHOWS):
        yield


def recommended(server: LiveServer, user: V3User, media_type: str = "movie") -> list[dict[str, Any]]:
    """Every page of the user's recommendations."""
    results: list[dict[str, Any]] = []
    page = 1
    while True:
        response = server.client.get(
            f"/4/account/{user.account.object_id}/{media_type}/recommendations",
            headers=user.v4,
            params={"page": str(page)},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["page"] == page
        results.extend(body["results"])
        if page >= body["total_pages"]:
            assert len(results) == body["total_results"]
            return results
        assert len(body["results"]) == 20
        page += 1


def rate(server: LiveServer, user: V3User, title: Title, value: float) -> None:
    response = server.client.post(
        f"/3/{title.media_type}/{title.id}/rating",
        headers=user.creds.headers,
        params=user.params,
        json={"value": value},
    )
    assert response.status_code == 201, response.text


def mark(server: LiveServer, user: V3User, kind: str, title: Title) -> None:
    response = server.client.post(
        f"/3/account/{user.account.id}/{kind}",
        headers=user.creds.headers,
        params=user.params,
        json={"media_type": title.media_type, "media_id": title.id, kind: True},
    )
    assert response.status_code == 201, response.text


def count_titles(server: LiveServer, media_type: str) -> int:
    async def run() -> int:
        async with server.services.db.read() as conn:
            stmt = select(func.count()).select_from(titles).where(titles.c.media_type == media_type)
            return int(await conn.scalar(stmt))

    return server.call(run())


# --- over HTTP -----------------------------------------------------------------------------------
def test_rating_animation_highly_ranks_animation_first(
    server: LiveServer, app_creds: AppCreds, alice: users.Account, titles_in_catalog: None
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    # Without signals the unrelated (most popular) titles lead.
    before = [r["id"] for r in recommended(server, user)[: len(UNRELATED)]]
    assert before == [t.id for t in UNRELATED]

    for title, value in zip(LOVED, (9.5, 10, 9), strict=True):
        rate(server, user, title, value)
    results = recommended(server, user)
    ranked = [r["id"] for r in results]
    assert results[0]["media_type"] == "movie"
    assert ANIMATION in results[0]["genre_ids"]
    # Every unseen animated film is recommended; the rated ones are not.
    assert {t.id for t in ANIMATED} <= set(ranked)
    assert not {t.id for t in LOVED} & set(ranked)
    # Animation is ranked above every unrelated title (which drop out entirely).
    last_animated = max(ranked.index(t.id) for t in ANIMATED)
    unrelated_positions = [ranked.index(t.id) for t in UNRELATED if t.id in ranked]
    assert all(position > last_animated for position in unrelated_positions)
    assert all(ANIMATION in r["genre_ids"] for r in results[:5])
    # Among our own animated films, the pure-animation one fits a pure-animation profile best,
    # and a film sharing two loved genres beats one that adds an unloved genre.
    ours = [i for i in ranked if i in {t.id for t in ANIMATED}]
    assert ours.index(ANIMATED[4].id) < ours.index(ANIMATED[2].id)
    assert ours.index(ANIMATED[0].id) < ours.index(ANIMATED[3].id)


def test_recommendations_are_deterministic(
    server: LiveServer, app_creds: AppCreds, alice: users.Account, titles_in_catalog: None
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    twin = sign_in_v3(server, server.create_user("twin"), app_creds)
    for who in (user, twin):
        rate(server, who, LOVED[0], 8)
        mark(server, who, "favorite", LOVED[1])
        mark(server, who, "watchlist", LOVED[2])
    first = recommended(server, user)
    assert len(first) > 5
    assert recommended(server, user) == first
    # The same state for another account gives the same order.
    assert recommended(server, twin) == first


def test_marked_titles_leave_the_recommendations(
    server: LiveServer, app_creds: AppCreds, alice: users.Account, titles_in_catalog: None
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    rate(server, user, LOVED[0], 10)
    before = [r["id"] for r in recommended(server, user)]
    assert ANIMATED[1].id in before and ANIMATED[4].id in before
    mark(server, user, "watchlist", ANIMATED[1])
    mark(server, user, "favorite", ANIMATED[4])
    after = [r["id"] for r in recommended(server, user)]
    assert ANIMATED[1].id not in after and ANIMATED[4].id not in after
    # The watchlisted / favorited films now count as signals as well, and nothing else vanished.
    assert set(before) - {ANIMATED[1].id, ANIMATED[4].id} <= set(after)


def test_no_signal_falls_back_to_popular_titles(
    server: LiveServer, app_creds: AppCreds, alice: users.Account, titles_in_catalog: None
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    movies = recommended(server, user)
    assert len(movies) == count_titles(server, "movie")
    assert [r["id"] for r in movies[: len(UNRELATED)]] == [t.id for t in UNRELATED]
    keys = [(-r["popularity"], -r["vote_count"], r["id"]) for r in movies]
    assert keys == sorted(keys)
    assert all(r["media_type"] == "movie" for r in movies)
    shows = recommended(server, user, "tv")
    assert shows[0]["id"] == SHOWS[2].id and len(shows) == count_titles(server, "tv")

    # Only dislikes: no positive genre, so popular titles again, minus what was rated.
    for title in UNRELATED[:3]:
        rate(server, user, title, 1)
    disliked = [r["id"] for r in recommended(server, user)]
    assert disliked[:3] == [t.id for t in UNRELATED[3:]]
    assert not {t.id for t in UNRELATED[:3]} & set(disliked)


def test_dislikes_push_a_genre_down(
    server: LiveServer, app_creds: AppCreds, alice: users.Account, titles_in_catalog: None
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    rate(server, user, LOVED[0], 10)
    dramatic = [
        Title("movie", BASE_ID + 341, "Sad film", (DRAMA,)),
        Title("movie", BASE_ID + 342, "Sadder film", (DRAMA, ANIMATION)),
    ]
    with catalog(server, dramatic):
        liked = [r["id"] for r in recommended(server, user)]
        # An animated drama is recommended while drama is merely unknown ...
        assert ANIMATED[2].id in liked and dramatic[1].id in liked
        rate(server, user, dramatic[0], 0.5)
        ranked = [r["id"] for r in recommended(server, user)]
    # ... and no longer once a drama was rated 0.5: the dislike outweighs the shared animation.
    assert ANIMATED[2].id not in ranked and dramatic[1].id not in ranked
    assert ANIMATED[0].id in ranked and ANIMATED[4].id in ranked


def test_tv_recommendations(
    server: LiveServer, app_creds: AppCreds, alice: users.Account, titles_in_catalog: None
) -> None:
    user = sign_in_v3(server, alice, app_creds)
    rate(server, user, SHOWS[0], 9)
    shows = recommended(server, user, "tv")
    ranked = [r["id"] for r in shows]
    assert ANIMATION in shows[0]["genre_ids"] and shows[0]["media_type"] == "tv"
    assert SHOWS[0].id not in ranked and SHOWS[2].id not in ranked
    assert SHOWS[1].id in ranked
    # TV signals say nothing about movies: those still fall back to popularity.
    assert [r["id"] for r in recommended(server, user)[: len(UNRELATED)]] == [t.id for t in UNRELATED]


# --- the pure rules ----------------------------------------------------------------------------------
def test_signal_weights() -> None:
    assert rec.signal_weight(rating=10, favorite=False, watchlist=False) == 1.0
    assert rec.signal_weight(rating=5.5, favorite=False, watchlist=False) == 0.0
    assert rec.signal_weight(rating=1, favorite=False, watchlist=False) == -1.0
    assert rec.signal_weight(rating=None, favorite=True, watchlist=True) == 1.5
    assert rec.signal_weight(rating=1, favorite=True, watchlist=False) == 0.0


def test_profile_and_ranking() -> None:
    signals = [
        rec.Signal(media_id=1, genre_ids=(16,), words=rec.content_words("A brave robot"), weight=1.0),
        rec.Signal(media_id=2, genre_ids=(16, 27), words=frozenset({"ghost"}), weight=-1.0),
    ]
    profile = rec.build_profile(signals)
    assert profile.genres[16] == pytest.approx(1 - 1 / 2**0.5)
    assert profile.genres[27] == pytest.approx(-1 / 2**0.5)
    assert profile.words == {"brave": 1.0, "robot": 1.0}  # dislikes add no words
    assert profile.top_genres() == [16]

    def candidate(media_id: int, genres: tuple[int, ...], popularity: float = 0, text: str = "") -> rec.Candidate:
        return rec.Candidate(media_id, genres, rec.content_words(text), popularity)

    ranked = rec.rank(
        profile,
        [
            candidate(10, (16, 27)),  # negative overall: dropped
            candidate(11, (16,), popularity=1),
            candidate(12, (16,), popularity=5),  # same score, more popular: first
            candidate(13, (16,), popularity=5),  # same score and popularity: lower id first
            candidate(14, (16,), text="A brave robot returns"),  # words lift it to the top
            candidate(15, (35,)),  # no shared genre: dropped
        ],
    )
    assert ranked == [14, 12, 13, 11]


def test_content_words_and_genres() -> None:
    assert rec.content_words("The Robots of the Moon, and their robots!") == frozenset({"robots", "moon"})
    assert records.decode_ints("[16, 35]") == (16, 35)
    assert records.decode_ints("not json") == ()
    assert records.decode_ints(None) == ()
