"""A real `filmshelf serve`: connection time limits and cap (raw sockets), file modes, public URL, workers.

One SQLite server (started with umask 0, so every mode checked here is set explicitly, and with
2-second header/body timeouts and a cap of 4 connections) serves every check of this module
that does not need PostgreSQL. Each socket check is bounded by a socket timeout well above
the server's limits: a connection the server failed to close makes the check fail, not hang.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import _wipe

LIMIT_SECONDS = 2
CAP = 4
GIVE_UP = 15.0  # socket timeout: far above the limits, so only a connection left open reaches it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    data: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text()

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()


def start(env: dict[str, str], folder: Path, *args: str, umask: int = 0o022) -> Served:
    port = free_port()
    log = folder / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "filmshelf", "serve", "--port", str(port), *args],
            env=env,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            umask=umask,
        )
    served = Served(process, port, folder / "data", log)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(served.url + "/openapi.json", timeout=2).status_code == 200:
                return served
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            served.stop()
            raise RuntimeError(f"filmshelf serve did not start:\n{served.output()}")
        time.sleep(0.1)


def base_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILMSHELF_") or k == "FILMSHELF_TEST_PG_URL"}
    env.update(FILMSHELF_DATA_DIR=str(folder / "data"), FILMSHELF_RATE_LIMIT="0", COLUMNS="200")
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve")
    env = base_env(folder)
    env.update(
        FILMSHELF_HEADER_TIMEOUT=str(LIMIT_SECONDS),
        FILMSHELF_BODY_TIMEOUT=str(LIMIT_SECONDS),
        FILMSHELF_MAX_CONNECTIONS=str(CAP),
    )
    server = start(env, folder, "--demo", umask=0)
    try:
        yield server
    finally:
        server.stop()


def connect(served: Served) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", served.port))
    sock.settimeout(GIVE_UP)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; socket.timeout (a failure) if it never does."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


# --- connection limits (issue 9 §1.10) ----------------------------------------------------------------------
def test_an_idle_connection_is_closed(served: Served) -> None:
    with connect(served) as sock:
        assert read_until_closed(sock) == b""  # never sent a byte: closed without an answer


def test_headers_sent_a_line_at_a_time_are_cut_off(served: Served) -> None:
    with connect(served) as sock:
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        closed_while_sending = False
        for _ in range(int(GIVE_UP / 0.25)):  # a header line every 0.25 s, never the blank line
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except (BrokenPipeError, ConnectionResetError):
                closed_while_sending = True
                break
            time.sleep(0.25)
            sock.setblocking(False)
            try:
                peeked = sock.recv(1, socket.MSG_PEEK)
            except BlockingIOError:
                peeked = None
            finally:
                sock.setblocking(True)
                sock.settimeout(GIVE_UP)
            if peeked is not None:
                break
        else:
            pytest.fail("the server kept reading slow headers")
        answer = b"" if closed_while_sending else read_until_closed(sock)
    assert closed_while_sending or answer.startswith(b"HTTP/1.1 408 "), answer


def test_a_body_that_stops_half_way_is_cut_off(served: Served) -> None:
    with connect(served) as sock:
        sock.sendall(
            b"POST /4/auth/request_token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n") and b"connection: close" in answer


def test_a_keep_alive_connection_is_closed_after_its_response(served: Served) -> None:
    with connect(served) as sock:
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def read_one_response(sock: socket.socket) -> bytes:
    """One whole response (headers and its Content-Length body) from a connection kept open."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


