"""examples/through_upstream.py, unchanged: examples/tmdb_app.py against a filmshelf whose catalog
comes from a second filmshelf (issue 11 §3); every call is answered and the catalog reads went
through the upstream."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent.parent / "examples" / "through_upstream.py"


# The script's default, `FILMSHELF_UPSTREAM_PREFER=upstream`: with `local`, the downstream's empty
# catalog answers the home screen's rows itself (empty), so the app has no title to open; that
# order is tested in tests/upstream.
@pytest.mark.slow
def test_the_example_app_runs_through_an_upstream() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(line.endswith("calls answered") for line in lines), result.stdout[-2000:]
    # Titles the downstream did not hold were fetched from the upstream and stored.
    assert any("GET    /3/movie/" in line and "[miss]" in line for line in lines), result.stdout[-2000:]
    assert not [line for line in lines if line.startswith("NO ")], result.stdout[-2000:]
