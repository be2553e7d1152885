"""LISTS (v4) over real HTTP on both engines: every endpoint, its answers and each refusal."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from filmshelf.storage.tables import list_items
from tests.conftest import AppCreds, LiveServer, bearer
from tests.lists.support import Catalog, Title, User, add_items, average, catalog, create_list, other, owner

__all__ = ["catalog", "other", "owner"]  # fixtures

MESSAGES = {
    1: "Success.",
    5: "Invalid parameters: Your request parameters are incorrect.",
    7: "Invalid API key: You must be granted a valid key.",
    12: "The item/record was updated successfully.",
    13: "The item/record was deleted successfully.",
    22: "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
    34: "The resource you requested could not be found.",
    35: "Invalid token.",
    36: "This token hasn't been granted write permission by the user.",
    38: "You don't have permission to edit this resource.",
    42: "This request method is not supported for this resource.",
    47: "The input is not valid.",
}
NOT_FOUND = {"success": False, "status_code": 34, "status_message": MESSAGES[34]}
NO_SCOPE = {
    "success": False,
    "status_code": 36,
    "status_message": MESSAGES[36],
    "error_message": "No matching scope found.",
}
NOT_OWNER = {"success": False, "status_code": 38, "status_message": MESSAGES[38]}
REVOKED = {"success": False, "status_code": 35, "status_message": MESSAGES[35], "error_message": "Invalid token"}


def ok(code: int) -> dict[str, Any]:
    return {"success": True, "status_code": code, "status_message": MESSAGES[code]}


def expect(response: httpx.Response, http: int, body: dict[str, Any]) -> None:
    assert (response.status_code, response.json()) == (http, body), response.text


def expect_error(response: httpx.Response, http: int, code: int, error_message: str | None = None) -> None:
    body: dict[str, Any] = {"success": False, "status_code": code, "status_message": MESSAGES[code]}
    if error_message is not None:
        body["error_message"] = error_message
    expect(response, http, body)


def details(server: LiveServer, list_id: int, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = server.client.get(f"/4/list/{list_id}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def revoke(server: LiveServer, user: User) -> None:
    response = server.client.request(
        "DELETE", "/4/auth/access_token", headers=user.headers, json={"access_token": user.token}
    )
    assert response.status_code == 200, response.text


def items_body(*titles: Title, comment: str | None = None) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    for t in titles:
        entry: dict[str, Any] = {"media_type": t.media_type, "media_id": t.id}
        if comment is not None:
            entry["comment"] = comment
        entries.append(entry)
    return {"items": entries}


def row_count(server: LiveServer, list_id: int) -> int:
    async def run() -> int:
        async with server.services.db.read() as conn:
            stmt = select(func.count()).select_from(list_items).where(list_items.c.list_id == list_id)
            return int(await conn.scalar(stmt))

    return server.call(run())


# --- create ----------------------------------------------------------------------------------
def test_create_list_answers_its_id_and_an_empty_list_reads_back(server: LiveServer, owner: User) -> None:
    body = {"name": "Noir", "description": "Rain.", "iso_639_1": "fr", "iso_3166_1": "be", "public": False}
    response = server.client.post("/4/list", headers=owner.headers, json=body)
    assert response.status_code == 201, response.text
    list_id = response.json()["id"]
    assert isinstance(list_id, int)
    expect(response, 201, {"id": list_id, **ok(1)})

    account = owner.account
    assert details(server, list_id, owner.headers) == {
        "average_rating": 0.0,
        "backdrop_path": None,
        "comments": {},
        "created_by": {
            "avatar_path": None,
            "gravatar_hash": account.gravatar_hash,
            "id": account.object_id,
            "name": account.name,
            "username": "alice",
        },
        "description": "Rain.",
        "id": list_id,
        "iso_3166_1": "BE",
        "iso_639_1": "fr",
        "item_count": 0,
        "name": "Noir",
        "object_ids": {},
        "page": 1,
        "poster_path": None,
        "public": False,
        "results": [],
        "revenue": 0,
        "runtime": 0,
        "sort_by": "original_order.asc",
        "total_pages": 1,
        "total_results": 0,
    }


def test_create_list_defaults_to_public_and_the_accounts_codes(server: LiveServer, owner: User) -> None:
    response = server.client.post("/4/list", headers=owner.headers, json={"name": "x", "unknown_field": 1})
    list_id = response.json()["id"]
    body = details(server, list_id, owner.headers)
    assert (body["public"], body["iso_639_1"], body["iso_3166_1"], body["description"]) == (True, "en", "US", "")


def test_create_list_refuses_bad_values(server: LiveServer, owner: User) -> None:
    cases: list[tuple[Any, int, int, str | None]] = [
        ({"iso_639_1": "en"}, 422, 5, "name is required"),
        ({"name": "   "}, 422, 5, "name is required"),
        ({"name": "n" * 101}, 422, 5, "name must be at most 100 characters"),
        ({"name": "ok", "description": "d" * 1001}, 422, 5, "description must be at most 1000 characters"),
        ({"name": "ok", "iso_639_1": "eng"}, 422, 5, "iso_639_1 must be a two-letter ISO 639-1 code"),
        ({"name": "ok", "iso_3166_1": "1A"}, 422, 5, "iso_3166_1 must be a two-letter ISO 3166-1 code"),
        ({"name": "a\x00b"}, 422, 5, "name must not contain NUL characters"),
        ({"name": "ok", "description": "\x00"}, 422, 5, "description must not contain NUL characters"),
        ({"name": "ok", "public": "yes"}, 400, 47, None),
        ({"name": 5}, 400, 47, None),
        ([1, 2], 400, 47, None),
    ]
    for body, http, code, message in cases:
        response = server.client.post("/4/list", headers=owner.headers, json=body)
        if message is None:
            assert (response.status_code, response.json()["status_code"]) == (http, code), (body, response.text)
            assert response.json()["success"] is False
        else:
            expect_error(response, http, code, message)
    response = server.client.post("/4/list", headers=owner.headers, content=b"{not json")
    assert (response.status_code, response.json()["status_code"]) == (400, 47)
    # The limits themselves are allowed.
    list_id = create_list(server, owner, name="n" * 100, description="d" * 1000)
    assert details(server, list_id, owner.headers)["name"] == "n" * 100


def test_create_list_needs_a_user_token_with_write_scope(server: LiveServer, owner: User, app_creds: AppCreds) -> None:
    body = {"name": "x", "iso_639_1": "en"}
    expect(server.client.post("/4/list", json=body), 401, NO_SCOPE)
    expect(server.client.post("/4/list", headers=app_creds.headers, json=body), 401, NO_SCOPE)
    expect(server.client.post("/4/list", params={"api_key": app_creds.app.api_key}, json=body), 401, NO_SCOPE)
    response = server.client.post("/4/list", headers=bearer("not-a-jwt"), json=body)
    expect_error(response, 401, 36, "Invalid token")
    revoke(server, owner)
    expect(server.client.post("/4/list", headers=owner.headers, json=body), 401, REVOKED)


# --- read ------------------------------------------------------------------------------------
def test_public_list_is_readable_with_any_app_credential(
    server: LiveServer, owner: User, other: User, app_creds: AppCreds, catalog: Catalog
) -> None:
    titles = catalog.make(2)
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, titles)
    seen = [
        details(server, list_id, owner.headers),
        details(server, list_id, other.headers),
        details(server, list_id, app_creds.headers),
        details(server, list_id, {}, api_key=app_creds.app.api_key),
    ]
    assert all(body == seen[0] for body in seen)
    assert [r["id"] for r in seen[0]["results"]] == [t.id for t in titles]
    expect_error(server.client.get(f"/4/list/{list_id}"), 401, 7)
    expect_error(server.client.get(f"/4/list/{list_id}", params={"api_key": "0" * 32}), 401, 7)


def test_private_list_answers_as_if_absent_to_all_but_its_owner(
    server: LiveServer, owner: User, other: User, app_creds: AppCreds, catalog: Catalog
) -> None:
    (title,) = catalog.make(1)
    list_id = create_list(server, owner, public=False)
    add_items(server, owner, list_id, [title])
    assert details(server, list_id, owner.headers)["item_count"] == 1
    for headers, params in [
        (other.headers, {}),
        (app_creds.headers, {}),
        ({}, {"api_key": app_creds.app.api_key}),
    ]:
        expect(server.client.get(f"/4/list/{list_id}", headers=headers, params=params), 404, NOT_FOUND)
        status = server.client.get(
            f"/4/list/{list_id}/item_status",
            headers=headers,
            params={**params, "media_type": "movie", "media_id": title.id},
        )
        expect(status, 404, NOT_FOUND)
    expect(server.client.get(f"/4/list/{list_id + 1}", headers=owner.headers), 404, NOT_FOUND)


def test_list_ids_that_are_not_positive_integers_are_not_found(server: LiveServer, owner: User) -> None:
    create_list(server, owner)
    items = {"items": [{"media_type": "movie", "media_id": 1}]}
    for bad in ["abc", "0", "-1", "1.5", "99999999999999", "2147483648", "1e3", "%20"]:
        path = f"/4/list/{bad}"
        expect(server.client.get(path, headers=owner.headers), 404, NOT_FOUND)
        expect(server.client.put(path, headers=owner.headers, json={"name": "x"}), 404, NOT_FOUND)
        expect(server.client.delete(path, headers=owner.headers), 404, NOT_FOUND)
        expect(server.client.post(path + "/items", headers=owner.headers, json=items), 404, NOT_FOUND)
        expect(server.client.put(path + "/items", headers=owner.headers, json=items), 404, NOT_FOUND)
        expect(server.client.request("DELETE", path + "/items", headers=owner.headers, json=items), 404, NOT_FOUND)
        expect(server.client.get(path + "/clear", headers=owner.headers), 404, NOT_FOUND)
        status = server.client.get(
            path + "/item_status", headers=owner.headers, params={"media_type": "movie", "media_id": 1}
        )
        expect(status, 404, NOT_FOUND)


def test_bad_page_and_sort_by_are_refused(server: LiveServer, owner: User) -> None:
    list_id = create_list(server, owner)
    for page in ["0", "-1", "abc", "501", "1.5"]:
        response = server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"page": page})
        expect_error(response, 400, 22)
    allowed = (
        "original_order.asc, original_order.desc, vote_average.asc, vote_average.desc, "
        "primary_release_date.asc, primary_release_date.desc, title.asc, title.desc"
    )
    for sort_by in ["popularity.desc", "title", "TITLE.ASC", ""]:
        response = server.client.get(f"/4/list/{list_id}", headers=owner.headers, params={"sort_by": sort_by})
        expect_error(response, 422, 5, f"sort_by must be one of: {allowed}")
    body = details(server, list_id, owner.headers, page="500", sort_by="release_date.desc")
    assert (body["page"], body["results"], body["sort_by"]) == (500, [], "primary_release_date.desc")


# --- update ----------------------------------------------------------------------------------
def test_update_list_changes_only_the_given_fields(server: LiveServer, owner: User) -> None:
    list_id = create_list(server, owner, name="Before", description="keep me")
    changes = {"name": "After", "public": False, "sort_by": "release_date.desc", "iso_639_1": "DE", "x": 1}
    expect(server.client.put(f"/4/list/{list_id}", headers=owner.headers, json=changes), 201, ok(12))
    body = details(server, list_id, owner.headers)
    assert (body["name"], body["description"], body["public"], body["sort_by"]) == (
        "After",
        "keep me",
        False,
        "primary_release_date.desc",
    )
    assert (body["iso_639_1"], body["iso_3166_1"]) == ("de", "US")
    expect(server.client.put(f"/4/list/{list_id}", headers=owner.headers, json={}), 201, ok(12))
    changes = {"description": "", "public": True, "iso_3166_1": "gb", "sort_by": "title.desc"}
    expect(server.client.put(f"/4/list/{list_id}", headers=owner.headers, json=changes), 201, ok(12))
    body = details(server, list_id, owner.headers)
    assert (body["description"], body["public"], body["iso_3166_1"], body["sort_by"]) == ("", True, "GB", "title.desc")


def test_update_list_refusals_change_nothing(server: LiveServer, owner: User, other: User, app_creds: AppCreds) -> None:
    public_id = create_list(server, owner, name="Public")
    private_id = create_list(server, owner, name="Private", public=False)
    before = details(server, public_id, owner.headers)
    path = f"/4/list/{public_id}"
    cases: list[tuple[dict[str, Any], int, int, str | None]] = [
        ({"name": ""}, 422, 5, "name is required"),
        ({"name": "n" * 101}, 422, 5, "name must be at most 100 characters"),
        ({"description": "d" * 1001}, 422, 5, "description must be at most 1000 characters"),
        ({"iso_639_1": "e"}, 422, 5, "iso_639_1 must be a two-letter ISO 639-1 code"),
        ({"iso_3166_1": "USA"}, 422, 5, "iso_3166_1 must be a two-letter ISO 3166-1 code"),
        ({"name": "Changed", "public": "no"}, 400, 47, None),
    ]
    for body, http, code, message in cases:
        response = server.client.put(path, headers=owner.headers, json=body)
        if message is None:
            assert (response.status_code, response.json()["status_code"]) == (http, code), response.text
        else:
            expect_error(response, http, code, message)
    response = server.client.put(path, headers=owner.headers, json={"name": "Changed", "sort_by": "rating.asc"})
    assert (response.status_code, response.json()["status_code"]) == (422, 5)
    expect(server.client.put(path, headers=other.headers, json={"name": "Mine"}), 401, NOT_OWNER)
    expect(server.client.put(f"/4/list/{private_id}", headers=other.headers, json={"name": "Mine"}), 404, NOT_FOUND)
    expect(server.client.put(path, headers=app_creds.headers, json={"name": "Mine"}), 401, NO_SCOPE)
    expect(server.client.put(f"/4/list/{private_id + 1}", headers=owner.headers, json={"name": "x"}), 404, NOT_FOUND)
    assert details(server, public_id, owner.headers) == before
    revoke(server, owner)
    expect(server.client.put(path, headers=owner.headers, json={"name": "Mine"}), 401, REVOKED)
    assert details(server, public_id, app_creds.headers) == before


# --- delete ----------------------------------------------------------------------------------
def test_delete_list_removes_it_and_its_items(server: LiveServer, owner: User, catalog: Catalog) -> None:
    titles = catalog.make(3)
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, titles)
    assert row_count(server, list_id) == 3
    expect(server.client.delete(f"/4/list/{list_id}", headers=owner.headers), 200, ok(13))
    expect(server.client.get(f"/4/list/{list_id}", headers=owner.headers), 404, NOT_FOUND)
    assert row_count(server, list_id) == 0
    expect(server.client.delete(f"/4/list/{list_id}", headers=owner.headers), 404, NOT_FOUND)


def test_delete_list_through_the_spec_typo_path(server: LiveServer, owner: User, other: User) -> None:
    list_id = create_list(server, owner)
    expect(server.client.delete(f"/4/{list_id}", headers=other.headers), 401, NOT_OWNER)
    expect(server.client.delete(f"/4/{list_id}", headers=owner.headers), 200, ok(13))
    expect(server.client.get(f"/4/list/{list_id}", headers=owner.headers), 404, NOT_FOUND)
    expect(server.client.delete("/4/abc", headers=owner.headers), 404, NOT_FOUND)


def test_delete_list_refusals(server: LiveServer, owner: User, other: User, app_creds: AppCreds) -> None:
    public_id = create_list(server, owner)
    private_id = create_list(server, owner, public=False)
    expect(server.client.delete(f"/4/list/{public_id}", headers=other.headers), 401, NOT_OWNER)
    expect(server.client.delete(f"/4/list/{private_id}", headers=other.headers), 404, NOT_FOUND)
    expect(server.client.delete(f"/4/list/{public_id}", headers=app_creds.headers), 401, NO_SCOPE)
    expect(server.client.delete(f"/4/list/{public_id}"), 401, NO_SCOPE)
    revoke(server, owner)
    expect(server.client.delete(f"/4/list/{public_id}", headers=owner.headers), 401, REVOKED)
    assert details(server, public_id, app_creds.headers)["id"] == public_id
    # The private list survived too: its owner, signed in again, still reads it.
    fresh = server.sign_in(owner.account, app_creds)
    assert details(server, private_id, bearer(fresh))["id"] == private_id


# --- items -----------------------------------------------------------------------------------
def test_add_items_reports_each_item(server: LiveServer, owner: User, catalog: Catalog) -> None:
    movie_a, movie_b = catalog.make(2, vote_average=7.123, runtime=120, revenue=5_000_000_000)
    (show,) = catalog.make(1, start=10, media_type="tv", vote_average=8.5, runtime=50, revenue=7)
    list_id = create_list(server, owner)
    sent = {
        "items": [
            {"media_type": "movie", "media_id": movie_a.id, "comment": "first"},
            {"media_type": "movie", "media_id": 1_999_999_999},  # not in the catalog
            {"media_type": "movie", "media_id": movie_a.id, "comment": "again"},  # repeated
            {"media_type": "tv", "media_id": show.id},
            {"media_type": "person", "media_id": movie_b.id},  # wrong media_type
            {"media_type": "movie", "media_id": -3},
            {"media_type": "tv", "media_id": movie_b.id},  # a movie id asked as tv
        ]
    }
    response = server.client.post(f"/4/list/{list_id}/items", headers=owner.headers, json=sent)
    flags = [True, False, False, True, False, False, False]
    expected = [
        {"media_type": e["media_type"], "media_id": e["media_id"], "success": flag}
        for e, flag in zip(sent["items"], flags, strict=True)
    ]
    expect(response, 200, {**ok(1), "results": expected})

    again = server.client.post(f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(movie_a, movie_b))
    expect(
        again,
        200,
        {
            **ok(1),
            "results": [
                {"media_type": "movie", "media_id": movie_a.id, "success": False},
                {"media_type": "movie", "media_id": movie_b.id, "success": True},
            ],
        },
    )
    body = details(server, list_id, owner.headers)
    assert body["results"] == [movie_a.result(), show.result(), movie_b.result()]
    assert body["comments"] == {movie_a.key: "first", show.key: None, movie_b.key: None}
    assert set(body["object_ids"]) == {movie_a.key, show.key, movie_b.key}
    assert all(len(v) == 24 and int(v, 16) >= 0 for v in body["object_ids"].values())
    assert len(set(body["object_ids"].values())) == 3
    # Totals: runtime and revenue count movies only; the rating averages everything.
    assert (body["item_count"], body["total_results"], body["total_pages"]) == (3, 3, 1)
    assert (body["runtime"], body["revenue"]) == (240, 10_000_000_000)
    assert body["average_rating"] == average([7.123, 8.5, 7.123]) == 7.582


def test_add_items_refusals(
    server: LiveServer, owner: User, other: User, app_creds: AppCreds, catalog: Catalog
) -> None:
    (title,) = catalog.make(1)
    public_id = create_list(server, owner)
    private_id = create_list(server, owner, public=False)
    path = f"/4/list/{public_id}/items"
    one = items_body(title)
    count_message = "items must hold between 1 and 1000 entries"
    expect_error(server.client.post(path, headers=owner.headers, json={"items": []}), 422, 5, count_message)
    expect_error(server.client.post(path, headers=owner.headers, json={}), 422, 5, count_message)
    too_many = {"items": [{"media_type": "movie", "media_id": n + 1} for n in range(1001)]}
    expect_error(server.client.post(path, headers=owner.headers, json=too_many), 422, 5, count_message)
    long_comment = {"items": [{"media_type": "movie", "media_id": title.id, "comment": "c" * 1001}]}
    expect_error(
        server.client.post(path, headers=owner.headers, json=long_comment),
        422,
        5,
        "items[0].comment must be at most 1000 characters",
    )
    nul_comment = {"items": [one["items"][0], {"media_type": "movie", "media_id": title.id, "comment": "a\x00"}]}
    expect_error(
        server.client.post(path, headers=owner.headers, json=nul_comment),
        422,
        5,
        "items[1].comment must not contain NUL characters",
    )
    for bad_item in [
        {"media_type": "movie", "media_id": str(title.id)},
        {"media_type": "movie", "media_id": 1.5},
        {"media_type": "movie", "media_id": True},
        {"media_type": "movie"},
        {"media_id": title.id},
        {"media_type": 1, "media_id": title.id},
    ]:
        response = server.client.post(path, headers=owner.headers, json={"items": [bad_item]})
        assert (response.status_code, response.json()["status_code"]) == (400, 47), (bad_item, response.text)
        assert "items[0]" in response.json()["error_message"], response.text
    expect(server.client.post(path, headers=other.headers, json=one), 401, NOT_OWNER)
    expect(server.client.post(f"/4/list/{private_id}/items", headers=other.headers, json=one), 404, NOT_FOUND)
    expect(server.client.post(path, headers=app_creds.headers, json=one), 401, NO_SCOPE)
    assert details(server, public_id, owner.headers)["item_count"] == 0
    # 1000 entries is the limit, not a refusal.
    thousand = {"items": [{"media_type": "tv", "media_id": 1_999_000_000 + n} for n in range(1000)]}
    response = server.client.post(path, headers=owner.headers, json=thousand)
    assert response.status_code == 200 and len(response.json()["results"]) == 1000
    assert not any(r["success"] for r in response.json()["results"])
    revoke(server, owner)
    expect(server.client.post(path, headers=owner.headers, json=one), 401, REVOKED)
    assert details(server, public_id, app_creds.headers)["item_count"] == 0


def test_update_items_sets_comments(server: LiveServer, owner: User, other: User, catalog: Catalog) -> None:
    a, b, absent = catalog.make(3)
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, [a, b])
    body = {
        "items": [
            {"media_type": "movie", "media_id": a.id, "comment": "Watch with the lights off."},
            {"media_type": "movie", "media_id": absent.id, "comment": "not on the list"},
            {"media_type": "person", "media_id": b.id, "comment": "wrong type"},
        ]
    }
    response = server.client.put(f"/4/list/{list_id}/items", headers=owner.headers, json=body)
    expect(
        response,
        200,
        {
            **ok(1),
            "results": [
                {"media_type": "movie", "media_id": a.id, "success": True},
                {"media_type": "movie", "media_id": absent.id, "success": False},
                {"media_type": "person", "media_id": b.id, "success": False},
            ],
        },
    )
    assert details(server, list_id, owner.headers)["comments"] == {a.key: "Watch with the lights off.", b.key: None}
    # A client bug drops `comment`: the item's comment becomes null rather than the call failing.
    response = server.client.put(f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(a))
    expect(response, 200, {**ok(1), "results": [{"media_type": "movie", "media_id": a.id, "success": True}]})
    assert details(server, list_id, owner.headers)["comments"] == {a.key: None, b.key: None}
    expect(server.client.put(f"/4/list/{list_id}/items", headers=other.headers, json=items_body(a)), 401, NOT_OWNER)
    response = server.client.put(f"/4/list/{list_id}/items", headers=owner.headers, json={"items": []})
    expect_error(response, 422, 5, "items must hold between 1 and 1000 entries")
    response = server.client.put(
        f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(a, comment="c" * 1001)
    )
    expect_error(response, 422, 5, "items[0].comment must be at most 1000 characters")
    response = server.client.put(f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(a, comment="\x00"))
    expect_error(response, 422, 5, "items[0].comment must not contain NUL characters")
    response = server.client.put(
        f"/4/list/{list_id}/items", headers=owner.headers, json={"items": [{"media_type": "movie", "media_id": "1"}]}
    )
    assert (response.status_code, response.json()["status_code"]) == (400, 47)
    revoke(server, owner)
    response = server.client.put(f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(a, comment="z"))
    expect(response, 401, REVOKED)
    assert details(server, list_id, other.headers)["comments"] == {a.key: None, b.key: None}


def test_remove_items_reports_each_item(
    server: LiveServer, owner: User, other: User, app_creds: AppCreds, catalog: Catalog
) -> None:
    a, b, c = catalog.make(3, vote_average=6.0)
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, [a, b, c])
    body = {
        "items": [
            {"media_type": "movie", "media_id": b.id},
            {"media_type": "movie", "media_id": b.id},
            {"media_type": "tv", "media_id": a.id},
            {"media_type": "movie", "media_id": 1_999_999_999},
            {"media_type": "film", "media_id": c.id},
        ]
    }
    response = server.client.request("DELETE", f"/4/list/{list_id}/items", headers=owner.headers, json=body)
    flags = [True, False, False, False, False]
    expected = [{**entry, "success": flag} for entry, flag in zip(body["items"], flags, strict=True)]
    expect(response, 200, {**ok(1), "results": expected})
    listed = details(server, list_id, owner.headers)
    assert [r["id"] for r in listed["results"]] == [a.id, c.id]
    assert (listed["item_count"], listed["runtime"], listed["revenue"], listed["average_rating"]) == (2, 200, 2000, 6.0)
    response = server.client.request("DELETE", f"/4/list/{list_id}/items", headers=other.headers, json=items_body(a))
    expect(response, 401, NOT_OWNER)
    response = server.client.request(
        "DELETE", f"/4/list/{list_id}/items", headers=app_creds.headers, json=items_body(a)
    )
    expect(response, 401, NO_SCOPE)
    response = server.client.request("DELETE", f"/4/list/{list_id}/items", headers=owner.headers, json={"items": []})
    expect_error(response, 422, 5, "items must hold between 1 and 1000 entries")
    response = server.client.request("DELETE", f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(a, c))
    expect(
        response,
        200,
        {**ok(1), "results": [{"media_type": "movie", "media_id": t.id, "success": True} for t in (a, c)]},
    )
    listed = details(server, list_id, owner.headers)
    assert (listed["item_count"], listed["runtime"], listed["revenue"], listed["average_rating"]) == (0, 0, 0, 0.0)
    assert (listed["results"], listed["total_pages"], listed["total_results"]) == ([], 1, 0)


def test_clear_empties_the_list(
    server: LiveServer, owner: User, other: User, app_creds: AppCreds, catalog: Catalog
) -> None:
    titles = catalog.make(25)
    list_id = create_list(server, owner, public=False)
    add_items(server, owner, list_id, titles)
    response = server.client.get(f"/4/list/{list_id}/clear", headers=app_creds.headers)
    expect(response, 401, NO_SCOPE)
    expect(server.client.get(f"/4/list/{list_id}/clear", headers=other.headers), 404, NOT_FOUND)
    server.client.put(f"/4/list/{list_id}", headers=owner.headers, json={"public": True})
    expect(server.client.get(f"/4/list/{list_id}/clear", headers=other.headers), 401, NOT_OWNER)
    assert details(server, list_id, owner.headers)["item_count"] == 25

    response = server.client.get(f"/4/list/{list_id}/clear", headers=owner.headers)
    expect(response, 200, {"id": list_id, "items_deleted": 25, **ok(1)})
    assert response.headers["cache-control"] == "no-store"
    body = details(server, list_id, owner.headers)
    assert (body["item_count"], body["runtime"], body["revenue"], body["average_rating"]) == (0, 0, 0, 0.0)
    assert (body["results"], body["comments"], body["object_ids"]) == ([], {}, {})
    assert row_count(server, list_id) == 0
    expect(
        server.client.get(f"/4/list/{list_id}/clear", headers=owner.headers),
        200,
        {"id": list_id, "items_deleted": 0, **ok(1)},
    )
    # The list is usable again after a clear.
    add_items(server, owner, list_id, titles[:2])
    assert details(server, list_id, owner.headers)["item_count"] == 2
    revoke(server, owner)
    expect(server.client.get(f"/4/list/{list_id}/clear", headers=owner.headers), 401, REVOKED)
    assert details(server, list_id, app_creds.headers)["item_count"] == 2


def test_item_status(server: LiveServer, owner: User, other: User, app_creds: AppCreds, catalog: Catalog) -> None:
    (movie,) = catalog.make(1)
    (show,) = catalog.make(1, start=5, media_type="tv")
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, [movie, show])
    path = f"/4/list/{list_id}/item_status"
    ways: list[tuple[dict[str, str], dict[str, str]]] = [
        (owner.headers, {}),
        (app_creds.headers, {}),
        ({}, {"api_key": app_creds.app.api_key}),
    ]
    for headers, params in ways:
        response = server.client.get(path, headers=headers, params={**params, "media_type": "tv", "media_id": show.id})
        expect(response, 200, {"id": list_id, "media_id": show.id, "media_type": "tv", **ok(1)})
    unknown: list[dict[str, str | int]] = [
        {"media_type": "tv", "media_id": movie.id},
        {"media_type": "movie", "media_id": 1_999_999_999},
        {"media_type": "movie", "media_id": -movie.id},
        {"media_type": "movie", "media_id": "99999999999999"},
    ]
    for query in unknown:
        expect(server.client.get(path, headers=owner.headers, params=query), 404, NOT_FOUND)
    type_message = "media_type must be movie or tv"
    expect_error(
        server.client.get(path, headers=owner.headers, params={"media_type": "person", "media_id": 1}),
        422,
        5,
        type_message,
    )
    expect_error(server.client.get(path, headers=owner.headers, params={"media_id": movie.id}), 422, 5, type_message)
    for bad in [
        {"media_type": "movie", "media_id": "abc"},
        {"media_type": "movie", "media_id": "1.5"},
        {"media_type": "movie"},
    ]:
        expect_error(server.client.get(path, headers=owner.headers, params=bad), 400, 47, "media_id must be an integer")
    expect_error(server.client.get(path, params={"media_type": "movie", "media_id": movie.id}), 401, 7)
    server.client.put(f"/4/list/{list_id}", headers=owner.headers, json={"public": False})
    response = server.client.get(path, headers=owner.headers, params={"media_type": "movie", "media_id": movie.id})
    expect(response, 200, {"id": list_id, "media_id": movie.id, "media_type": "movie", **ok(1)})
    response = server.client.get(path, headers=other.headers, params={"media_type": "movie", "media_id": movie.id})
    expect(response, 404, NOT_FOUND)


def test_famous_sample_titles_can_be_listed_when_the_catalog_has_them(
    server: LiveServer, owner: User, catalog: Catalog
) -> None:
    # With the bundled sample loaded, 550 (Fight Club) and 1399 (Game of Thrones) are real titles;
    # without it they are unknown and the per-item results say so. Either way the answer is exact.
    async def present() -> dict[tuple[str, int], str]:
        from filmshelf.storage.catalog import get_titles

        async with server.services.db.read() as conn:
            rows = await get_titles(conn, [("movie", 550), ("tv", 1399)])
        return {key: row.title for key, row in rows.items()}

    known = server.call(present())
    list_id = create_list(server, owner)
    body = {"items": [{"media_type": "movie", "media_id": 550}, {"media_type": "tv", "media_id": 1399}]}
    response = server.client.post(f"/4/list/{list_id}/items", headers=owner.headers, json=body)
    assert [r["success"] for r in response.json()["results"]] == [
        ("movie", 550) in known,
        ("tv", 1399) in known,
    ]
    listed = details(server, list_id, owner.headers)
    names = [r.get("title", r.get("name")) for r in listed["results"]]
    assert names == [known[k] for k in [("movie", 550), ("tv", 1399)] if k in known]
    if ("movie", 550) in known:
        assert known[("movie", 550)] == "Fight Club"
        assert listed["results"][0]["media_type"] == "movie"


def test_list_images_come_from_its_first_item(server: LiveServer, owner: User, catalog: Catalog) -> None:
    (pictured,) = catalog.add(
        [Title("movie", 1_900_000_900, "Synthetic pictured", poster_path="/p.jpg", backdrop_path="/b.jpg")]
    )
    (plain,) = catalog.make(1)
    list_id = create_list(server, owner)
    add_items(server, owner, list_id, [pictured, plain])
    # Whatever the order of the page, the images are the first-added item's.
    body = details(server, list_id, owner.headers, sort_by="original_order.desc")
    assert (body["poster_path"], body["backdrop_path"]) == ("/p.jpg", "/b.jpg")
    assert body["results"][1] == pictured.result()
    server.client.request("DELETE", f"/4/list/{list_id}/items", headers=owner.headers, json=items_body(pictured))
    body = details(server, list_id, owner.headers)
    assert (body["poster_path"], body["backdrop_path"]) == (None, None)
