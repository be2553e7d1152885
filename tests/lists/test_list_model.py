"""Random add / remove / update / clear / read sequences through real HTTP, against a plain model.

The model is an insertion-ordered dict {(media_type, media_id): comment}: adding appends at the
end (a removed and re-added item moves to the end, as a new row does), removing deletes, clear
empties. Every answer — per-item results, pages in every order, totals, item_status — must
equal what the model predicts. Runs on both engines through the `server` fixture.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from tests.conftest import LiveServer
from tests.lists.support import PAGE, SYNTHETIC_BASE, Catalog, Title, User, average, catalog, create_list, owner

__all__ = ["catalog", "owner"]  # fixtures

Key = tuple[str, int]
SORTS = [
    f"{field}.{way}"
    for field in ("original_order", "vote_average", "primary_release_date", "title")
    for way in ("asc", "desc")
]
ABSENT = object()  # an item entry without a `comment` key


def _pool() -> list[Title]:
    """26 titles: enough for lists past one page, with ties in every sort key."""
    out = []
    for n in range(26):
        out.append(
            Title(
                "tv" if n % 3 == 2 else "movie",
                SYNTHETIC_BASE + 7000 + n,
                ["Kilo", "alpha", "Bravo", "kilo", "Zeta"][n % 5] + f" {n % 4}",
                release_date=[None, "2003-05-01", "1999-12-31", "2003-05-01"][n % 4],
                vote_average=[6.5, 7.125, 8.0][n % 3],
                runtime=[None, 95, 130][n % 3],
                revenue=[None, 10**9, 77][n % 3],
            )
        )
    return out


def _order(model: dict[Key, str | None], added: dict[Key, int], titles: dict[Key, Title], sort_by: str) -> list[Key]:
    field, _, way = sort_by.rpartition(".")
    keyers: dict[str, Any] = {
        "original_order": lambda k: 0,
        "vote_average": lambda k: titles[k].vote_average,
        "primary_release_date": lambda k: titles[k].release_date or "",
        "title": lambda k: titles[k].title.lower(),
    }
    return sorted(model, key=lambda k: (keyers[field](k), added[k]), reverse=way == "desc")


def test_a_list_behaves_like_its_model(server: LiveServer, owner: User, catalog: Catalog) -> None:
    pool = catalog.add(_pool())
    titles = {(t.media_type, t.id): t for t in pool}
    movie = next(t for t in pool if t.media_type == "movie")
    # Known titles, plus keys that must always fail: unknown id, a movie id asked as TV, a wrong type.
    candidates: list[Key] = [*titles, ("movie", SYNTHETIC_BASE + 6999), ("tv", movie.id), ("person", movie.id)]
    comments = st.one_of(st.none(), st.text(alphabet="ab é✓", max_size=4))
    entries = st.lists(st.tuples(st.sampled_from(candidates), comments), min_size=1, max_size=12)
    client, headers = server.client, owner.headers

    class ListMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model: dict[Key, str | None] = {}
            self.added: dict[Key, int] = {}  # the position each present item was added at
            self.counter = 0
            self.list_id = 0

        @initialize()
        def new_list(self) -> None:
            self.list_id = create_list(server, owner, name="Model")

        def _send(self, method: str, body: dict[str, Any]) -> list[dict[str, Any]]:
            response = client.request(method, f"/4/list/{self.list_id}/items", headers=headers, json=body)
            assert response.status_code == 200, response.text
            answer = response.json()
            assert (answer["success"], answer["status_code"], answer["status_message"]) == (True, 1, "Success.")
            results: list[dict[str, Any]] = answer["results"]
            assert [(r["media_type"], r["media_id"]) for r in results] == [
                (e["media_type"], e["media_id"]) for e in body["items"]
            ]
            return results

        @rule(batch=entries)
        def add(self, batch: list[tuple[Key, str | None]]) -> None:
            body = {"items": [{"media_type": k[0], "media_id": k[1], "comment": c} for k, c in batch]}
            expected = []
            for key, comment in batch:
                fits = key in titles and key not in self.model
                if fits:
                    self.model[key] = comment
                    self.added[key] = self.counter
                    self.counter += 1
                expected.append(fits)
            assert [r["success"] for r in self._send("POST", body)] == expected

        @rule(batch=entries)
        def remove(self, batch: list[tuple[Key, str | None]]) -> None:
            body = {"items": [{"media_type": k[0], "media_id": k[1]} for k, _ in batch]}
            expected = []
            for key, _ in batch:
                expected.append(key in self.model)
                self.model.pop(key, None)
                self.added.pop(key, None)
            assert [r["success"] for r in self._send("DELETE", body)] == expected

        @rule(
            batch=st.lists(
                st.tuples(st.sampled_from(candidates), st.one_of(comments, st.just(ABSENT))), min_size=1, max_size=12
            )
        )
        def update(self, batch: list[tuple[Key, Any]]) -> None:
            items = []
            for (media_type, media_id), comment in batch:
                item: dict[str, Any] = {"media_type": media_type, "media_id": media_id}
                if comment is not ABSENT:
                    item["comment"] = comment
                items.append(item)
            expected = [key in self.model for key, _ in batch]
            for key, comment in batch:
                if key in self.model:
                    self.model[key] = None if comment is ABSENT else comment
            assert [r["success"] for r in self._send("PUT", {"items": items})] == expected

        @rule()
        def clear(self) -> None:
            response = client.get(f"/4/list/{self.list_id}/clear", headers=headers)
            assert response.status_code == 200, response.text
            assert response.json()["items_deleted"] == len(self.model)
            self.model.clear()
            self.added.clear()

        @rule(sort_by=st.sampled_from(SORTS), page=st.integers(min_value=1, max_value=3))
        def read(self, sort_by: str, page: int) -> None:
            response = client.get(f"/4/list/{self.list_id}", headers=headers, params={"sort_by": sort_by, "page": page})
            assert response.status_code == 200, response.text
            body = response.json()
            keys = _order(self.model, self.added, titles, sort_by)[(page - 1) * PAGE : page * PAGE]
            assert [(r["media_type"], r["id"]) for r in body["results"]] == keys
            assert body["results"] == [titles[k].result() for k in keys]
            assert body["comments"] == {f"{k[0]}:{k[1]}": self.model[k] for k in keys}
            assert set(body["object_ids"]) == set(body["comments"])
            assert (body["page"], body["sort_by"]) == (page, sort_by)

        @rule(key=st.sampled_from(candidates))
        def status(self, key: Key) -> None:
            params: dict[str, str | int] = {"media_type": key[0], "media_id": key[1]}
            response = client.get(f"/4/list/{self.list_id}/item_status", headers=headers, params=params)
            if key[0] not in ("movie", "tv"):
                assert response.status_code == 422, response.text
            else:
                assert response.status_code == (200 if key in self.model else 404), response.text

        @invariant()
        def totals(self) -> None:
            if not self.list_id:
                return
            body = client.get(f"/4/list/{self.list_id}", headers=headers, params={"page": 500}).json()
            present = [titles[k] for k in self.model]
            movies = [t for t in present if t.media_type == "movie"]
            assert (body["item_count"], body["total_results"]) == (len(present), len(present))
            assert body["total_pages"] == max(1, -(-len(present) // PAGE))
            assert body["runtime"] == sum(t.runtime or 0 for t in movies)
            assert body["revenue"] == sum(t.revenue or 0 for t in movies)
            assert body["average_rating"] == average([t.vote_average for t in present])

    run_state_machine_as_test(
        ListMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        ),
    )
