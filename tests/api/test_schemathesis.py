"""Schemathesis over the served OpenAPI document: no request it generates gets a server error."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.conftest import AppCreds, LiveServer


def test_no_server_errors(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    if server.engine != "sqlite":
        pytest.skip("one engine is enough for the fuzzing pass; storage differences are covered elsewhere")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import schemathesis
        from hypothesis import HealthCheck, given, settings

        schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    access = server.sign_in(alice, app_creds)
    failures: list[str] = []
    for auth in (app_creds.read_token, access, None):
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy())
            def check(case: Any, headers: dict[str, str] = headers) -> None:
                response = case.call(base_url=server.base_url, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code} {response.text[:200]}")
                assert response.headers.get("content-type", "").startswith("application/json")

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check()
    assert failures == []
