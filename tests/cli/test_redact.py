"""Access-log lines never carry secrets from query strings (security checklist B5)."""

from __future__ import annotations

import logging

from filmshelf.cli import RedactSecrets


def test_query_secrets_are_redacted() -> None:
    line = (
        '127.0.0.1:5 - "GET /3/authentication/token/validate_with_login?api_key=k1&username=alice'
        '&password=hunter2&request_token=t1 HTTP/1.1" 200'
    )
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", (line,), None)
    assert RedactSecrets().filter(record)
    text = record.getMessage()
    for secret in ("k1", "hunter2", "t1"):
        assert secret not in text
    assert "username=alice" in text and "password=[redacted]" in text
    guest = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "GET /3/movie/1/rating?guest_session_id=g1&session_id=s1", None, None
    )
    RedactSecrets().filter(guest)
    assert "g1" not in guest.getMessage() and "s1" not in guest.getMessage()
