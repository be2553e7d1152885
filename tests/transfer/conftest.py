"""Fixtures of the import / export tests: a second, fresh database on the same engine."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from filmshelf.storage.migrate import upgrade
from tests import conftest as harness


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Another database of the same engine as `database_url`, migrated, holding only the sample catalog."""
    if database_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "fresh.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    name = f"filmshelf_fresh_{secrets.token_hex(4)}"
    harness._pg_admin(f'CREATE DATABASE "{name}"')
    url = harness._pg_url(name)
    try:
        harness.in_thread(lambda: upgrade(url))
        harness._load_sample_catalog(url)
        yield url
    finally:
        harness._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
