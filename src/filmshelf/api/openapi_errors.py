"""The TMDB status codes each operation can answer, written into the served OpenAPI document.

Derived, not hand-listed: rules over what an operation has (its path prefix, path ids, `page`,
`sort_by`, a body, which credentials it takes) pick codes, a short table adds the codes of the
few operations with their own (the sign-in steps), and every code becomes a `responses` entry
under the HTTP status `errors.STATUS` pairs it with, with TMDB's message. Routes added later get
their codes from the same rules.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from filmshelf.errors import STATUS

# Every /3 and /4 operation: a bad or missing credential, a revoked user token given as one,
# input that is not valid (NUL in a query, malformed JSON), rate limits, and the unexpected.
EVERY = (7, 35, 47, 25, 11)
# Codes only some operations have, by operationId.
OWN_CODES: dict[str, tuple[int, ...]] = {
    "createARequestToken": (5,),
    "createAccessToken": (33, 41),
    "logout": (),
    "createV3RequestToken": (),
    "validateWithLogin": (26, 30, 33),
    "createV3Session": (17, 33),
    "createSessionFromV4Token": (36,),
    "deleteV3Session": (37,),
    "movieDetails": (27,),
    "tvSeriesDetails": (27,),
}
_V3_SESSION_PATHS = re.compile(r"^/3/(account|movie/\{[^}]+\}/rating|tv/\{[^}]+\}/rating)")
_V4_ACCOUNT = re.compile(r"^/4/account/")
_V4_LIST = re.compile(r"^/4/list")
_YEAR_PARAMS = {"year", "primary_release_year", "first_air_date_year"}


def codes_for(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The TMDB status codes an operation can answer (sorted, without its 2xx)."""
    params = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
    path_params = {
        p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict) and p.get("in") == "path"
    }
    codes = set(EVERY)
    codes.update(OWN_CODES.get(str(operation.get("operationId")), ()))
    if path_params:
        codes.add(34)  # an id that names nothing (or nothing the caller may see)
    if "page" in params:
        codes.add(22)
    if "sort_by" in params or params & _YEAR_PARAMS:
        codes.add(5)
    if _V4_ACCOUNT.match(path):
        codes.update((3, 36))  # another account's path id; the app read token is not a user
    if _V4_LIST.match(path) and (method != "get" or path.endswith("/clear")):
        codes.update((36, 38, 5))  # a user token with write scope, the owner's, valid values
    if _V3_SESSION_PATHS.match(path):
        codes.add(3)  # a session_id that is missing, ended or not this account's
        if method in {"post", "delete"}:
            codes.update((18, 34))  # media_type / media_id / value rules; a title not in the catalog
    return sorted(codes)


def _response(codes: Iterable[int]) -> dict[str, Any]:
    lines = [f"TMDB `status_code` {code}: {STATUS[code].message}" for code in codes]
    examples = {
        f"status_code_{code}": {
            "value": {"success": False, "status_code": code, "status_message": STATUS[code].message}
        }
        for code in codes
    }
    return {
        "description": "\n\n".join(lines),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TMDBError"}, "examples": examples}},
    }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["success", "status_code", "status_message"],
    "properties": {
        "success": {"type": "boolean", "const": False},
        "status_code": {"type": "integer", "description": "TMDB's status code (see the responses of each operation)."},
        "status_message": {"type": "string"},
        "error_message": {"type": "string", "description": "A human-readable detail, when there is one."},
    },
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of an OpenAPI document (as a dict) with the error `responses` of every operation."""
    document = copy.deepcopy(schema)
    document.setdefault("components", {}).setdefault("schemas", {})["TMDBError"] = ERROR_SCHEMA
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "delete", "patch"} or not isinstance(operation, dict):
                continue
            by_status: dict[int, list[int]] = defaultdict(list)
            for code in codes_for(path, method, operation):
                by_status[STATUS[code].http_status].append(code)
            responses = operation.setdefault("responses", {})
            for status in [key for key in responses if not str(key).startswith("2")]:
                del responses[status]  # the framework's generic 400 says less than TMDB's codes
            for status, codes in sorted(by_status.items()):
                responses[str(status)] = _response(codes)
    return document
