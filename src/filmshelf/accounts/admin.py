"""What administrators see and do: the status of the server and the accounts on it.

An administrator is an account with `is_admin` (the first account of a database, or one made
with `filmshelf users create --admin`). Disabling an account and resetting a password are
`users.set_disabled` and `users.change_password`; this module adds the read side.
"""

from __future__ import annotations

from dataclasses import dataclass

from filmshelf import __version__
from filmshelf.storage import access as access_rows
from filmshelf.storage.engine import Database


@dataclass(frozen=True, slots=True)
class Status:
    """The admin status page."""

    version: str
    engine: str
    titles: int
    accounts: int
    apps: int
    lists: int


async def status(db: Database) -> Status:
    """Version, database engine and row counts."""
    async with db.read() as conn:
        counts = await access_rows.count_rows(conn)
    return Status(version=__version__, engine=db.dialect, **counts)
