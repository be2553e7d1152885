"""Wipe everything users did, keep the catalog: the reset between tests of `filmshelf.testing`.

One transaction: every user-data table emptied (accounts, apps, tokens, sessions, lists, marks,
ratings, guest sessions, the sign-in throttle, browser sessions, stored upstream answers), and the
shared `titles` rows given back the figures their import brought (no user votes, no activity).
The catalog tables (`titles`, `title_parts`, `title_external_ids`) keep their rows.

A DELETE per table, children first, then the id sequences restarted (PostgreSQL) or forgotten
(SQLite's `sqlite_sequence`, if any table has AUTOINCREMENT): the first row after a wipe is id 1.
"""

from __future__ import annotations

from sqlalchemy import Table, or_, text, update

from filmshelf.storage.catalog import StatsFormula, served_values
from filmshelf.storage.engine import Conn
from filmshelf.storage.tables import metadata, titles

CATALOG_TABLES = frozenset({"titles", "title_parts", "title_external_ids"})


def user_data_tables() -> list[Table]:
    """Every table that is not the catalog, children before parents."""
    return [table for table in reversed(metadata.sorted_tables) if table.name not in CATALOG_TABLES]


async def wipe_user_data(conn: Conn, formula: StatsFormula) -> None:
    """Empty the user-data tables and restore the titles' served figures (inside `Database.write()`)."""
    for table in user_data_tables():
        await conn.run(table.delete())
    if conn.dialect == "postgresql":
        # Ids start at 1 again, as after TRUNCATE ... RESTART IDENTITY (which costs ~0.4 s for
        # thirty tables, new files for each, where DELETE of a test's few rows costs milliseconds).
        for row in await conn.rows(text("SELECT relname FROM pg_class WHERE relkind = 'S'")):
            await conn.run(text(f'ALTER SEQUENCE "{row[0]}" RESTART'))
    elif await conn.row(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")) is not None:
        await conn.run(text("DELETE FROM sqlite_sequence"))
    c = titles.c
    derived = served_values(
        formula,
        imported_popularity=c.imported_popularity,
        imported_vote_average=c.imported_vote_average,
        imported_vote_count=c.imported_vote_count,
        user_vote_sum=0.0,
        user_vote_count=0,
        activity_week=0.0,
    )
    touched = or_(c.user_vote_count != 0, c.user_vote_sum != 0, c.activity_week != 0, c.activity_day != 0)
    await conn.run(
        update(titles)
        .where(touched)
        .values(user_vote_sum=0.0, user_vote_count=0, activity_day=0.0, activity_week=0.0, **derived)
    )
