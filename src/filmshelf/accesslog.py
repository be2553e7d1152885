"""Redaction of secrets from access-log lines (FILMSHELF_ACCESS_LOG=1; security checklist B5/D6).

uvicorn logs each request target with its query string as the client sent it. Clients send
credentials there (`api_key`, `session_id`, `guest_session_id`, the `request_token` of the
approval page), sometimes percent-encoded (`session%5Fid=`), double-encoded, or nested in another
parameter (`next=%2Fauth%2Faccess%3Frequest_token%3D...`). Redaction therefore works on the
decoded names and values: a parameter is redacted whole when its decoded name is a secret's, or
when its decoded value carries a secret parameter or a JWT. The filter is installed on uvicorn's
access handler through `uvicorn_log_config()`, which every worker process applies.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
SECRET_NAMES = frozenset({"api_key", "apikey", "session_id", "guest_session_id", "password", "secret"})
SECRET_SUFFIXES = ("token", "_key", "session_id", "password", "secret")
# A JWT (our request and access tokens): base64url JSON header, a dot, more base64url.
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}")
_PARAMS = re.compile(r"([^&;=]*)(=?)([^&;]*)")
_MAX_DECODES = 4


def _decoded(text: str) -> str:
    """Percent-decode until nothing changes (double encoding), at most a few rounds."""
    for _ in range(_MAX_DECODES):
        decoded = unquote_plus(text, errors="replace")
        if decoded == text:
            break
        text = decoded
    return text


def is_secret_name(name: str) -> bool:
    """True for a query parameter name (decoded, any case, '-' or '_') that carries a secret."""
    key = re.sub(r"[\s\-.]+", "_", _decoded(name).strip().lower())
    return key in SECRET_NAMES or key.endswith(SECRET_SUFFIXES)


def _carries_secret(value: str) -> bool:
    text = _decoded(value)
    if _JWT.search(text):
        return True
    query = text.split("?", 1)[1] if "?" in text else text
    return any(is_secret_name(match.group(1)) and match.group(2) for match in _PARAMS.finditer(query))


def redact_query(query: str) -> str:
    """The query string with every secret-bearing parameter's value replaced by [redacted]."""

    def one(match: re.Match[str]) -> str:
        name, equals, value = match.group(1), match.group(2), match.group(3)
        if not equals:
            return REDACTED if _carries_secret(name) else name
        if is_secret_name(name) or _carries_secret(value):
            return f"{name}={REDACTED}"
        return match.group(0)

    return _PARAMS.sub(one, query)


def redact_target(target: str) -> str:
    """A request target (path and query) safe to log."""
    path, mark, query = target.partition("?")
    if _JWT.search(_decoded(path)):
        path = _JWT.sub(REDACTED, _decoded(path))
    return path + mark + redact_query(query) if mark else path


class RedactSecrets(logging.Filter):
    """A logging filter that redacts request targets in uvicorn's access-log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(redact_target(arg) if isinstance(arg, str) else arg for arg in args)
        elif isinstance(record.msg, str):
            record.msg = redact_target(record.msg) if "?" in record.msg else record.msg
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with `RedactSecrets` on the access handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": f"{__name__}.RedactSecrets"}
    config["handlers"]["access"].setdefault("filters", []).append("redact_secrets")
    return config
