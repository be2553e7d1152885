"""Lists at scale on both engines: page 1 of a 10,000-item list reads one page, concurrent adds count once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from filmshelf.storage import engine as engine_module
from tests.conftest import LiveServer
from tests.lists.support import SYNTHETIC_BASE, Catalog, Title, User, add_items, catalog, create_list, owner

__all__ = ["catalog", "owner"]  # fixtures

BIG = 10_000


class Probe:
    """Counts rows handed to Python by `Conn` and records the SQL sent, while `active`."""

    def __init__(self) -> None:
        self.active = False
        self.rows = 0
        self.statements: list[tuple[str, Any]] = []


@pytest.fixture
def probe(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Probe]:
    found = Probe()
    for cls in (engine_module._SyncConn, engine_module._AsyncConn):

        async def execute(self: Any, stmt: Any, params: Any = None, _original: Any = cls.execute) -> Any:
            result = await _original(self, stmt, params)
            if found.active:
                found.rows += len(result[0])
                if isinstance(self, engine_module._SyncConn) and isinstance(stmt, engine_module.Prepared):
                    # SQLite runs prepared statements on the driver, past SQLAlchemy's events.
                    found.statements.append((stmt.sqlite_sql, stmt.bind(params or {})))
            return result

        # Every statement goes through `execute`, whichever convenience method called it.
        monkeypatch.setattr(cls, "execute", execute)

    engine = server.services.db.engine  # type: ignore[attr-defined]
    sync_engine = getattr(engine, "sync_engine", engine)

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if found.active:
            found.statements.append((statement, parameters))

    event.listen(sync_engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(sync_engine, "before_cursor_execute", record)


def _explain(server: LiveServer, statement: str, parameters: Any) -> str:
    """The query plan of a captured statement, as text."""

    async def run() -> str:
        db = server.services.db
        if server.engine == "sqlite":
            with db.engine.connect() as conn:  # type: ignore[attr-defined]
                raw = conn.connection.driver_connection
                plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                return "\n".join(str(row[-1]) for row in plan)
        async with db.engine.connect() as conn:  # type: ignore[attr-defined]
            await conn.exec_driver_sql("ANALYZE list_items")
            plan = await conn.exec_driver_sql("EXPLAIN " + statement, parameters)
            return "\n".join(str(row[0]) for row in plan.all())

    return server.call(run())


def _page_part(plan: str, engine: str) -> str:
    """The part of a plan that computes the page subquery (before the join to titles)."""
    lines = plan.splitlines()
    if engine == "sqlite":
        start = next(i for i, line in enumerate(lines) if line.startswith("MATERIALIZE"))
        end = next(i for i, line in enumerate(lines) if line.startswith("SCAN page"))
        return "\n".join(lines[start:end])
    start = next(i for i, line in enumerate(lines) if "Limit" in line)
    depth = len(lines[start]) - len(lines[start].lstrip())
    part = [lines[start]]
    for line in lines[start + 1 :]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        part.append(line)
    return "\n".join(part)


def test_page_one_of_a_10000_item_list_reads_only_that_page(
    server: LiveServer, owner: User, catalog: Catalog, probe: Probe
) -> None:
    titles = catalog.add(
        [
            Title(
                "movie",
                SYNTHETIC_BASE + 1000 + n,
                f"Synthetic bulk {n:05d}",
                vote_average=round((n * 7919) % 1000 / 100, 2),  # 1000 values, 10 items each
                runtime=100,
                revenue=1,
            )
            for n in range(BIG)
        ]
    )
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, titles)
    by_vote = sorted(enumerate(titles), key=lambda p: (p[1].vote_average, p[0]), reverse=True)
    expectations = {
        "original_order.asc": [t.id for t in titles[:20]],
        "vote_average.desc": [t.id for _, t in by_vote[:20]],
    }
    plans = {"original_order.asc": "ix_list_items_list_order", "vote_average.desc": "ix_list_items_list_vote"}
    for sort_by, first_ids in expectations.items():
        server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"sort_by": sort_by})  # warm
        probe.rows, probe.statements, probe.active = 0, [], True
        response = server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"sort_by": sort_by})
        probe.active = False
        assert response.status_code == 200, response.text
        body = response.json()
        assert [r["id"] for r in body["results"]] == first_ids
        assert (body["item_count"], body["total_results"], body["total_pages"]) == (BIG, BIG, BIG // 20)
        assert (body["runtime"], body["revenue"]) == (100 * BIG, BIG)
        # The list, the token, the account, the page and its titles: never the 10,000 rows.
        assert probe.rows <= 40, (sort_by, probe.rows)
        assert len(probe.statements) <= 10, probe.statements
        (page_sql, page_params), *_ = [s for s in probe.statements if "AS page" in s[0]]
        plan = _explain(server, page_sql, page_params)
        # The page is cut by walking the sort index (no sort of the list's rows); only the 20
        # rows of the page may be sorted again after the join.
        inner = _page_part(plan, server.engine)
        if server.engine == "sqlite":
            assert plans[sort_by] in inner and "TEMP B-TREE" not in inner, plan
        else:
            # PostgreSQL may pick the primary key when one list holds every row; any index walk
            # with no Sort under the Limit reads only the page.
            assert "Index Scan" in inner and "Sort" not in inner, plan


def test_twenty_concurrent_adds_of_one_item_store_it_once(server: LiveServer, owner: User, catalog: Catalog) -> None:
    (title,) = catalog.make(1, vote_average=7.5, runtime=111, revenue=222)
    others = catalog.make(20, start=10, vote_average=6.0, runtime=10, revenue=1)
    list_id = create_list(server, owner)
    barrier = threading.Barrier(20)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def add(body: dict[str, Any]) -> None:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            barrier.wait()
            response = client.post(f"/4/list/{list_id}/items", headers=owner.headers, json=body)
        with lock:
            answers.append(response)

    def run_all(bodies: list[dict[str, Any]]) -> None:
        threads = [threading.Thread(target=add, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    same = {"items": [{"media_type": "movie", "media_id": title.id}]}
    run_all([same] * 20)
    assert [a.status_code for a in answers] == [200] * 20
    assert sorted(a.json()["results"][0]["success"] for a in answers) == [False] * 19 + [True]
    body = server.client.get(f"/4/list/{list_id}", headers=owner.headers).json()
    assert (body["item_count"], body["total_results"], body["runtime"], body["revenue"]) == (1, 1, 111, 222)
    assert [r["id"] for r in body["results"]] == [title.id]

    # Twenty different items at once: every one lands and the totals add up.
    answers.clear()
    barrier.reset()
    run_all([{"items": [{"media_type": "movie", "media_id": t.id}]} for t in others])
    assert all(a.json()["results"][0]["success"] for a in answers)
    body = server.client.get(f"/4/list/{list_id}", headers=owner.headers).json()
    assert (body["item_count"], body["runtime"], body["revenue"]) == (21, 111 + 200, 222 + 20)
    assert body["average_rating"] == round((7.5 + 20 * 6.0) / 21, 3)
