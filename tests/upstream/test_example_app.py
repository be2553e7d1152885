"""examples/tmdb_app.py against a filmshelf whose catalog comes from a second filmshelf (issue 11 §3).

The downstream holds the users, the app, the favorites and the list; every catalog read goes to
the upstream first (`FILMSHELF_UPSTREAM_PREFER=upstream`), so the title the app opens, searches
for, favorites and lists is the upstream's. Every call must be answered, and the upstream must
have seen only catalog reads carrying the downstream's own token.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.upstream.conftest import Servers, Upstream

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tmdb_app.py"
PASSWORD = "a long enough viewer password"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tmdb_app_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_example_app_through_an_upstream_filmshelf(servers: Servers, upstream_server: Upstream) -> None:
    example = load_example()
    downstream = servers.downstream(upstream_prefer="upstream")
    account = downstream.create_user("viewer", password=PASSWORD)
    creds = downstream.create_app(account, "Example app")
    lines: list[str] = []

    calls = example.run(downstream.base_url, creds.read_token, "viewer", PASSWORD, log=lines.append)

    assert [str(call) for call in calls if not call.answered] == [], "\n".join(lines)
    catalog = [
        call for call in calls if call.method == "GET" and call.path.startswith("/3/") and "account" not in call.path
    ]
    assert len(catalog) >= 12
    # Catalog reads came through the upstream store; sign-in, account, favorites and lists never did.
    assert {call.upstream for call in catalog} <= {"miss", "hit"}, "\n".join(lines)
    assert all(call.upstream is None for call in calls if call not in catalog)
    seen = upstream_server.recorder.calls()
    assert seen, "the upstream was never asked"
    for request in seen:
        assert request.method == "GET"
        assert "account" not in request.path and not request.path.startswith(("/4/", "/3/authentication"))
        assert request.header("authorization") == [f"Bearer {upstream_server.token}"]
        assert creds.read_token not in request.query
