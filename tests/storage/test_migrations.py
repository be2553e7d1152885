"""Migrations and tables never drift, on both engines (alembic check)."""

from __future__ import annotations

from filmshelf.storage.migrate import check, upgrade


def test_migrations_match_tables(database_url: str) -> None:
    upgrade(database_url)  # idempotent on an up-to-date database
    check(database_url)
