"""Every page and flow in Debian's chromium: each test saves screenshots (tests/artifacts/) and
the accessibility test runs axe-core (from npm, offline) on every page.

The pages are engine-independent (the API tests cover both engines): SQLite only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from filmshelf.accounts import media
from filmshelf.lists import service
from tests.conftest import AppCreds, LiveServer, bearer
from tests.web.browsing import Shots, block_other_origins, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]
PASSWORD = "correct horse battery"


def new_page(chromium: Any, server: LiveServer, **options: Any) -> tuple[Any, Any, list[str]]:
    context = chromium.new_context(**options)
    outside = block_other_origins(context, server.base_url)
    return context, context.new_page(), outside


def test_lists_flow(chromium: Any, server: LiveServer, alice: Any, app_creds: AppCreds, shots: Shots) -> None:
    token = server.sign_in(alice, app_creds)
    context, page, outside = new_page(chromium, server)
    try:
        sign_in(page, server.base_url, "alice", PASSWORD)
        page.goto(f"{server.base_url}/lists")
        page.fill("#name", "Weekend")
        page.fill("#description", "Two films and a show")
        page.click("#create-list")
        page.wait_for_selector("#list-name")
        list_url = page.url
        for query, kind, button in (("fight", "movie", "Add Fight Club"), ("matrix", "movie", "Add The Matrix"),
                                    ("thrones", "tv", "Add Game of Thrones")):  # fmt: skip
            page.fill("#q", query)
            page.check(f"#media-{kind}")
            page.click("#search")
            page.get_by_role("button", name=button).click()
            page.wait_for_selector("#items")
        shots.take(page, "list-with-items")
        page.locator("details summary").first.click()
        page.get_by_label("Comment on Fight Club").fill("first rule")
        page.get_by_role("button", name="Save comment").first.click()
        page.select_option("#sort_by", "title.asc")
        page.click("#sort")
        assert page.locator("#items li > a").all_inner_texts() == ["Fight Club", "Game of Thrones", "The Matrix"]
        shots.take(page, "sorted-by-title")
        details = server.client.get(f"/4/list/{list_url.rsplit('/', 1)[1]}", headers=bearer(token)).json()
        assert details["comments"]["movie:550"] == "first rule" and details["total_results"] == 3
        share = page.inner_text("#share-url").replace("http://127.0.0.1:8000", server.base_url)  # public_url
        # The shareable page opens signed out, read-only.
        visitor = context.browser.new_context()
        try:
            other = visitor.new_page()
            other.goto(share)
            assert other.inner_text("#list-name") == "Weekend"
            assert other.locator("#save-list").count() == 0
            shots.take(other, "shared-signed-out")
        finally:
            visitor.close()
        page.uncheck("#public")
        page.click("#save-list")
        page.wait_for_selector("#visibility")
        assert page.inner_text("#visibility") == "Private"
        assert server.client.get(share).status_code == 404
        page.click("#delete-open")
        page.click("#delete-list")
        page.wait_for_url(f"{server.base_url}/lists")
        shots.take(page, "deleted")
    finally:
        context.close()
    assert outside == []


def test_title_page_heart_bookmark_stars(
    chromium: Any, server: LiveServer, alice: Any, app_creds: AppCreds, shots: Shots
) -> None:
    token = server.sign_in(alice, app_creds)
    context, page, outside = new_page(chromium, server)
    try:
        sign_in(page, server.base_url, "alice", PASSWORD)
        page.goto(f"{server.base_url}/search")
        page.fill("#q", "fight club")
        page.click("#search")
        page.get_by_role("link", name="Fight Club").click()
        page.wait_for_selector("#favorite")
        page.click("#favorite")
        page.wait_for_selector('#favorite[aria-pressed="true"]')
        page.click("#watchlist")
        page.wait_for_selector('#watchlist[aria-pressed="true"]')
        page.select_option("#rating", "8.5")
        page.click("#rate")
        page.wait_for_selector("#your-rating")
        shots.take(page, "marked")
        account = f"/4/account/{alice.object_id}"
        assert [
            r["id"] for r in server.client.get(f"{account}/movie/favorites", headers=bearer(token)).json()["results"]
        ] == [550]
        assert [
            r["id"] for r in server.client.get(f"{account}/movie/watchlist", headers=bearer(token)).json()["results"]
        ] == [550]
        rated = server.client.get(f"{account}/movie/rated", headers=bearer(token)).json()["results"]
        assert [(r["id"], r["account_rating"]["value"]) for r in rated] == [(550, 8.5)]
        page.goto(f"{server.base_url}/account/ratings?media=movie")
        assert "Fight Club" in page.inner_text("#entries")
        shots.take(page, "ratings")
        page.get_by_role("button", name="Remove Fight Club").click()
        page.wait_for_load_state()
        assert server.client.get(f"{account}/movie/rated", headers=bearer(token)).json()["total_results"] == 0
        page.goto(f"{server.base_url}/account/recommendations?media=movie")
        assert page.locator("#recommendations li").count() > 0
        shots.take(page, "recommendations")
    finally:
        context.close()
    assert outside == []


def test_password_change_and_sign_out(
    chromium: Any, server: LiveServer, alice: Any, app_creds: AppCreds, shots: Shots
) -> None:
    token = server.sign_in(alice, app_creds)
    context, page, _ = new_page(chromium, server)
    elsewhere, other_page, _ = new_page(chromium, server)
    try:
        sign_in(page, server.base_url, "alice", PASSWORD)
        sign_in(other_page, server.base_url, "alice", PASSWORD)
        page.goto(f"{server.base_url}/account/password")
        page.fill("#current_password", PASSWORD)
        page.fill("#new_password", "a new long password")
        page.fill("#new_password_again", "a new long password")
        page.click("#change-password")
        page.wait_for_selector("#done")
        shots.take(page, "changed")
        other_page.goto(f"{server.base_url}/account")
        assert other_page.url.startswith(f"{server.base_url}/login")
        shots.take(other_page, "other-browser-signed-out")
        assert server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(token)).status_code == 401
        page.click("#sign-out")
        page.wait_for_url(f"{server.base_url}/login")
        sign_in(page, server.base_url, "alice", "a new long password")
        assert page.inner_text("header").count("alice") == 1
    finally:
        context.close()
        elsewhere.close()


def test_sign_up_when_open(chromium: Any, open_server: LiveServer, shots: Shots) -> None:
    server = open_server
    context, page, outside = new_page(chromium, server)
    try:
        page.goto(server.base_url)
        page.get_by_role("link", name="create an account").click()
        page.fill("#username", "newcomer")
        page.fill("#password", "a long new password")
        page.fill("#password_again", "a long new password")
        shots.take(page, "form")
        page.click("#create-account")
        page.wait_for_selector("#username")
        assert page.inner_text("#username") == "newcomer"
        shots.take(page, "signed-up")
    finally:
        context.close()
    assert outside == []


def test_approve_then_revoke_and_my_apps(
    chromium: Any, server: LiveServer, alice: Any, app_creds: AppCreds, shots: Shots
) -> None:
    token = server.request_token(app_creds)
    context, page, outside = new_page(chromium, server)
    try:
        page.goto(f"{server.base_url}/auth/access?request_token={quote(token, safe='')}")
        page.fill("#username", "alice")
        page.fill("#password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_selector("#approve")
        shots.take(page, "approve")
        page.click("#approve")
        page.wait_for_selector("#title")
        exchanged = server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
        access_token = exchanged.json()["access_token"]
        page.goto(f"{server.base_url}/account/access")
        shots.take(page, "approved-apps")
        page.get_by_role("button", name="Revoke Alice's app").click()
        page.wait_for_selector("#done")
        assert server.client.get(f"/4/account/{alice.object_id}/lists", headers=bearer(access_token)).status_code == 401
        page.goto(f"{server.base_url}/apps")
        page.fill("#name", "Browser app")
        page.click("#create-app")
        page.wait_for_selector("#read-token")
        old = page.inner_text("#read-token")
        assert server.client.get("/3/configuration", headers=bearer(old)).status_code == 200
        page.click("#regenerate")
        page.wait_for_selector("#done")
        assert page.inner_text("#read-token") != old
        assert server.client.get("/3/configuration", headers=bearer(old)).status_code == 401
        shots.take(page, "regenerated")
    finally:
        context.close()
    assert outside == []


def test_admin_disables_a_user(chromium: Any, server: LiveServer, alice: Any, shots: Shots) -> None:
    bob = server.create_user("bob")
    context, page, _ = new_page(chromium, server)
    try:
        sign_in(page, server.base_url, "alice", PASSWORD)
        page.goto(f"{server.base_url}/admin")
        assert page.inner_text("#engine") == "sqlite"
        shots.take(page, "status")
        page.goto(f"{server.base_url}/admin/users")
        page.get_by_role("button", name="Disable bob").click()
        page.wait_for_selector("#done")
        shots.take(page, "disabled")
        assert "Disabled" in page.inner_text("#user-bob")
    finally:
        context.close()
    other, other_page, _ = new_page(chromium, server)
    try:
        sign_in(other_page, server.base_url, "bob", PASSWORD)
        assert "Invalid username or password" in other_page.inner_text("main")
        shots.take(other_page, "bob-refused")
    finally:
        other.close()
    assert bob.id > alice.id


def test_docs_offline_and_developer_page(chromium: Any, server: LiveServer, shots: Shots) -> None:
    context, page, outside = new_page(chromium, server)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    try:
        page.goto(server.base_url)
        page.click("#docs-link")
        page.wait_for_selector(".opblock", timeout=30_000)
        assert page.locator(".opblock").count() > 40
        page.locator(".opblock-summary").first.click()
        page.wait_for_selector(".responses-table")
        assert "status_code" in page.inner_text(".responses-wrapper")
        shots.take(page, "docs")
        page.goto(f"{server.base_url}/developers")
        assert "tmdbapis" in page.inner_text("main")
        shots.take(page, "developers")
    finally:
        context.close()
    assert outside == [] and problems == []


def seed(server: LiveServer, alice: Any) -> int:
    async def work() -> int:
        db, now = server.services.db, server.clock.now()
        async with db.write() as conn:
            list_id = await service.create_list(
                conn, account_id=alice.id, name="Seeded", description="for the checks", public=True,
                iso_639_1=None, iso_3166_1=None, now=now,
            )  # fmt: skip
            await service.add_items(
                conn,
                list_id=list_id,
                account_id=alice.id,
                items=[service.ItemInput("movie", 550, "a comment"), service.ItemInput("tv", 1399)],
                now=now,
            )
        async with db.write() as conn:
            await media.set_mark(
                conn, kind="favorite", account_id=alice.id, media_type="movie", media_id=603, on=True, now=now
            )
            await media.rate(conn, account_id=alice.id, media_type="movie", media_id=550, value=8.0, now=now)
        return list_id

    return server.call(work())


def test_every_page_is_accessible(
    chromium: Any, server: LiveServer, alice: Any, app_creds: AppCreds, shots: Shots
) -> None:
    list_id = seed(server, alice)
    server.sign_in(alice, app_creds)
    approval = f"/auth/access?request_token={quote(server.request_token(app_creds), safe='')}"
    pages = [
        approval, "/auth/access/approve?app=x", "/auth/access/deny?app=x",
        "/", "/login", "/search?q=the", "/movie/550", "/tv/1399", f"/lists/{list_id}", "/docs", "/developers",
        "/account", "/account/password", "/account/favorites?media=movie", "/account/watchlist",
        "/account/ratings?media=movie", "/account/recommendations?media=tv", "/account/access", "/lists", "/apps",
        f"/apps/{app_creds.app.id}", "/admin", "/admin/users", "/admin/apps", "/lists/999999",
    ]  # fmt: skip
    context, page, outside = new_page(chromium, server)
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        page.goto(f"{server.base_url}/login")
        assert serious_violations(page) == []
        sign_in(page, server.base_url, "alice", PASSWORD)
        for path in pages:
            page.goto(server.base_url + path)
            if path == "/docs":
                page.wait_for_selector(".opblock", timeout=30_000)
            violations = serious_violations(page)
            if violations:
                found[path] = violations
            shots.take(page, path.strip("/").replace("/", "_").split("?")[0] or "home")
        # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
        page.goto(f"{server.base_url}/lists")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        # Responsive: a phone-sized viewport has no horizontal scrolling.
        page.set_viewport_size({"width": 375, "height": 740})
        for path in (f"/lists/{list_id}", "/movie/550", "/admin/users"):
            page.goto(server.base_url + path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            shots.take(page, "phone_" + path.strip("/").replace("/", "_"))
    finally:
        context.close()
    assert found == {}
    assert outside == []
