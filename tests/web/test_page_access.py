"""Authorization over every page by {owner, another user, signed out}, and over every form action.

Engine-independent (the pages call the same domain functions on either engine): SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from filmshelf.accounts import media
from filmshelf.lists import service
from tests.conftest import LiveServer, bearer
from tests.web.support import browser, csrf_of, sign_in, submit

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

SECRET_LIST = "Alice secret list"
PUBLIC_LIST = "Alice public list"
SECRET_APP = "Alice private app"


@dataclass
class World:
    server: LiveServer
    private_list: int
    public_list: int
    app_id: int
    api_key: str
    access_token: str
    owner: httpx.Client
    other: httpx.Client
    anon: httpx.Client


@pytest.fixture
def world(server: LiveServer) -> Iterator[World]:
    alice = server.create_user("alice")  # the first account: the administrator
    server.create_user("bob")
    creds = server.create_app(alice, SECRET_APP)
    token = server.sign_in(alice, creds)

    async def seed() -> tuple[int, int]:
        db = server.services.db
        now = server.clock.now()
        async with db.write() as conn:
            private = await service.create_list(
                conn, account_id=alice.id, name=SECRET_LIST, description="d", public=False,
                iso_639_1=None, iso_3166_1=None, now=now,
            )  # fmt: skip
            public = await service.create_list(
                conn, account_id=alice.id, name=PUBLIC_LIST, description="d", public=True,
                iso_639_1=None, iso_3166_1=None, now=now,
            )  # fmt: skip
            await service.add_items(
                conn, list_id=public, account_id=alice.id, items=[service.ItemInput("movie", 550)], now=now
            )
        async with db.write() as conn:
            await media.set_mark(
                conn, kind="favorite", account_id=alice.id, media_type="movie", media_id=603, on=True, now=now
            )
            await media.rate(conn, account_id=alice.id, media_type="movie", media_id=550, value=8.5, now=now)
        return private, public

    private, public = server.call(seed())
    owner, other, anon = browser(server), browser(server), browser(server)
    sign_in(owner, "alice")
    sign_in(other, "bob")
    try:
        yield World(server, private, public, creds.app.id, creds.app.api_key, token, owner, other, anon)
    finally:
        for client in (owner, other, anon):
            client.close()


# Pages about "my" things: the owner sees theirs, another user sees their own (never the owner's),
# a visitor is sent to sign in.
MINE = [
    "/account",
    "/account/password",
    "/account/favorites?media=movie",
    "/account/watchlist?media=tv",
    "/account/ratings?media=movie",
    "/account/recommendations?media=movie",
    "/account/access",
    "/lists",
    "/apps",
]
OPEN = ["/", "/login", "/search?q=matrix", "/search?q=the&media=tv", "/movie/550", "/tv/1399", "/docs", "/developers"]
ADMIN = ["/admin", "/admin/users", "/admin/apps"]


def markers(world: World) -> list[str]:
    """Strings only the owner's pages may show."""
    return [SECRET_LIST, SECRET_APP, world.api_key, "<td>8.5</td>", "The Matrix"]


