"""One test per known JWT attack class (PyJWT's test_advisory.py idea), over real HTTP."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import jwt
import pytest

from filmshelf.auth.tokens import TokenKind, sign
from tests.conftest import AppCreds, LiveServer, bearer


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def craft(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(claims).encode()), b64(signature)])


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


@pytest.fixture
def user_claims(server: LiveServer, app_creds: AppCreds, alice: Any) -> dict[str, Any]:
    return claims_of(server.sign_in(alice, app_creds))


def status_of(server: LiveServer, token: str) -> tuple[int, int]:
    response = server.client.post("/4/auth/request_token", headers=bearer(token))
    return response.status_code, response.json()["status_code"]


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_cve_2015_9235_alg_none(server: LiveServer, app_creds: AppCreds, user_claims: dict[str, Any], alg: str) -> None:
    for claims in (claims_of(app_creds.read_token), user_claims):
        assert status_of(server, craft({"alg": alg}, claims))[0] == 401
        assert status_of(server, craft({"alg": alg, "typ": "JWT"}, claims) + "x")[0] == 401


@pytest.mark.parametrize("alg", ["HS512", "HS384", "RS256", "ES256", "PS256"])
def test_algorithm_confusion_other_algorithms(
    server: LiveServer, app_creds: AppCreds, user_claims: dict[str, Any], alg: str
) -> None:
    for claims in (claims_of(app_creds.read_token), user_claims):
        if alg.startswith("HS"):
            token = jwt.encode(claims, server.services.keys.app * 2, algorithm=alg)
        else:
            token = craft({"alg": alg}, claims, os.urandom(256))
        assert status_of(server, token)[0] == 401


def test_cve_2017_11424_hmac_with_public_key_material(server: LiveServer, app_creds: AppCreds) -> None:
    public_key = b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + os.urandom(32).hex().encode()
    token = jwt.encode(claims_of(app_creds.read_token), public_key, algorithm="HS256")
    assert status_of(server, token) == (401, 7)


def test_bad_signature_and_tampered_claims(
    server: LiveServer, app_creds: AppCreds, user_claims: dict[str, Any]
) -> None:
    head, payload, signature = app_creds.read_token.split(".")
    tampered = claims_of(app_creds.read_token) | {"scopes": ["api_read", "api_write"]}
    assert status_of(server, f"{head}.{b64(json.dumps(tampered).encode())}.{signature}")[0] == 401
    assert status_of(server, f"{head}.{payload}.{signature[:-2]}AA")[0] == 401


def test_kind_separation(server: LiveServer, app_creds: AppCreds, user_claims: dict[str, Any]) -> None:
    keys = server.services.keys
    # A user-token-shaped token signed with the request-token key, and vice versa, are refused.
    assert status_of(server, sign(user_claims, keys, TokenKind.REQUEST)) == (401, 35)
    assert status_of(server, sign(claims_of(app_creds.read_token), keys, TokenKind.ACCESS)) == (401, 7)


@pytest.mark.parametrize("drop", ["jti", "aud", "sub", "scopes"])
def test_missing_claims(server: LiveServer, user_claims: dict[str, Any], drop: str) -> None:
    claims = {k: v for k, v in user_claims.items() if k != drop}
    assert status_of(server, sign(claims, server.services.keys, TokenKind.ACCESS))[0] == 401


def test_wrong_audience_and_subject(
    server: LiveServer, app_creds: AppCreds, alice: Any, user_claims: dict[str, Any]
) -> None:
    other = server.create_app(alice, "Other")
    keys = server.services.keys
    assert status_of(server, sign(user_claims | {"aud": other.app.api_key}, keys, TokenKind.ACCESS)) == (401, 35)
    assert status_of(server, sign(user_claims | {"sub": "0" * 24}, keys, TokenKind.ACCESS)) == (401, 35)


def test_not_before_and_expiry_use_server_clock(server: LiveServer, user_claims: dict[str, Any]) -> None:
    keys = server.services.keys
    future = user_claims | {"nbf": server.clock.now() + 3600}
    assert status_of(server, sign(future, keys, TokenKind.ACCESS)) == (401, 35)
    past = user_claims | {"exp": int(server.clock.now()) - 1}
    assert status_of(server, sign(past, keys, TokenKind.ACCESS)) == (401, 35)


def test_oversized_and_random_bearers_never_500(server: LiveServer) -> None:
    huge = server.client.post("/4/auth/request_token", headers=bearer("a" * 1_000_000))
    assert huge.status_code in {400, 401, 413, 431}
    rng = __import__("random").Random(1234)
    for _ in range(300):
        raw = bytes(rng.randrange(33, 127) for _ in range(rng.randrange(1, 300))).decode()
        if rng.random() < 0.5:
            raw = ".".join([*raw.split("."), "x", "y"])[:400]
        response = server.client.post("/4/auth/request_token", headers=bearer(raw))
        assert response.status_code == 401, (raw, response.text)
        assert response.json()["success"] is False
