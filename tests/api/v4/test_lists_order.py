"""List order and paging over real HTTP on both engines, checked against orders computed here."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.lists.support import (
    PAGE,
    SYNTHETIC_BASE,
    Catalog,
    Title,
    User,
    add_items,
    catalog,
    create_list,
    owner,
)

__all__ = ["catalog", "owner"]  # fixtures

VOTES = [5.0, 6.5, 7.25, 8.0, 6.5]
DATES = ["1999-10-15", "2010-07-16", None, "1994-06-23", "2010-07-16", "2024-01-01"]
NAMES = ["alpha", "Alpha", "Zulu", "émile", "Beta", "beta", "Øresund", "123 Go", "Mike", "_under"]


def _titles() -> list[Title]:
    """45 synthetic titles (movies and TV) with many ties in vote, date and title."""
    out = []
    for n in range(45):
        out.append(
            Title(
                "tv" if n % 4 == 3 else "movie",
                SYNTHETIC_BASE + 100 + n,
                f"{NAMES[n % len(NAMES)]} {'' if n % 3 else 'x'}".strip(),
                release_date=DATES[n % len(DATES)],
                vote_average=VOTES[n % len(VOTES)],
                runtime=90 + n,
                revenue=n * 1000,
            )
        )
    return out


def _expected(added: list[Title], sort_by: str) -> list[tuple[str, int]]:
    """The order a list must show, computed from the titles: ties go by insertion, same direction."""
    field, _, way = sort_by.rpartition(".")
    field = {"release_date": "primary_release_date"}.get(field, field)
    keys: dict[str, Any] = {
        "original_order": lambda t: 0,
        "vote_average": lambda t: t.vote_average,
        "primary_release_date": lambda t: t.release_date or "",
        "title": lambda t: t.title.lower(),
    }
    ranked = sorted(
        ((keys[field](t), position, t) for position, t in enumerate(added)),
        key=lambda entry: (entry[0], entry[1]),
        reverse=way == "desc",
    )
    return [(t.media_type, t.id) for _, _, t in ranked]


def _read_all(server: LiveServer, user: User, list_id: int, **params: Any) -> tuple[list[dict[str, Any]], list[Any]]:
    bodies, results = [], []
    page = 1
    while True:
        response = server.client.get(f"/4/list/{list_id}", headers=user.headers, params={**params, "page": page})
        assert response.status_code == 200, response.text
        body = response.json()
        bodies.append(body)
        results.extend(body["results"])
        if page >= body["total_pages"]:
            return bodies, results
        page += 1


@pytest.fixture
def shuffled_list(server: LiveServer, owner: User, catalog: Catalog) -> tuple[int, list[Title]]:
    titles = catalog.add(_titles())
    order = titles[:]
    random.Random(4).shuffle(order)
    list_id = create_list(server, owner)
    # Several batches: original order spans requests as well as positions inside one.
    for start in range(0, len(order), 17):
        add_items(server, owner, list_id, order[start : start + 17])
    return list_id, order


SORTS = [
    "original_order.asc",
    "original_order.desc",
    "vote_average.asc",
    "vote_average.desc",
    "primary_release_date.asc",
    "primary_release_date.desc",
    "title.asc",
    "title.desc",
    "release_date.asc",
    "release_date.desc",
]


def test_every_sort_by_matches_an_independently_computed_order(
    server: LiveServer, owner: User, shuffled_list: tuple[int, list[Title]]
) -> None:
    list_id, added = shuffled_list
    by_key = {(t.media_type, t.id): t for t in added}
    for sort_by in SORTS:
        bodies, results = _read_all(server, owner, list_id, sort_by=sort_by)
        seen = [(r["media_type"], r["id"]) for r in results]
        assert seen == _expected(added, sort_by), sort_by
        assert results == [by_key[key].result() for key in seen]
        canonical = "primary_" + sort_by if sort_by.startswith("release_date") else sort_by
        assert {b["sort_by"] for b in bodies} == {canonical}
    # The orders are not all the same (the data really discriminates them).
    assert len({tuple(_expected(added, s)) for s in SORTS[:8]}) == 8


def test_the_saved_sort_by_orders_reads_without_one(
    server: LiveServer, owner: User, shuffled_list: tuple[int, list[Title]]
) -> None:
    list_id, added = shuffled_list
    for saved in ["vote_average.desc", "title.asc", "release_date.asc", "original_order.desc"]:
        response = server.client.put(f"/4/list/{list_id}", headers=owner.headers, json={"sort_by": saved})
        assert response.status_code == 201, response.text
        _, results = _read_all(server, owner, list_id)
        assert [(r["media_type"], r["id"]) for r in results] == _expected(added, saved)
        # A sort_by in the query still wins over the saved one.
        _, explicit = _read_all(server, owner, list_id, sort_by="original_order.asc")
        assert [(r["media_type"], r["id"]) for r in explicit] == _expected(added, "original_order.asc")


def test_paging_edges(server: LiveServer, owner: User, shuffled_list: tuple[int, list[Title]]) -> None:
    list_id, added = shuffled_list
    expected = _expected(added, "original_order.asc")
    total = len(added)
    last = -(-total // PAGE)
    runtime = sum(t.runtime or 0 for t in added if t.media_type == "movie")
    revenue = sum(t.revenue or 0 for t in added if t.media_type == "movie")
    for page, start in [(1, 0), (2, PAGE), (last, (last - 1) * PAGE), (last + 1, total), (500, total)]:
        response = server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"page": page})
        assert response.status_code == 200, response.text
        body = response.json()
        keys = expected[start : start + PAGE]
        assert [(r["media_type"], r["id"]) for r in body["results"]] == keys
        assert (body["page"], body["total_pages"], body["total_results"], body["item_count"]) == (
            page,
            last,
            total,
            total,
        )
        labels = {f"{t}:{i}" for t, i in keys}
        assert set(body["comments"]) == labels and set(body["object_ids"]) == labels
        assert (body["runtime"], body["revenue"]) == (runtime, revenue)


def test_total_pages_at_the_page_boundary(server: LiveServer, owner: User, catalog: Catalog) -> None:
    titles = catalog.make(2 * PAGE + 1, start=500)
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, titles[: 2 * PAGE])
    body = server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"page": 2}).json()
    assert (len(body["results"]), body["total_pages"], body["total_results"]) == (PAGE, 2, 2 * PAGE)
    add_items(server, owner, list_id, titles[2 * PAGE :])
    body = server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"page": 3}).json()
    assert [r["id"] for r in body["results"]] == [titles[-1].id]
    assert (body["total_pages"], body["total_results"]) == (3, 2 * PAGE + 1)
