"""Every failure is TMDB's JSON envelope with the right HTTP status, never HTML, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from filmshelf.errors import STATUS
from tests.conftest import AppCreds, LiveServer


def assert_envelope(response: Any, http_status: int, code: int) -> None:
    assert response.status_code == http_status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["status_code"] == code
    assert body["status_message"] == STATUS[code].message


@pytest.mark.parametrize("path", ["/nope", "/4/no/such/path", "/3/nope/deeper", "/4/auth/request_token/extra"])
def test_unknown_paths_are_34(server: LiveServer, path: str) -> None:
    assert_envelope(server.client.get(path), 404, 34)


def test_wrong_method_is_42(server: LiveServer) -> None:
    assert_envelope(server.client.get("/4/auth/request_token"), 405, 42)
    assert_envelope(server.client.put("/4/auth/access_token", json={}), 405, 42)


def test_oversized_body_is_json_413(server: LiveServer, app_creds: AppCreds) -> None:
    body = b'{"redirect_to": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    response = server.client.post(
        "/4/auth/request_token", headers={**app_creds.headers, "Content-Type": "application/json"}, content=body
    )
    assert_envelope(response, 413, 47)


def test_status_table_matches_reference() -> None:
    assert STATUS[33].http_status == 401 and STATUS[41].http_status == 422 and STATUS[36].http_status == 401
    assert STATUS[25].message == "Your request count (#) is over the allowed limit of (40)."
    assert len(STATUS) == 47 and sorted(STATUS) == list(range(1, 48))


def test_unexpected_exception_is_code_11_without_traceback(
    server: LiveServer, app_creds: AppCreds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filmshelf.auth import request_tokens

    def explode(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(request_tokens, "issue", explode)
    response = server.client.post("/4/auth/request_token", headers=app_creds.headers)
    assert_envelope(response, 500, 11)
    assert "secret internal detail" not in response.text and "Traceback" not in response.text


def test_no_secrets_in_logs(
    server: LiveServer, app_creds: AppCreds, alice: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = server.request_token(app_creds)
    server.decide(token, alice, app_creds)
    access = server.client.post(
        "/4/auth/access_token", headers=app_creds.headers, json={"request_token": token}
    ).json()["access_token"]
    server.client.post("/4/auth/access_token", headers=app_creds.headers, json={"request_token": token})
    text = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("httpx"))
    for secret in (token, access, app_creds.read_token, "correct horse battery"):
        assert secret not in text
    for part in (token.split(".")[1], access.split(".")[2]):
        assert part not in text


def test_openapi_document_uses_tmdb_names(server: LiveServer) -> None:
    response = server.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operation = document["paths"]["/4/auth/request_token"]["post"]
    assert operation["operationId"] == "createARequestToken"
    schemas = document["components"]["schemas"]
    response_schema = next(v for k, v in schemas.items() if k.endswith("RequestTokenResponse"))
    assert set(response_schema["properties"]) == {"request_token", "status_code", "status_message", "success"}


@pytest.mark.parametrize("query", ["query=a%00b", "api_key=%00", "page=1%00"])
def test_nul_in_query_is_400_47(server: LiveServer, query: str) -> None:
    assert_envelope(server.client.get(f"/3/search/movie?{query}"), 400, 47)


def test_nul_in_json_text_is_not_a_500(server: LiveServer, app_creds: AppCreds) -> None:
    body = {"username": "al\u0000ice", "password": "x\u0000y", "request_token": "t\u0000"}
    response = server.client.post("/3/authentication/token/validate_with_login", headers=app_creds.headers, json=body)
    assert response.status_code < 500 and response.json()["success"] is False
    response = server.client.post(
        "/4/auth/request_token", headers=app_creds.headers, json={"redirect_to": "https://a.example/\u0000"}
    )
    assert_envelope(response, 422, 5)
