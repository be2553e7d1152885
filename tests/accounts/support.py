"""Helpers shared by the account, session and recommendation tests: titles of our own, v3 sessions."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import and_, delete, insert, or_

from filmshelf.accounts.users import Account
from filmshelf.catalog import popularity as stats
from filmshelf.storage.tables import titles
from filmshelf.storage.upsert import upsert
from tests.conftest import AppCreds, LiveServer

# Far above TMDB's ids, so they never collide with the sample catalog.
BASE_ID = 990_000_000


@dataclass(frozen=True)
class Title:
    """A catalog title inserted by a test."""

    media_type: str
    id: int
    title: str
    genres: tuple[int, ...]
    popularity: float = 1.0
    vote_average: float = 5.0
    vote_count: int = 10
    release_date: str = "2000-01-01"
    overview: str = ""

    def row(self, now: float) -> dict[str, Any]:
        """The `titles` row."""
        return {
            "media_type": self.media_type,
            "id": self.id,
            "title": self.title,
            "original_title": self.title,
            "original_language": "en",
            "release_date": self.release_date,
            "genre_ids": json.dumps(list(self.genres)),
            "origin_country": json.dumps(["US"] if self.media_type == "tv" else []),
            "overview": self.overview,
            # As an import stores them: the imported figures, and the served ones derived from them.
            "imported_popularity": self.popularity,
            "imported_vote_average": self.vote_average,
            "imported_vote_count": self.vote_count,
            "popularity": self.popularity,
            "vote_average": self.vote_average,
            "vote_count": self.vote_count,
            "rating_score": stats.served(
                imported_popularity=self.popularity,
                imported_vote_average=self.vote_average,
                imported_vote_count=self.vote_count,
            ).rating_score,
            "adult": False,
            "video": False,
            "poster_path": f"/p{self.id}.jpg",
            "backdrop_path": f"/b{self.id}.jpg",
            "runtime": 100 if self.media_type == "movie" else None,
            "revenue": 1000 if self.media_type == "movie" else None,
            "title_key": self.title.lower(),
            "updated_at": now,
        }


@contextmanager
def catalog(server: LiveServer, entries: Sequence[Title]) -> Iterator[None]:
    """Insert titles for one test and remove them afterwards (PostgreSQL shares `titles` per run)."""
    now = server.clock.now()
    columns = [name for name in entries[0].row(now) if name not in ("media_type", "id")]

    async def insert() -> None:
        async with server.services.db.write() as conn:
            await upsert(conn, titles, [t.row(now) for t in entries], key=["media_type", "id"], update=columns)

    async def remove() -> None:
        keys = or_(*(and_(titles.c.media_type == t.media_type, titles.c.id == t.id) for t in entries))
        async with server.services.db.write() as conn:
            await conn.run(delete(titles).where(keys))

    server.call(insert())
    try:
        yield
    finally:
        server.call(remove())


def convert(server: LiveServer, creds: AppCreds, access_token: str) -> httpx.Response:
    """POST /3/authentication/session/convert/4 with the app's read token."""
    return server.client.post(
        "/3/authentication/session/convert/4", headers=creds.headers, json={"access_token": access_token}
    )


@dataclass(frozen=True)
class V3User:
    """A signed-in user: v4 access token, v3 session, and the app both came from."""

    account: Account
    creds: AppCreds
    access_token: str
    session_id: str

    @property
    def params(self) -> dict[str, str]:
        """The `session_id` query parameter."""
        return {"session_id": self.session_id}

    @property
    def v4(self) -> dict[str, str]:
        """Authorization header with the user's access token."""
        return {"Authorization": f"Bearer {self.access_token}"}


def sign_in_v3(server: LiveServer, account: Account, creds: AppCreds) -> V3User:
    """v4 sign-in, then convert the access token into a v3 session."""
    access_token = server.sign_in(account, creds)
    response = convert(server, creds, access_token)
    assert response.status_code == 200, response.text
    return V3User(account=account, creds=creds, access_token=access_token, session_id=response.json()["session_id"])


def error_of(response: httpx.Response) -> tuple[int, int]:
    """(HTTP status, TMDB status_code) of an error answer, checking the envelope."""
    body = response.json()
    assert body["success"] is False, body
    assert isinstance(body["status_message"], str) and body["status_message"]
    return response.status_code, body["status_code"]


def insert_list(
    server: LiveServer,
    account: Account,
    *,
    name: str,
    public: bool = True,
    items: Sequence[Title] = (),
    sort_by: str = "original_order.asc",
) -> int:
    """Create a v4 list row (with items) directly in storage and return its id."""
    from filmshelf.storage.tables import list_items, lists

    now = server.clock.now()

    async def run() -> int:
        async with server.services.db.write() as conn:
            list_id = int(
                await conn.scalar(
                    insert(lists)
                    .values(
                        account_id=account.id,
                        name=name,
                        description=f"About {name}",
                        public=public,
                        iso_639_1="en",
                        iso_3166_1="US",
                        sort_by=sort_by,
                        created_at=now,
                        updated_at=now + 1,
                        item_count=len(items),
                        runtime=sum(100 for t in items if t.media_type == "movie"),
                        revenue=sum(1000 for t in items if t.media_type == "movie"),
                        vote_sum=sum(t.vote_average for t in items),
                    )
                    .returning(lists.c.id)
                )
            )
            for index, t in enumerate(items):
                await conn.run(
                    insert(list_items).values(
                        list_id=list_id,
                        media_type=t.media_type,
                        media_id=t.id,
                        object_id=f"{list_id:012x}{index:012x}",
                        created_at=now,
                        sort_title=t.title.lower(),
                        sort_date=t.release_date,
                        sort_vote=t.vote_average,
                        runtime=100 if t.media_type == "movie" else 0,
                        revenue=1000 if t.media_type == "movie" else 0,
                    )
                )
            return list_id

    return server.call(run())
