"""storage.reset.wipe_user_data (the reset of filmshelf.testing), on both engines.

A user's activity through the API fills every kind of user data and moves a shared title's
figures; the wipe empties every user-data table, keeps the catalog, and gives the title back
the figures its import brought.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from filmshelf.catalog import popularity
from filmshelf.storage.reset import CATALOG_TABLES, user_data_tables, wipe_user_data
from filmshelf.storage.tables import metadata, titles
from tests.conftest import LiveServer, bearer

FIGURES = ("popularity", "vote_average", "vote_count", "rating_score", "user_vote_count", "activity_week")


async def _counts(server: LiveServer) -> dict[str, int]:
    async with server.services.db.read() as conn:
        return {
            table.name: int(await conn.scalar(select(func.count()).select_from(table)))
            for table in metadata.sorted_tables
        }


async def _figures(server: LiveServer) -> Any:
    async with server.services.db.read() as conn:
        return await conn.row(
            select(*(titles.c[name] for name in FIGURES)).where(titles.c.media_type == "movie", titles.c.id == 11)
        )


async def _wipe(server: LiveServer) -> None:
    async with server.services.db.write() as conn:
        await wipe_user_data(conn, popularity.FORMULA)


def test_wipe_empties_user_data_keeps_the_catalog_and_restores_figures(server: LiveServer) -> None:
    account = server.create_user("alice")
    creds = server.create_app(account, "App")
    pristine = server.call(_figures(server))
    access = server.sign_in(account, creds)
    client = server.client
    assert client.post("/4/list", headers=bearer(access), json={"name": "L", "iso_639_1": "en"}).status_code == 201
    token = client.get("/3/authentication/token/new", headers=creds.headers).json()["request_token"]
    assert client.get("/3/authentication/guest_session/new", headers=creds.headers).status_code == 200
    session = client.post("/3/authentication/session/convert/4", headers=creds.headers, json={"access_token": access})
    session_id = session.json()["session_id"]
    params = {"session_id": session_id}
    assert client.post("/3/movie/11/rating", headers=creds.headers, params=params, json={"value": 2}).status_code == 201
    favorite = {"media_type": "movie", "media_id": 11, "favorite": True}
    assert client.post(f"/3/account/{account.id}/favorite", headers=creds.headers, params=params, json=favorite)
    assert token and server.call(_figures(server)) != pristine
    before = server.call(_counts(server))
    assert all(before[name] > 0 for name in ("accounts", "apps", "lists", "ratings", "favorites", "v3_sessions"))

    server.call(_wipe(server))

    after = server.call(_counts(server))
    assert {table.name for table in user_data_tables()} == set(after) - CATALOG_TABLES
    assert {name: count for name, count in after.items() if name not in CATALOG_TABLES and count} == {}
    assert {name: after[name] for name in CATALOG_TABLES} == {name: before[name] for name in CATALOG_TABLES}
    assert after["titles"] > 0
    assert server.call(_figures(server)) == pristine
    # Ids start at 1 again on both engines.
    assert server.create_user("bob").id == 1
