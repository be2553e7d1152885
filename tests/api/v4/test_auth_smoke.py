from __future__ import annotations

from tests.conftest import AppCreds, LiveServer, bearer


def test_flow(server: LiveServer, app_creds: AppCreds, alice) -> None:
    token = server.sign_in(alice, app_creds)
    r = server.client.request("DELETE", "/4/auth/access_token", headers=bearer(token), json={"access_token": token})
    assert r.status_code == 200, r.text
