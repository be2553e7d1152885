"""Schemathesis over the served OpenAPI document: no request it generates gets a server error."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings

from tests.conftest import AppCreds, LiveServer

if TYPE_CHECKING:
    from schemathesis.schemas import APIOperation

    # What `get_all_operations` yields: schemathesis leaves APIOperation's four type parameters open.
    Operation = APIOperation[Any, Any, Any, Any]


def test_no_server_errors(server: LiveServer, app_creds: AppCreds, alice: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import schemathesis
        from schemathesis.core.result import Ok

        schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    access = server.sign_in(alice, app_creds)
    failures: list[str] = []
    # Without credentials every operation stops at the credential check once its parameters are
    # parsed, which the two credentialed passes already explore: fewer cases there.
    for auth, examples in ((app_creds.read_token, 15), (access, 15), (None, 6)):
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result.err()
            operation = result.ok()
            if _same_handler_as_another(operation.path):
                continue
            check = make_check(operation, headers, server.base_url, failures, examples)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check()
    assert failures == []


def make_check(
    operation: Operation, headers: dict[str, str], base_url: str, failures: list[str], examples: int
) -> Callable[[], None]:
    """A hypothesis test that sends `examples` generated cases of one operation and records server errors."""

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
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


# Title parts all run one builder table through one handler (api/v3/titles.py, `_part`): a few of
# them stand for the rest (movie/popular and tv/on_the_air for the named lists), so the test stays
# inside its time limit.
_PART = re.compile(r"^/3/(movie/\{movie_id\}|tv/\{series_id\})/(?P<part>[a-z_/]+)$")
_PARTS_TESTED = {"credits", "similar", "watch/providers", "rating", "account_states"}


# The named lists share one handler too (api/v3/discover.py, `_named`); these two stand for them.
_NAMED_LISTS_SKIPPED = {
    "/3/movie/top_rated",
    "/3/movie/now_playing",
    "/3/movie/upcoming",
    "/3/tv/popular",
    "/3/tv/top_rated",
    "/3/tv/airing_today",
}


def _same_handler_as_another(path: str) -> bool:
    match = _PART.match(path)
    return (match is not None and match.group("part") not in _PARTS_TESTED) or path in _NAMED_LISTS_SKIPPED