FIRST_REQUEST = b"GET /3/configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def test_the_next_requests_headers_have_the_same_limit(served: Served) -> None:
    # The header deadline is re-armed after each response; a 408 (not the keep-alive close,
    # which says nothing) shows that it, and not the keep-alive timer, ended the connection.
    with connect(served) as sock:
        sock.sendall(FIRST_REQUEST)
        assert read_one_response(sock).startswith(b"HTTP/1.1 401 ")
        sock.sendall(b"GET /3/configuration HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer


def test_the_next_requests_body_has_the_same_limit(served: Served) -> None:
    with connect(served) as sock:
        for _ in range(3):
            sock.sendall(FIRST_REQUEST)
            assert read_one_response(sock).startswith(b"HTTP/1.1 401 ")
        sock.sendall(
            b"POST /4/auth/request_token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer


def test_connections_over_the_cap_are_refused_at_once(served: Served) -> None:
    held = [connect(served) for _ in range(CAP)]
    try:
        time.sleep(0.2)  # let the server accept them
        with connect(served) as extra:
            answer = read_until_closed(extra)
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert answer.endswith(
            b'"status_code":9,"status_message":"Service offline: This service is temporarily '
            b'offline, try again later."}'
        )
    finally:
        for sock in held:
            sock.close()
    # The held ones closed, the server answers again.
    deadline = time.monotonic() + GIVE_UP
    while httpx.get(served.url + "/openapi.json", timeout=GIVE_UP).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_ordinary_requests_are_unaffected(served: Served) -> None:
    token = re.search(r"DEMO_READ_TOKEN=(\S+)", served.output())
    assert token is not None
    with httpx.Client(base_url=served.url, timeout=GIVE_UP) as client:
        for _ in range(3):  # one keep-alive connection, several requests
            response = client.post("/4/auth/request_token", headers={"Authorization": f"Bearer {token.group(1)}"})
            assert response.status_code == 200, response.text


# --- files and URLs -------------------------------------------------------------------------------------------
def test_data_folder_0700_and_every_file_0600_under_umask_0(served: Served) -> None:
    token = re.search(r"DEMO_READ_TOKEN=(\S+)", served.output())
    assert token is not None
    # A request that reads the database, so the server holds it open (with -wal and -shm).
    response = httpx.post(
        served.url + "/4/auth/request_token", headers={"Authorization": f"Bearer {token.group(1)}"}, timeout=GIVE_UP
    )
    assert response.status_code == 200
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in served.data.iterdir()}
    assert stat.S_IMODE(served.data.stat().st_mode) == 0o700
    expected = ["demo.json", "filmshelf.sqlite3", "filmshelf.sqlite3-shm", "filmshelf.sqlite3-wal", "secret_key"]
    assert sorted(modes) == expected
    assert set(modes.values()) == {0o600}, modes


def test_the_public_url_follows_the_port(served: Served) -> None:
    servers = httpx.get(served.url + "/openapi.json", timeout=GIVE_UP).json()["servers"]
    assert servers == [{"url": served.url}]
    assert f"(public URL {served.url})" in served.output()


def test_the_public_url_follows_the_host(tmp_path: Path) -> None:
    server = start(base_env(tmp_path), tmp_path, "--host", "localhost")
    try:
        servers = httpx.get(server.url + "/openapi.json", timeout=GIVE_UP).json()["servers"]
        assert servers == [{"url": f"http://localhost:{server.port}"}]
        assert f"(public URL http://localhost:{server.port})" in server.output()
    finally:
        server.stop()


def test_a_configured_public_url_wins(tmp_path: Path) -> None:
    env = base_env(tmp_path) | {"FILMSHELF_PUBLIC_URL": "https://films.example.org"}
    server = start(env, tmp_path, "--host", "localhost")
    try:
        servers = httpx.get(server.url + "/openapi.json", timeout=GIVE_UP).json()["servers"]
        assert servers == [{"url": "https://films.example.org"}]
    finally:
        server.stop()
    # A graceful stop: uvicorn finishes, then re-raises the SIGTERM it caught (exit -15).
    assert "Application shutdown complete." in server.output()


# --- workers, access log, graceful stop (PostgreSQL) --------------------------------------------------------------
def test_workers_log_requests_with_tokens_redacted_and_stop_gracefully(pg_database: str, tmp_path: Path) -> None:
    _wipe(pg_database)
    env = base_env(tmp_path) | {
        "FILMSHELF_DATABASE_URL": pg_database,
        "FILMSHELF_SECRET_KEY": "workers-test-secret-" + "w" * 32,
        "FILMSHELF_ACCESS_LOG": "1",
    }
    server = start(env, tmp_path, "--workers", "2")
    try:
        secret_values = ["apikey0123456789abcdef", "requesttokenvalue123", "sessionvalue987"]
        for _ in range(4):  # spread over both workers
            httpx.get(
                served_path(server.url),
                params={"api_key": secret_values[0], "request_token": secret_values[1], "session_id": secret_values[2]},
                timeout=GIVE_UP,
            )
    finally:
        code = server.stop()
    log = server.output()
    assert code == 0, log
    assert log.count('"GET /3/configuration?api_key=[redacted]&request_token=[redacted]&session_id=[redacted]') == 4
    assert not any(value in log for value in secret_values)
    assert len(set(re.findall(r"Started server process \[(\d+)\]", log))) == 2
    assert "Finished server process" in log and "Stopping parent process" in log


def served_path(url: str) -> str:
    return url + "/3/configuration"
