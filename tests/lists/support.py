"""Helpers shared by the list tests: synthetic catalog titles, users and expected wire shapes.

Synthetic titles use TMDB ids from SYNTHETIC_BASE up (far above any real TMDB id) and say so in
their names; the fixture deletes them again because PostgreSQL test runs share the titles table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import delete

from filmshelf.accounts.users import Account
from filmshelf.storage.tables import titles
from filmshelf.storage.upsert import upsert
from tests.conftest import AppCreds, LiveServer, bearer

SYNTHETIC_BASE = 1_900_000_000
PAGE = 20


@dataclass(frozen=True)
class Title:
    """A synthetic catalog title with the fields the list tests look at."""

    media_type: str
    id: int
    title: str
    release_date: str | None = "2001-01-01"
    vote_average: float = 5.0
    runtime: int | None = 100
    revenue: int | None = 1000
    vote_count: int = 10
    popularity: float = 1.5
    genre_ids: tuple[int, ...] = (18,)
    origin_country: tuple[str, ...] = ()
    poster_path: str | None = None
    backdrop_path: str | None = None

    @property
    def key(self) -> str:
        return f"{self.media_type}:{self.id}"

    def row(self, now: float) -> dict[str, Any]:
        """The `titles` row for this title."""
        return {
            "media_type": self.media_type,
            "id": self.id,
            "title": self.title,
            "original_title": self.title,
            "original_language": "en",
            "release_date": self.release_date,
            "genre_ids": "[" + ",".join(str(g) for g in self.genre_ids) + "]",
            "origin_country": "[" + ",".join(f'"{c}"' for c in self.origin_country) + "]",
            "overview": "Synthetic test title.",
            "popularity": self.popularity,
            "vote_average": self.vote_average,
            "vote_count": self.vote_count,
            # As an import stores them: the served figures above derive from these (a stats
            # refresh recomputes them from these; catalog/popularity.py).
            "imported_popularity": self.popularity,
            "imported_vote_average": self.vote_average,
            "imported_vote_count": self.vote_count,
            "rating_score": (self.vote_average * self.vote_count + 65.0) / (self.vote_count + 10),
            "adult": False,
            "video": False,
            "poster_path": self.poster_path,
            "backdrop_path": self.backdrop_path,
            "runtime": self.runtime,
            "revenue": self.revenue,
            "title_key": self.title.lower(),
            "updated_at": now,
        }

    def result(self) -> dict[str, Any]:
        """The object TMDB shows for this title inside a list's results."""
        common: dict[str, Any] = {
            "adult": False,
            "backdrop_path": self.backdrop_path,
            "genre_ids": list(self.genre_ids),
            "id": self.id,
            "original_language": "en",
            "overview": "Synthetic test title.",
            "popularity": self.popularity,
            "poster_path": self.poster_path,
            "vote_average": self.vote_average,
            "vote_count": self.vote_count,
            "media_type": self.media_type,
        }
        if self.media_type == "movie":
            return {
                **common,
                "original_title": self.title,
                "release_date": self.release_date or "",
                "title": self.title,
                "video": False,
            }
        return {
            **common,
            "origin_country": list(self.origin_country),
            "original_name": self.title,
            "first_air_date": self.release_date or "",
            "name": self.title,
        }


@dataclass
class Catalog:
    """Writes synthetic titles into the test database (through storage code) and removes them."""

    server: LiveServer
    added: set[tuple[str, int]] = field(default_factory=set)

    def add(self, items: list[Title]) -> list[Title]:
        rows = [t.row(self.server.clock.now()) for t in items]
        update = [c for c in rows[0] if c not in ("media_type", "id")]

        async def run() -> None:
            async with self.server.services.db.write() as conn:
                for start in range(0, len(rows), 1000):
                    await upsert(conn, titles, rows[start : start + 1000], key=["media_type", "id"], update=update)

        self.server.call(run())
        self.added.update((t.media_type, t.id) for t in items)
        return items

    def make(self, count: int, *, start: int = 0, media_type: str = "movie", **values: Any) -> list[Title]:
        """`count` synthetic titles numbered from `start`."""
        return self.add(
            [
                Title(media_type, SYNTHETIC_BASE + start + n, f"Synthetic probe {start + n:05d}", **values)
                for n in range(count)
            ]
        )

    def remove(self) -> None:
        async def run() -> None:
            async with self.server.services.db.write() as conn:
                await conn.run(delete(titles).where(titles.c.id >= SYNTHETIC_BASE))

        if self.added:
            self.server.call(run())


@pytest.fixture
def catalog(server: LiveServer) -> Iterator[Catalog]:
    """Synthetic titles for one test, removed afterwards."""
    cat = Catalog(server)
    try:
        yield cat
    finally:
        cat.remove()


@dataclass
class User:
    """A signed-in user: the account and its user access token (write scope)."""

    account: Account
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


@pytest.fixture
def owner(server: LiveServer, alice: Account, app_creds: AppCreds) -> User:
    """alice, signed in through alice's app."""
    return User(alice, server.sign_in(alice, app_creds))


@pytest.fixture
def other(server: LiveServer, app_creds: AppCreds) -> User:
    """bob, signed in through the same app."""
    bob = server.create_user("bob")
    return User(bob, server.sign_in(bob, app_creds))


def create_list(server: LiveServer, user: User, **body: Any) -> int:
    """POST /4/list and return the new id."""
    payload = {"name": "My list", "iso_639_1": "en", **body}
    response = server.client.post("/4/list", headers=user.headers, json=payload)
    assert response.status_code == 201, response.text
    list_id: int = response.json()["id"]
    return list_id


def add_items(server: LiveServer, user: User, list_id: int, items: list[Title]) -> dict[str, Any]:
    """POST the items (in chunks of 1000) and return the last answer."""
    body: dict[str, Any] = {}
    for start in range(0, len(items), 1000):
        chunk = items[start : start + 1000]
        payload = {"items": [{"media_type": t.media_type, "media_id": t.id} for t in chunk]}
        response = server.client.post(f"/4/list/{list_id}/items", headers=user.headers, json=payload)
        assert response.status_code == 200, response.text
        body = response.json()
        assert all(r["success"] for r in body["results"]), body
    return body


def average(votes: list[float]) -> float:
    """TMDB-style mean of vote averages (3 decimals, 0 for none), computed for the tests."""
    return round(round(sum(votes), 3) / len(votes), 3) if votes else 0.0
