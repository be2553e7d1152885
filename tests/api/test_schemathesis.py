"""Schemathesis over the served OpenAPI document: no request it generates gets a server error."""

from __future__ import annotations

import warnings
from typing import Any

from tests.conftest import AppCreds, LiveServer


def test_no_server_errors(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
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
            check = make_check(operation, headers, server.base_url, failures, given, settings, HealthCheck)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check()
    assert failures == []


def make_check(
    operation: Any, headers: dict[str, str], base_url: str, failures: list[str], given: Any, settings: Any, health: Any
) -> Any:
    """A hypothesis test that sends generated cases of one operation and records server errors."""

    @settings(max_examples=25, deadline=None, suppress_health_check=list(health), database=None)
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} -> {response.status_code} {response.text[:200]}")
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])
        assert str(content_type[0] if isinstance(content_type, list) else content_type).startswith(
            "application/json"
        ), case.formatted_path

    return check
