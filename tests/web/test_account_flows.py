"""Account pages over real HTTP: every change made in the browser is read back through the API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from markupsafe import escape

from tests.conftest import AppCreds, LiveServer, bearer
from tests.web.support import PASSWORD, browser, csrf_of, sign_in, submit

SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def v3_session(server: LiveServer, creds: AppCreds, token: str) -> str:
    response = server.client.post(
        "/3/authentication/session/convert/4", headers=creds.headers, json={"access_token": token}
    )
    assert response.status_code == 200, response.text
    session_id: str = response.json()["session_id"]
    return session_id


def v3_account(server: LiveServer, creds: AppCreds, session_id: str) -> int:
    return server.client.get("/3/account", params={"api_key": creds.app.api_key, "session_id": session_id}).status_code


def test_lists_made_in_the_browser_are_the_apis_lists(server: LiveServer, alice: Any, app_creds: AppCreds) -> None:
    token = server.sign_in(alice, app_creds)
    api = bearer(token)
    with browser(server) as client:
        sign_in(client, "alice")
        created = submit(client, "/lists", "/lists", {"name": "Heist night", "description": "crime", "public": "1"})
        assert created.status_code == 303
        list_id = int(created.headers["location"].rsplit("/", 1)[1])
        page = f"/lists/{list_id}"
        # Search the catalog from the list page, then add what was found.
        found = client.get(page, params={"q": "fight club", "media": "movie"})
        assert "Add Fight Club" in found.text
        for media_type, media_id in (("movie", 550), ("movie", 603), ("tv", 1399)):
            added = submit(client, page, f"{page}/items", {"media_type": media_type, "media_id": str(media_id)})
            assert added.status_code == 303
        submit(
            client, page, f"{page}/items/comment", {"media_type": "movie", "media_id": "550", "comment": "rules 1-2"}
        )
        details = server.client.get(f"/4/list/{list_id}", headers=api).json()
        assert [r.get("title") or r.get("name") for r in details["results"]] == [
            "Fight Club",
            "The Matrix",
            "Game of Thrones",
        ]
        assert details["comments"]["movie:550"] == "rules 1-2" and details["public"] is True
        # Sorted as the API's sort_by sorts.
        for sort_by in ("title.asc", "vote_average.desc", "primary_release_date.desc", "original_order.desc"):
            shown = client.get(page, params={"sort_by": sort_by}).text
            titles = re.findall(r'<a href="/(?:movie|tv)/\d+">([^<]+)</a>', shown)
            expected = server.client.get(f"/4/list/{list_id}", params={"sort_by": sort_by}, headers=api).json()[
                "results"
            ]
            assert titles == [r.get("title") or r.get("name") for r in expected], sort_by
        # Rename, describe, make private, save an order.
        edit = {"name": "Heist night (private)", "description": "only mine", "sort_by": "title.desc"}
        assert submit(client, page, f"{page}/edit", edit).status_code == 303
        details = server.client.get(f"/4/list/{list_id}", headers=api).json()
        assert (details["name"], details["description"], details["public"], details["sort_by"]) == (
            "Heist night (private)",
            "only mine",
            False,
            "title.desc",
        )
        assert server.client.get(f"/4/list/{list_id}", headers=app_creds.headers).status_code == 404
        # A refused value changes nothing and says why.
        refused = submit(client, page, f"{page}/edit", {"name": " ", "description": ""})
        assert refused.status_code == 422 and "name is required" in refused.text
        # Remove an item; the API's totals follow.
        submit(client, page, f"{page}/items/remove", {"media_type": "tv", "media_id": "1399"})
        assert server.client.get(f"/4/list/{list_id}", headers=api).json()["total_results"] == 2
        # A list made through the API shows on the page, and deleting it in the browser deletes it.
        assert "Heist night (private)" in client.get("/lists").text
        assert submit(client, page, f"{page}/delete").headers["location"] == "/lists"
    assert server.client.get(f"/4/list/{list_id}", headers=api).status_code == 404


@SQLITE_ONLY
def test_the_list_page_counts_its_pages_as_the_api_does(server: LiveServer, alice: Any, app_creds: AppCreds) -> None:
    api = bearer(server.sign_in(alice, app_creds))
    found = [server.client.get("/3/discover/movie", headers=app_creds.headers, params={"page": n}) for n in (1, 2)]
    ids = [movie["id"] for page in found for movie in page.json()["results"]][:21]
    assert len(ids) == 21
    created = server.client.post("/4/list", headers=api, json={"name": "Twenty-one", "public": True})
    list_id = created.json()["id"]
    for count, more in ((20, ids[:20]), (21, ids[20:])):
        items = {"items": [{"media_type": "movie", "media_id": media_id} for media_id in more]}
        assert server.client.post(f"/4/list/{list_id}/items", headers=api, json=items).status_code == 200
        answer = server.client.get(f"/4/list/{list_id}", headers=api, params={"page": 1}).json()
        shown = [server.client.get(f"/lists/{list_id}", params={"page": n}).text for n in (1, 2)]
        pagers = [re.findall(r"<span>Page (\d+) of (\d+)</span>", text) for text in shown]
        if count == 20:  # one page: no pager
            assert answer["total_pages"] == 1 and pagers == [[], []]
        else:
            assert answer["total_pages"] == 2 and pagers == [[("1", "2")], [("2", "2")]]


@SQLITE_ONLY
def test_marks_and_ratings_from_title_pages(server: LiveServer, alice: Any, app_creds: AppCreds) -> None:
    token = server.sign_in(alice, app_creds)
    account = f"/4/account/{alice.object_id}"
    with browser(server) as client:
        sign_in(client, "alice")
        title = client.get("/movie/550")
        assert 'aria-pressed="false"' in title.text and "Drama" in title.text
        submit(client, "/movie/550", "/movie/550/favorite", {"on": "1"})
        submit(client, "/tv/1399", "/tv/1399/watchlist", {"on": "1"})
        submit(client, "/movie/603", "/movie/603/rating", {"value": "9.5"})
        submit(client, "/tv/1399", "/tv/1399/rating", {"value": "7"})
        read = server.client.get(f"{account}/movie/favorites", headers=bearer(token)).json()
        assert [r["id"] for r in read["results"]] == [550]
        read = server.client.get(f"{account}/tv/watchlist", headers=bearer(token)).json()
        assert [r["id"] for r in read["results"]] == [1399]
        read = server.client.get(f"{account}/movie/rated", headers=bearer(token)).json()
        assert [(r["id"], r["account_rating"]["value"]) for r in read["results"]] == [(603, 9.5)]
        assert 'id="your-rating">9.5' in client.get("/movie/603").text
        bad = submit(client, "/movie/603", "/movie/603/rating", {"value": "11"})
        assert bad.status_code == 400 and "Value too high" in bad.text
        # Clear and un-mark; the API agrees.
        submit(client, "/movie/603", "/movie/603/rating", {"clear": "1"})
        submit(client, "/account/favorites", "/movie/550/favorite", {"on": "0", "next": "/account/favorites"})
        assert server.client.get(f"{account}/movie/rated", headers=bearer(token)).json()["total_results"] == 0
        assert server.client.get(f"{account}/movie/favorites", headers=bearer(token)).json()["total_results"] == 0
        # Add to list from the title page.
        listed = submit(client, "/lists", "/lists", {"name": "From titles"})
        list_id = listed.headers["location"].rsplit("/", 1)[1]
        assert (
            submit(client, "/tv/1399", "/tv/1399/lists", {"list_id": list_id})
            .headers["location"]
            .endswith("done=listed")
        )
        items = server.client.get(f"/4/list/{list_id}", headers=bearer(token)).json()["results"]
        assert [r["id"] for r in items] == [1399]
        # The pages read the same state (ratings, watchlist, recommendations exist for TV too).
        assert "Game of Thrones" in client.get("/account/watchlist?media=tv").text
        assert "<td>7.0</td>" in client.get("/account/ratings?media=tv").text
        recommended = client.get("/account/recommendations?media=tv")
        api_titles = server.client.get(f"{account}/tv/recommendations", headers=bearer(token)).json()["results"]
        # Names as the page writes them (escaped: "Marvel's" is "Marvel&#39;s" in the HTML).
        assert api_titles and [r["name"] for r in api_titles[:5] if escape(r["name"]) not in recommended.text] == []
        assert client.get("/account/favorites?media=movie&sort_by=bogus").status_code == 404
        # Unknown titles: nothing to mark.
        assert submit(client, "/movie/550", "/movie/999999/favorite", {"on": "1"}).status_code == 404


@SQLITE_ONLY
def test_password_change_ends_other_sessions_and_tokens(server: LiveServer, alice: Any, app_creds: AppCreds) -> None:
    token = server.sign_in(alice, app_creds)
    session_id = v3_session(server, app_creds, token)
    with browser(server) as here, browser(server) as elsewhere:
        sign_in(here, "alice")
        sign_in(elsewhere, "alice")
        wrong = submit(
            here,
            "/account/password",
            "/account/password",
            {
                "current_password": "nope nope nope",
                "new_password": "a brand new one",
                "new_password_again": "a brand new one",
            },
        )
        assert wrong.status_code == 400 and "current password is wrong" in wrong.text
        changed = submit(
            here,
            "/account/password",
            "/account/password",
            {"current_password": PASSWORD, "new_password": "a brand new one", "new_password_again": "a brand new one"},
        )
        assert changed.status_code == 303
        assert here.get("/account").status_code == 200  # this browser stays signed in
        assert elsewhere.get("/account").status_code == 303  # the other one is signed out
    assert server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(token)).status_code == 401
    assert v3_account(server, app_creds, session_id) == 401
    with browser(server) as again:
        sign_in(again, "alice", "a brand new one")
        # Throttled: five attempts in 15 minutes per account, then 429 until time passes.
        codes = [
            submit(again, "/account/password", "/account/password", {"current_password": "x"}).status_code
            for _ in range(5)
        ]
        assert codes[-1] == 429 and 429 not in codes[:3]
        server.clock.advance(900)
        assert submit(again, "/account/password", "/account/password", {"current_password": "x"}).status_code == 400


@SQLITE_ONLY
def test_signup_closed_by_default(server: LiveServer) -> None:
    with browser(server) as client:
        assert client.get("/signup").status_code == 404
        assert "/signup" not in client.get("/login").text
        token = csrf_of(client.get("/login"))
        refused = client.post(
            "/signup", data={"username": "eve", "password": PASSWORD, "password_again": PASSWORD, "_csrf_token": token}
        )
        assert refused.status_code == 404


@SQLITE_ONLY
def test_signup_when_open_and_throttled(open_server: LiveServer) -> None:
    server = open_server
    with browser(server) as client:
        assert 'href="/signup"' in client.get("/login").text
        form = {"username": "eve", "name": "Eve", "password": PASSWORD, "password_again": PASSWORD}
        created = submit(client, "/signup", "/signup", form)
        assert created.status_code == 303 and created.headers["location"] == "/account"
        assert "eve" in client.get("/account").text
        assert 'href="/admin"' not in client.get("/account").text  # signing up never makes an admin
        taken = submit(client, "/signup", "/signup", form)
        assert taken.status_code == 400 and "taken" in taken.text
        short = submit(
            client, "/signup", "/signup", {**form, "username": "eve2", "password": "short", "password_again": "short"}
        )
        assert short.status_code == 400 and "at least 8" in short.text
        codes = [submit(client, "/signup", "/signup", {**form, "username": f"x{i}"}).status_code for i in range(4)]
        assert codes[-1] == 429
        server.clock.advance(3600)
        assert submit(client, "/signup", "/signup", {**form, "username": "later"}).status_code == 303


@SQLITE_ONLY
def test_search_is_throttled_per_address(server: LiveServer) -> None:
    with browser(server) as client:
        codes = [client.get("/search", params={"q": "the"}).status_code for _ in range(32)]
        assert codes[:30] == [200] * 30 and codes[-1] == 429
        assert client.get("/search").status_code == 200  # the empty form costs nothing
        server.clock.advance(10)
        assert client.get("/search", params={"q": "the"}).status_code == 200


def app_headers(read_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {read_token}"}


def test_revoking_an_approved_app_ends_its_tokens_and_sessions(
    server: LiveServer, alice: Any, app_creds: AppCreds
) -> None:
    other_app = server.create_app(alice, "Other app")
    token = server.sign_in(alice, app_creds)
    session_id = v3_session(server, app_creds, token)
    kept = server.sign_in(alice, other_app)
    with browser(server) as client:
        sign_in(client, "alice")
        page = client.get("/account/access")
        assert "Alice&#39;s app" in page.text and "Other app" in page.text
        revoked = client.post(f"/account/access/{app_creds.app.id}/revoke", data={"_csrf_token": csrf_of(page)})
        assert revoked.status_code == 303
        assert "Alice&#39;s app" not in client.get("/account/access").text
    assert server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(token)).status_code == 401
    assert v3_account(server, app_creds, session_id) == 401
    assert server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(kept)).status_code == 200
    assert server.client.get("/3/configuration", headers=app_creds.headers).status_code == 200  # the app lives on


@SQLITE_ONLY
def test_my_apps_create_regenerate_revoke(server: LiveServer, alice: Any) -> None:
    with browser(server) as client:
        sign_in(client, "alice")
        assert submit(client, "/apps", "/apps", {"name": ""}).status_code == 400
        created = submit(client, "/apps", "/apps", {"name": "My TMDB app"})
        app_page = created.headers["location"]
        shown = client.get(app_page).text
        api_key = re.search(r'id="api-key">([0-9a-f]{32})<', shown).group(1)  # type: ignore[union-attr]
        read_token = re.search(r'id="read-token">([^<]+)<', shown).group(1)  # type: ignore[union-attr]
        assert server.client.get("/3/configuration", headers=app_headers(read_token)).status_code == 200
        assert server.client.get("/3/configuration", params={"api_key": api_key}).status_code == 200
        app_id = int(app_page.rsplit("/", 1)[1])
        creds = AppCreds(app=server.call(_app(server, api_key)), read_token=read_token)
        user_token = server.sign_in(alice, creds)
        regenerated = client.post(f"{app_page}/regenerate", data={"_csrf_token": csrf_of(client.get(app_page))})
        assert regenerated.status_code == 303
        shown = client.get(app_page).text
        new_key = re.search(r'id="api-key">([0-9a-f]{32})<', shown).group(1)  # type: ignore[union-attr]
        new_token = re.search(r'id="read-token">([^<]+)<', shown).group(1)  # type: ignore[union-attr]
        assert new_key != api_key and new_token != read_token
        # The old key and token stop at once (this process forgot its cached token), the new ones work.
        assert server.client.get("/3/configuration", headers=app_headers(read_token)).status_code == 401
        assert server.client.get("/3/configuration", params={"api_key": api_key}).status_code == 401
        assert server.client.get("/3/configuration", headers=app_headers(new_token)).status_code == 200
        assert server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(user_token)).status_code == 401
        revoked = client.post(f"{app_page}/revoke", data={"_csrf_token": csrf_of(client.get(app_page))})
        assert revoked.status_code == 303 and "is revoked" in client.get(app_page).text
        assert server.client.get("/3/configuration", headers=app_headers(new_token)).status_code == 401
        assert f"/apps/{app_id}" in client.get("/apps").text
        # Creating apps is throttled per account.
        codes = [submit(client, "/apps", "/apps", {"name": f"app {i}"}).status_code for i in range(10)]
        assert codes[-1] == 429 and 429 not in codes[:8]


async def _app(server: LiveServer, api_key: str) -> Any:
    from filmshelf.auth.apps import app_by_api_key

    async with server.services.db.read() as conn:
        return await app_by_api_key(conn, api_key)


@SQLITE_ONLY
def test_admin_creates_disables_and_resets(server: LiveServer, alice: Any) -> None:
    with browser(server) as admin:
        sign_in(admin, "alice")
        status = admin.get("/admin").text
        assert 'id="engine">sqlite' in status and re.search(r'id="titles">\d+ titles', status)
        created = submit(admin, "/admin/users", "/admin/users", {"username": "bob", "password": PASSWORD})
        assert created.status_code == 303
        bob = server.call(_account(server, "bob"))
        assert bob is not None and not bob.is_admin
        creds = server.create_app(bob, "Bob's app")
        token = server.sign_in(bob, creds)
        with browser(server) as bobs:
            sign_in(bobs, "bob")
            disabled = submit(admin, "/admin/users", f"/admin/users/{bob.id}/disable", {"disabled": "1"})
            assert disabled.status_code == 303
            assert bobs.get("/account").status_code == 303  # his browser session ended
            refused = bobs.post(
                "/login", data={"username": "bob", "password": PASSWORD, "_csrf_token": csrf_of(bobs.get("/login"))}
            )
            assert refused.status_code == 401
        assert server.client.get(f"/4/account/{bob.object_id}/lists", headers=bearer(token)).status_code == 401
        assert server.client.get("/3/configuration", headers=creds.headers).status_code == 401  # his apps too
        assert submit(admin, "/admin/users", f"/admin/users/{alice.id}/disable", {"disabled": "1"}).status_code == 400
        submit(admin, "/admin/users", f"/admin/users/{bob.id}/disable", {"disabled": "0"})
        reset = submit(admin, "/admin/users", f"/admin/users/{bob.id}/password", {"password": "reset by admin"})
        assert reset.status_code == 303
        with browser(server) as bobs:
            sign_in(bobs, "bob", "reset by admin")
        assert "Bob&#39;s app" in admin.get("/admin/apps").text
        revoked = submit(admin, "/admin/apps", f"/admin/apps/{creds.app.id}/revoke")
        assert revoked.status_code == 303
        assert server.client.get("/3/configuration", headers=creds.headers).status_code == 401


async def _account(server: LiveServer, username: str) -> Any:
    from filmshelf.accounts import users

    async with server.services.db.read() as conn:
        return await users.find_by_username(conn, username)


@SQLITE_ONLY
def test_openapi_documents_every_operation_and_docs_are_offline(server: LiveServer) -> None:
    document = server.client.get("/openapi.json").json()
    assert document == server.client.get("/schema/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "delete"}
    ]
    assert len(operations) > 40
    for path, method, op in operations:
        assert op.get("description"), (path, method)
        errors = {status: response for status, response in op["responses"].items() if not status.startswith("2")}
        assert "401" in errors and "429" in errors and "500" in errors, (path, method)
        assert "TMDB `status_code` 7" in errors["401"]["description"]
    by_id = {op["operationId"]: op for _, _, op in operations}
    assert "status_code_33" in by_id["createAccessToken"]["responses"]["401"]["content"]["application/json"]["examples"]
    assert "422" in by_id["createAccessToken"]["responses"]  # 41: not approved yet
    assert "status_code_38" in by_id["listUpdate"]["responses"]["401"]["content"]["application/json"]["examples"]
    assert "404" in by_id["listDetails"]["responses"] and "400" in by_id["accountMovieFavorites"]["responses"]
    # The docs page and its assets come from this server; the framework's CDN pages are gone.
    docs = server.client.get("/docs").text
    assert not re.search(r'(src|href)="(https?:)?//', docs)
    for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css", "/static/docs.js"):
        response = server.client.get(asset)
        assert response.status_code == 200 and len(response.content) > 100, asset
    assert "Apache License" in server.client.get("/static/swagger/LICENSE").text
    for gone in ("/schema/swagger", "/schema/redoc", "/schema/elements", "/static/../app.py", "/static/swagger/x.js"):
        assert server.client.get(gone).status_code == 404, gone
    assert 'href="/docs"' in server.client.get("/").text
    developers = server.client.get("/developers").text
    assert "tmdbapis" in developers and "http://127.0.0.1:8000/3" in developers
