"""Fixtures of the command-line tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """`filmshelf ...` in process, run from an empty folder of its own."""
    monkeypatch.chdir(tmp_path)
    yield Cli(tmp_path)
