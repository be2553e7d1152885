"""Access-log redaction on decoded names and values (issue 9 §1.9).

The rules are a pure function, tested with a table of encodings; one test runs a real
`filmshelf serve` with FILMSHELF_ACCESS_LOG=1 and reads what it actually wrote.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from filmshelf.accesslog import REDACTED, RedactSecrets, redact_target

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4eXoiLCJzY29wZXMiOltdfQ.c2lnbmF0dXJlX2hlcmU"

# (request target with the secret "SECRET<n>", text that must stay in the line)
CASES = [
    ("/3/account?session_id=SECRET01", "/3/account?session_id="),
    ("/3/account?session%5Fid=SECRET02", "/3/account?"),
    ("/3/account?session%5fid=SECRET03&page=2", "page=2"),
    ("/3/movie/550?api%5Fkey=SECRET04&language=en-US", "language=en-US"),
    ("/3/movie/550?%61pi_key=SECRET05", "/3/movie/550?"),
    ("/3/movie/550?API_KEY=SECRET06", "/3/movie/550?"),
    ("/3/movie/550?api-key=SECRET07", "/3/movie/550?"),
    ("/3/movie/550?api_key+=SECRET08", "/3/movie/550?"),
    ("/3/account?guest_session_id=SECRET09", "/3/account?"),
    ("/3/account?page=1;session_id=SECRET10", "page=1"),
    ("/3/account?session%255Fid=SECRET11", "/3/account?"),
    ("/login?next=%2Fauth%2Faccess%3Frequest_token%3DSECRET12", "/login?next="),
    ("/login?next=/auth/access?request_token=SECRET13", "/login?next="),
    ("/login?next=%252Fauth%252Faccess%253Frequest_token%253DSECRET14", "/login?next="),
    ("/login?next=%2F%3Fx%3D1%26session%255Fid%3DSECRET15", "/login?next="),
    ("/auth/access?request_token=SECRET16", "/auth/access?request_token="),
    ("/auth/access?request%5Ftoken=SECRET17", "/auth/access?"),
    ("/x?access_token=SECRET18&y=2", "y=2"),
    ("/x?password=SECRET19", "/x?"),
    ("/x?q=" + JWT.replace("eyJ", "eyJ", 1) + "SECRET20", "/x?q="),
    ("/login?next=%2Fauth%2Faccess%3Frequest_token%3D" + JWT + "SECRET21", "/login?next="),
]


@pytest.mark.parametrize(("target", "kept"), CASES, ids=[case[0][:48] for case in CASES])
def test_secrets_are_redacted_in_any_encoding(target: str, kept: str) -> None:
    line = redact_target(target)
    secret = "SECRET" + target.rsplit("SECRET", 1)[1][:2]
    assert secret not in line and JWT not in line, line
    assert REDACTED in line and kept in line, line


@pytest.mark.parametrize(
    "target",
    ["/3/movie/550", "/3/movie/550?language=en-US&page=2", "/3/search/movie?query=the%20key%20of%20life", "/"],
)
def test_harmless_targets_are_left_alone(target: str) -> None:
    assert redact_target(target) == target


def test_the_filter_rewrites_uvicorn_access_records() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/3/account?session%5Fid=SECRET99", "1.1", 200),
        None,
    )
    assert RedactSecrets().filter(record)
    assert "SECRET99" not in record.getMessage() and REDACTED in record.getMessage()
    assert record.args == ("127.0.0.1:5000", "GET", f"/3/account?session%5Fid={REDACTED}", "1.1", 200)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_writes_no_secret_to_its_access_log(tmp_path: Path) -> None:
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = {
        **os.environ,
        "FILMSHELF_DATA_DIR": str(tmp_path / "var"),
        "FILMSHELF_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "FILMSHELF_ACCESS_LOG": "1",
        "FILMSHELF_RATE_LIMIT": "0",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "filmshelf", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base_url + "/login", timeout=2)
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.1)
            with httpx.Client(base_url=base_url, timeout=30) as client:
                for target, _ in CASES:
                    client.get(target)  # sent as written: httpx keeps the encoding of a str URL
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    text = log_path.read_text()
    assert text.count('"GET ') >= len(CASES), text
    for target, _ in CASES:
        secret = "SECRET" + target.rsplit("SECRET", 1)[1][:2]
        assert secret not in text, (target, [line for line in text.splitlines() if secret in line])
    assert JWT not in text
    assert "language=en-US" in text  # the log still says what was asked
