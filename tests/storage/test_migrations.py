"""Migrations and tables never drift, on both engines (alembic check)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from filmshelf.storage.catalog import KNOWN_GENRES, genre_mask
from filmshelf.storage.migrate import check, upgrade


def test_migrations_match_tables(database_url: str) -> None:
    upgrade(database_url)  # idempotent on an up-to-date database
    check(database_url)


def test_genre_mask_backfill(tmp_path: Path) -> None:
    """speed_0001 sets the mask of titles already stored, from their genre_ids (SQLite; the SQL is plain)."""
    url = f"sqlite:///{tmp_path / 'mask.sqlite3'}"
    upgrade(url, "cat_0003")
    rows = {
        10_000_001: "[28, 12]",  # two known genres
        10_000_002: "[99999]",  # unknown only: no bit
        10_000_003: "[]",
        10_000_004: "[10768,16]",  # TV genres, no space
    }
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        for media_id, genres in rows.items():
            conn.execute(
                "INSERT INTO titles (media_type, id, title, original_title, title_key, genre_ids, updated_at) "
                "VALUES ('movie', ?, 'Synthetic', 'Synthetic', 'synthetic', ?, 0)",
                (media_id, genres),
            )
    upgrade(url)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        found = dict(conn.execute("SELECT id, genre_mask FROM titles").fetchall())
    assert found == {media_id: genre_mask(json.loads(genres)) for media_id, genres in rows.items()}
    assert found[10_000_001] == (1 << KNOWN_GENRES.index(28)) | (1 << KNOWN_GENRES.index(12))
    assert found[10_000_002] == found[10_000_003] == 0
