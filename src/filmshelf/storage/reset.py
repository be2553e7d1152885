"""Wipe everything users did, keep the catalog: the reset between tests of `filmshelf.testing`.

One transaction: every user-data table emptied (accounts, apps, tokens, sessions, lists, marks,
ratings, guest sessions, the sign-in throttle, browser sessions, stored upstream answers), and the
shared `titles` rows given back the figures their import brought (no user votes, no activity).
The catalog tables (`titles`, `title_parts`, `title_external_ids`) keep their rows.

PostgreSQL: one TRUNCATE ... RESTART IDENTITY (ids start at 1 again). SQLite: a DELETE per table
(the tables have no AUTOINCREMENT, so an emptied table hands out id 1 again too).
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
    tables = user_data_tables()
    if conn.dialect == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        await conn.run(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            await conn.run(table.delete())
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