def test_every_page_for_owner_other_user_and_visitor(world: World) -> None:
    for path in MINE:
        mine = world.owner.get(path)
        assert mine.status_code == 200, path
        theirs = world.other.get(path)
        assert theirs.status_code == 200, path
        for marker in markers(world):
            if marker == "The Matrix" and "recommendations" in path:
                continue  # recommendations are computed per account and may name any title
            assert marker not in theirs.text, (path, marker)
        visitor = world.anon.get(path)
        assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login?next="), path
    # The owner does see their own things there.
    assert SECRET_LIST in world.owner.get("/lists").text
    assert SECRET_APP in world.owner.get("/apps").text
    assert SECRET_APP in world.owner.get("/account/access").text
    assert "The Matrix" in world.owner.get("/account/favorites?media=movie").text
    assert "<td>8.5</td>" in world.owner.get("/account/ratings?media=movie").text
    assert world.api_key in world.owner.get(f"/apps/{world.app_id}").text

    for path in OPEN:
        for client in (world.owner, world.other, world.anon):
            response = client.get(path)
            assert response.status_code == 200, path
            if client is not world.owner:
                for marker in (SECRET_LIST, SECRET_APP, world.api_key):
                    assert marker not in response.text, (path, marker)
    assert 'id="your-rating"' not in world.other.get("/movie/550").text  # alice's rating is alice's
    assert 'id="your-rating">8.5' in world.owner.get("/movie/550").text

    for path in ADMIN:
        assert world.owner.get(path).status_code == 200, path
        assert world.other.get(path).status_code == 403, path
        visitor = world.anon.get(path)
        assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login"), path

    # Ids: private things are "not found" to everyone else; nonsense ids too.
    for path in (f"/lists/{world.private_list}", f"/apps/{world.app_id}"):
        assert world.owner.get(path).status_code == 200
        assert world.other.get(path).status_code == 404
    assert world.anon.get(f"/lists/{world.private_list}").status_code == 404
    assert world.anon.get(f"/apps/{world.app_id}").status_code == 303
    for path in ("/lists/0", "/lists/abc", "/lists/99999", "/apps/99999", "/movie/abc", "/tv/0", "/movie/999999999"):
        assert world.owner.get(path).status_code == 404, path

    # A public list is shared, read-only.
    path = f"/lists/{world.public_list}"
    owner = world.owner.get(path)
    assert owner.status_code == 200 and 'id="save-list"' in owner.text
    for client in (world.other, world.anon):
        page = client.get(path)
        assert page.status_code == 200 and "Fight Club" in page.text
        assert 'id="save-list"' not in page.text and 'id="delete-list"' not in page.text
        assert "Add titles" not in page.text

    # Headers of every page.
    for path in [*MINE, *OPEN, *ADMIN, f"/lists/{world.public_list}", f"/apps/{world.app_id}"]:
        response = world.owner.get(path)
        assert response.headers["x-frame-options"] == "DENY", path
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        assert ("script-src" in csp) == (path == "/docs"), path
        assert "unsafe-inline" not in csp, path
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


def test_forms_of_other_users_and_visitors_change_nothing(world: World) -> None:
    other = world.other
    private, public = world.private_list, world.public_list
    for list_id in (private, public):
        attempts = [
            (f"/lists/{list_id}/edit", {"name": "pwned", "description": "", "sort_by": "title.asc"}),
            (f"/lists/{list_id}/items", {"media_type": "movie", "media_id": "603"}),
            (f"/lists/{list_id}/items/remove", {"media_type": "movie", "media_id": "550"}),
            (f"/lists/{list_id}/items/comment", {"media_type": "movie", "media_id": "550", "comment": "x"}),
            (f"/lists/{list_id}/delete", {}),
        ]
        for action, data in attempts:
            assert submit(other, "/lists", action, data).status_code == 404, action
    for action in (f"/apps/{world.app_id}/regenerate", f"/apps/{world.app_id}/revoke"):
        assert submit(other, "/apps", action).status_code == 404
    # Revoking "alice's app" from bob's access page ends only bob's grants (he has none).
    assert submit(other, "/account/access", f"/account/access/{world.app_id}/revoke").status_code == 303
    for action in (
        "/admin/users",
        "/admin/users/1/disable",
        "/admin/users/1/password",
        f"/admin/apps/{world.app_id}/revoke",
    ):
        assert (
            submit(other, "/account", action, {"username": "x1", "password": "p" * 12, "disabled": "1"}).status_code
            == 403
        )
    # Everything still stands, read back through the API.
    listed = world.server.client.get(f"/4/list/{public}", headers=bearer(world.access_token))
    assert listed.status_code == 200 and listed.json()["name"] == PUBLIC_LIST
    assert listed.json()["total_results"] == 1 and listed.json()["comments"] == {"movie:550": None}
    assert world.server.client.get(f"/4/list/{private}", headers=bearer(world.access_token)).status_code == 200

    # A visitor's forms lead to the sign-in page.
    token = csrf_of(world.anon.get("/login"))
    for action in (
        f"/lists/{world.public_list}/edit",
        f"/lists/{world.public_list}/delete",
        "/lists",
        "/movie/550/favorite",
        "/movie/550/rating",
        "/apps",
        f"/account/access/{world.app_id}/revoke",
        "/account/password",
        "/admin/users",
    ):
        response = world.anon.post(action, data={"_csrf_token": token, "name": "x"})
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), action

    # No form works without the CSRF token.
    for action in (
        "/lists",
        f"/lists/{world.public_list}/edit",
        "/movie/550/favorite",
        "/apps",
        f"/apps/{world.app_id}/regenerate",
        f"/account/access/{world.app_id}/revoke",
        "/account/password",
        "/admin/users",
        "/logout",
    ):
        assert world.owner.post(action, data={"name": "x"}).status_code == 403, action
    listed = world.server.client.get(f"/4/list/{world.public_list}", headers=bearer(world.access_token))
    assert listed.json()["name"] == PUBLIC_LIST
