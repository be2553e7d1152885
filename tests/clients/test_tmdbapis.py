"""A real TMDB client library, unchanged but for its base URL, against filmshelf (both engines).

tmdbapis 1.3.1 is the maintained Python client that covers v4 auth, account and lists
(`../shared/reference/clients.md`); it probes the server on start-up, loads the v3 reference data,
and checks every answer's shape, so a run through it is a check of wire fidelity.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.conftest import AppCreds, LiveServer


@pytest.fixture
def tmdbapis(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tmdbapis
        import tmdbapis.api3
        import tmdbapis.api4
    monkeypatch.setattr(tmdbapis.api3, "base_url", server.base_url + "/3")
    monkeypatch.setattr(tmdbapis.api4, "base_url", server.base_url + "/4")
    return tmdbapis


def test_sign_in_lists_and_logout_through_tmdbapis(
    tmdbapis: Any, server: LiveServer, app_creds: AppCreds, alice: Any
) -> None:
    tmdb = tmdbapis.TMDbAPIs(app_creds.app.api_key, v4_access_token=app_creds.read_token)
    assert any(language.iso_639_1 == "en" for language in tmdb._config.languages)
    url = tmdb.v4_authenticate()
    assert url.startswith("https://www.themoviedb.org/auth/access?request_token=")
    assert server.decide(url.split("request_token=", 1)[1], alice, app_creds)
    tmdb.v4_approved()
    assert tmdb.v4_account_id == alice.object_id

    fight_club = tmdb.movie(550)
    assert fight_club.title == "Fight Club" and fight_club.release_date.year == 1999
    created = tmdb.create_list("Made by tmdbapis", "en", description="through a real client")
    created.add_items([fight_club, (1399, "tv")])
    created.reload()
    assert [item.title if hasattr(item, "title") else item.name for item in created.results] == [
        "Fight Club",
        "Game of Thrones",
    ]
    assert created.total_results == 2 and created.has_item(fight_club)
    created.update_items([(fight_club, "watch again")])
    created.remove_items([fight_club])
    created.reload()
    assert created.total_results == 1 and not created.has_item(fight_club)
    created.delete()
    assert [movie.title for movie in tmdb.movie_search("matrix")][:1] == ["The Matrix"]

    access_token = tmdb.v4_access_token
    tmdb.logout()
    refused = server.client.post("/4/auth/request_token", headers={"Authorization": f"Bearer {access_token}"})
    assert refused.status_code == 401 and refused.json()["status_code"] == 35
