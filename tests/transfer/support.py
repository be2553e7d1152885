"""Helpers of the import / export tests: a database in process, an account with data of every kind."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Awaitable, Callable
from typing import TypeVar

from filmshelf.accounts import media, passwords, users
from filmshelf.lists import service as lists_service
from filmshelf.storage import catalog as catalog_rows
from filmshelf.storage.engine import Database, open_database
from filmshelf.transfer import files, service
from filmshelf.transfer.model import WATCHED_LIST
from tests.conftest import CHEAP_ARGON2

T = TypeVar("T")
NOW = 1_790_000_000.25
DAY = 86_400.0
# Sample-catalog titles with IMDb ids given to them by the tests (the sample carries none).
IMDB_IDS = {("movie", 11): "tt0076759", ("movie", 13): "tt0109830", ("tv", 121): "tt0056751"}


def run(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the database, run `work`, close it."""

    async def runner() -> T:
        db = open_database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(runner())


async def make_user(db: Database, username: str) -> users.Account:
    """An account with cheap hashing."""
    return await users.create_account(
        db, hasher=passwords.Hasher(CHEAP_ARGON2), username=username, password="a long password", now=NOW
    )


async def give_imdb_ids(db: Database) -> None:
    """IMDb ids for a few sample titles, as a detail import would store them."""
    async with db.write() as conn:
        for (media_type, media_id), value in IMDB_IDS.items():
            await catalog_rows.replace_external_ids(conn, media_type, media_id, [("imdb_id", value)])


async def seed(db: Database, account_id: int) -> None:
    """Ratings (half values too, a TV show), favorites, watchlist, two lists with comments, a watched list."""
    async with db.write() as conn:
        for offset, (media_type, media_id, value) in enumerate(
            [("movie", 11, 9.0), ("movie", 12, 7.5), ("movie", 13, 0.5), ("tv", 121, 8.0), ("movie", 14, 10.0)]
        ):
            await media.rate(
                conn, account_id=account_id, media_type=media_type, media_id=media_id, value=value,
                now=NOW - offset * DAY + offset * 0.125,
            )  # fmt: skip
        for offset, (kind, media_type, media_id) in enumerate(
            [("favorite", "movie", 11), ("favorite", "tv", 95), ("watchlist", "movie", 18), ("watchlist", "movie", 12)]
        ):
            await media.set_mark(
                conn, kind=kind, account_id=account_id, media_type=media_type, media_id=media_id, on=True,  # type: ignore[arg-type]
                now=NOW - 3 * DAY + offset,
            )  # fmt: skip
        first = await lists_service.create_list(
            conn, account_id=account_id, name="Space, and more", description='Films "with" commas, and\nlines',
            public=True, iso_639_1=None, iso_3166_1=None, now=NOW - 10 * DAY,
        )  # fmt: skip
        await lists_service.add_items(
            conn, list_id=first, account_id=account_id, now=NOW - 9 * DAY,
            items=[lists_service.ItemInput("movie", 18, "best, of all"), lists_service.ItemInput("movie", 11),
                   lists_service.ItemInput("tv", 121, "a show")],
        )  # fmt: skip
        watched = await lists_service.create_list(
            conn, account_id=account_id, name=WATCHED_LIST, description="", public=False,
            iso_639_1=None, iso_3166_1=None, now=NOW - 8 * DAY,
        )  # fmt: skip
        for offset, media_id in enumerate([13, 12, 11]):
            await lists_service.add_items(
                conn, list_id=watched, account_id=account_id, now=NOW - 7 * DAY + offset * DAY,
                items=[lists_service.ItemInput("movie", media_id)],
            )  # fmt: skip


async def export(db: Database, username: str, format_name: str) -> bytes:
    """The account's export as a zip."""
    async with db.read() as conn:
        account = await users.find_by_username(conn, username)
    assert account is not None
    archive, _ = await service.export_zip(db, account=account, format_name=format_name)
    return archive


async def import_archive(
    db: Database, username: str, name: str, data: bytes, *, replace: bool = False
) -> service.Report:
    """Import one upload into the account."""
    async with db.read() as conn:
        account = await users.find_by_username(conn, username)
    assert account is not None
    return await service.import_files(
        db, account_id=account.id, uploads=[files.Upload(name, data)], replace=replace, now=NOW + DAY
    )


def members(archive: bytes) -> dict[str, bytes]:
    """A zip's files."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def zipped(found: dict[str, bytes]) -> bytes:
    """Files as a zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in found.items():
            archive.writestr(name, data)
    return out.getvalue()
