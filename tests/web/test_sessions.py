"""Browser sessions in the database (issue 9 §1.4, §1.5), on both engines.

Rows hold the SHA-256 of the session id, never the id; anonymous page views write no row and
set no session cookie; expired rows are purged as sessions are written (clock moved, no sleep).
"""

from __future__ import annotations

import hashlib
import re

import httpx
from sqlalchemy import select

from filmshelf.accounts.users import Account
from filmshelf.storage.tables import web_sessions
from tests.conftest import LiveServer

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"
WEEK = 7 * 24 * 3600


def stored_rows(server: LiveServer) -> list[tuple[str, bytes]]:
    async def read() -> list[tuple[str, bytes]]:
        async with server.services.db.read() as conn:
            rows = await conn.rows(select(web_sessions))
        return [(str(row[0]), bytes(row[1])) for row in rows]

    return server.call(read())


def browser(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30)


def sign_in(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    match = CSRF.search(client.get("/login").text)
    assert match
    data = {"username": "alice", "password": password, "next": "/", "_csrf_token": match.group(1)}
    return client.post("/login", data=data)


def test_rows_hold_a_hash_of_the_session_id(server: LiveServer, alice: Account) -> None:
    with browser(server) as client:
        assert sign_in(client).status_code == 303
        session_id = client.cookies["filmshelf_session"]
        assert re.fullmatch(r"[0-9a-f]{64}", session_id)
        rows = stored_rows(server)
        assert [key for key, _ in rows] == [hashlib.sha256(session_id.encode()).hexdigest()]
        assert all(session_id.encode() not in value for _, value in rows)
        assert "Signed in as" in client.get("/").text
    # The stored key is not a session id: as a cookie it signs nobody in.
    with browser(server) as thief:
        thief.cookies.set("filmshelf_session", rows[0][0])
        assert "Signed in as" not in thief.get("/").text


def test_anonymous_visits_write_nothing(server: LiveServer, alice: Account) -> None:
    with browser(server) as client:
        for path in ("/", "/login", "/auth/access/approve", "/auth/access/deny", "/auth/access"):
            response = client.get(path)
            assert "filmshelf_session" not in response.headers.get("set-cookie", ""), path
        refused = sign_in(client, "wrong password here")
        assert refused.status_code == 401
        assert "filmshelf_session" not in refused.headers.get("set-cookie", "")
    assert stored_rows(server) == []


def test_sign_out_deletes_the_row_and_clears_the_cookie(server: LiveServer, alice: Account) -> None:
    with browser(server) as client:
        sign_in(client)
        assert len(stored_rows(server)) == 1
        home = client.get("/")
        match = CSRF.search(home.text)
        assert match
        out = client.post("/logout", data={"_csrf_token": match.group(1)})
        assert out.status_code == 303
        assert re.search(r"filmshelf_session=(null|\"\")?;", out.headers["set-cookie"]), out.headers
    assert stored_rows(server) == []


def test_expired_rows_are_purged_when_sessions_are_written(server: LiveServer, alice: Account) -> None:
    for _ in range(3):
        with browser(server) as client:
            sign_in(client)
    assert len(stored_rows(server)) == 3
    server.clock.advance(WEEK - 60)
    with browser(server) as late:
        sign_in(late)
        late_id = late.cookies["filmshelf_session"]
    assert len(stored_rows(server)) == 4  # nothing has expired yet
    server.clock.advance(120)
    with browser(server) as fresh:
        sign_in(fresh)
        fresh_id = fresh.cookies["filmshelf_session"]
    keys = {key for key, _ in stored_rows(server)}
    assert keys == {hashlib.sha256(i.encode()).hexdigest() for i in (late_id, fresh_id)}


def test_an_expired_session_signs_nobody_in(server: LiveServer, alice: Account) -> None:
    with browser(server) as client:
        sign_in(client)
        server.clock.advance(WEEK + 1)
        home = client.get("/")
        assert "Signed in as" not in home.text
    assert stored_rows(server) == []
