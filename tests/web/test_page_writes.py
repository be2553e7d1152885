"""A page's write re-checks its account inside the transaction (issue 9 §2, as the API's
`write_for` does): a password change elsewhere or a disabling that lands between the page's
check and its write changes nothing, and the page goes back to the sign-in form."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest
from litestar import Request

from filmshelf.accounts import users
from filmshelf.errors import NotFound
from filmshelf.lists import service
from filmshelf.web.common import signed_out_handler
from filmshelf.web.pages import SignedOutMeanwhile, write_as
from filmshelf.web.site import page_router_options
from tests.conftest import LiveServer


def _request_of(server: LiveServer) -> Any:
    # `write_as` reads only the app's services from the request.
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(services=server.services)))


def _try_to_create_a_list(server: LiveServer, account: users.Account) -> tuple[type[Exception] | None, int]:
    """(SignedOutMeanwhile or None, the id the list got inside the transaction)."""
    created: list[int] = []

    async def attempt() -> type[Exception] | None:
        try:
            async with write_as(_request_of(server), account) as conn:
                created.append(
                    await service.create_list(
                        conn,
                        account_id=account.id,
                        name="A list",
                        description="",
                        public=False,
                        iso_639_1=None,
                        iso_3166_1=None,
                        now=server.clock.now(),
                    )
                )
        except SignedOutMeanwhile as exc:
            return type(exc)
        return None

    refused = server.call(attempt())
    return refused, (created[0] if created else 0)


def _stored(server: LiveServer, account: users.Account, list_id: int) -> bool:
    async def look() -> bool:
        async with server.services.db.read() as conn:
            try:
                await service.owned(conn, list_id=list_id, account_id=account.id)
            except NotFound:
                return False
        return True

    return server.call(look())


def test_a_write_as_a_live_account_goes_through(server: LiveServer) -> None:
    alice = server.create_user("alice")
    refused, list_id = _try_to_create_a_list(server, alice)
    assert refused is None and _stored(server, alice, list_id)


def test_a_password_change_after_the_check_stops_the_write(server: LiveServer) -> None:
    alice = server.create_user("alice")  # as the page read her, before the change below
    server.call(
        users.change_password(
            server.services.db,
            hasher=server.services.hasher,
            account_id=alice.id,
            password="a brand new password",
            now=server.clock.now(),
        )
    )
    refused, list_id = _try_to_create_a_list(server, alice)
    assert refused is SignedOutMeanwhile
    assert list_id == 0  # refused before the write: nothing was created


def test_a_disabling_after_the_check_stops_the_write(server: LiveServer) -> None:
    server.create_user("admin")  # the first account is the administrator
    bob = server.create_user("bob")
    assert server.call(users.set_disabled(server.services.db, account_id=bob.id, disabled=True, now=server.clock.now()))
    refused, list_id = _try_to_create_a_list(server, bob)
    assert refused is SignedOutMeanwhile and list_id == 0


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_page_then_goes_to_the_sign_in_form(server: LiveServer) -> None:
    assert page_router_options()["exception_handlers"][SignedOutMeanwhile] is signed_out_handler
    scope = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "root_path": "",
        "path": "/lists/7/items",
        "query_string": b"page=2",
        "headers": [],
    }
    response = signed_out_handler(cast(Any, Request(scope=cast(Any, scope))), SignedOutMeanwhile())
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=%2Flists%2F7%2Fitems%3Fpage%3D2"
