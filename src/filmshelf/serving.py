"""How `filmshelf serve` runs the server: one bound socket, uvicorn, and time and count limits on connections.

This module is imported by every worker process before it answers uvicorn's health check (its
Config is pickled to them), so it stays light: uvicorn, settings and the status table only.

uvicorn (0.54) closes a keep-alive connection that stays idle after a response
(`timeout_keep_alive`), but nothing else: a connection that never sends a byte, one that sends
its headers a byte at a time, and one that stops half-way through its body all stay open
forever, and every one holds a file descriptor. `GuardedHttpToolsProtocol` adds what is missing:

* header timeout: from the moment a connection opens (or its previous response ends) the next
  request's headers must be complete within `header_timeout` seconds; otherwise the connection
  is closed (with a 408 when part of a request had arrived);
* body timeout: once the headers are in, the whole body must arrive within `body_timeout`
  seconds; otherwise the connection is closed (408 when no response had started) and the
  handler sees a client disconnect;
* a cap on open connections per worker process (`max_connections`): a connection over the cap
  is answered 503 (TMDB code 9) at once and closed.

The socket is bound here, before anything is printed, so a busy port is reported before the
demo credentials; the same socket is handed to uvicorn (and to every worker).
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import logging
import resource
import socket
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from filmshelf.errors import STATUS
from filmshelf.settings import Settings

ASGI_APP = "filmshelf.asgi:app"
# A worker that has not answered the supervisor's health check in this many seconds is killed and
# replaced. uvicorn's 5 s is shorter than a worker's start on a busy 2-core machine.
WORKER_HEALTHCHECK_SECONDS = 30


class ServeProblem(Exception):
    """The server cannot start as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The time and count limits on connections (see the module docstring)."""

    header_timeout: float
    body_timeout: float
    keep_alive_timeout: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        """FILMSHELF_HEADER_TIMEOUT, _BODY_TIMEOUT, _KEEP_ALIVE_TIMEOUT and _MAX_CONNECTIONS, as read."""
        return cls(
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            keep_alive_timeout=settings.keep_alive_timeout,
            max_connections=settings.max_connections,
        )


class GuardedConfig(uvicorn.Config):
    """uvicorn's Config carrying the connection limits (it is pickled to every worker process)."""

    def __init__(self, app: Any, *, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.limits = limits


def _plain_response(status: int, reason: str, body: bytes = b"", content_type: bytes = b"text/plain") -> bytes:
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: ".encode()
        + content_type
        + f"\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
    )
    return head + body


_OFFLINE = STATUS[9]
OVER_CAPACITY = _plain_response(
    503,
    "Service Unavailable",
    (f'{{"success":false,"status_code":{_OFFLINE.code},"status_message":"{_OFFLINE.message}"}}'.encode()),
    b"application/json",
)
TIMED_OUT = _plain_response(408, "Request Timeout")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header timeout, a body timeout and a connection cap."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        limits: ConnectionLimits = getattr(config, "limits", None) or ConnectionLimits(10.0, 30.0, 5.0, 1000)
        self.limits = limits
        # One deadline per connection, for headers or for a body. Moving it costs no timer: the
        # single timer, when it fires early, re-arms for what remains (see `_arm`).
        self._expiry: Any = None  # what runs at the deadline, or None when nothing is due
        self._deadline_at = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._partial_request = False  # bytes of a request whose headers are not complete yet

    # --- the deadline ---
    def _arm(self, seconds: float, on_expiry: Any) -> None:
        """Run `on_expiry` in `seconds` unless disarmed or re-armed first.

        Called twice per request; scheduling and cancelling a loop timer each time was measurable.
        A timer already due no later than the new deadline is kept: when it fires it re-arms for
        the rest. Only a deadline earlier than the pending timer replaces it.
        """
        self._expiry = on_expiry
        self._deadline_at = self.loop.time() + seconds
        timer = self._timer
        if timer is not None and timer.when() <= self._deadline_at:
            return
        if timer is not None:
            timer.cancel()
        self._timer = self.loop.call_at(self._deadline_at, self._deadline_reached)

    def _disarm(self) -> None:
        self._expiry = None

    def _stop_timer(self) -> None:
        self._expiry = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _deadline_reached(self) -> None:
        self._timer = None
        on_expiry = self._expiry
        if on_expiry is None:
            return
        if self.loop.time() < self._deadline_at:
            self._timer = self.loop.call_at(self._deadline_at, self._deadline_reached)
            return
        self._expiry = None
        on_expiry()

    def _idle(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _headers_too_slow(self) -> None:
        if self.transport.is_closing() or not self._idle():
            return
        if self._partial_request:
            self.transport.write(TIMED_OUT)
        self.transport.close()

    def _body_too_slow(self) -> None:
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_started:
            self.transport.write(TIMED_OUT)
        if cycle is not None:
            # The handler's receive() now answers http.disconnect and its send() is dropped.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()

    # --- uvicorn's protocol callbacks ---
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            transport.write(OVER_CAPACITY)
            transport.close()
            return
        self._partial_request = False
        self._arm(self.limits.header_timeout, self._headers_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._idle():
            self._partial_request = True
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._partial_request = False
        self._arm(self.limits.body_timeout, self._body_too_slow)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._idle() and self._expiry is None:
            self._partial_request = False
            self._arm(self.limits.header_timeout, self._headers_too_slow)


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket now, or raise ServeProblem saying why not and what to do."""
    # As uvicorn does: IPv6 only for an IPv6 address, so `localhost` means 127.0.0.1.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        raise ServeProblem(
            f"cannot listen on {host!r}: it is not an address or a host name of this machine; "
            "use e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)"
        ) from None
    address = infos[0][4]
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose protocol says TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeProblem(
                f"port {port} on {host} is already in use (another filmshelf, or another program): "
                "stop it, or choose another port with --port"
            ) from None
        if exc.errno == errno.EACCES:
            raise ServeProblem(
                f"not allowed to listen on port {port} (ports below 1024 need privileges): choose another with --port"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeProblem(
                f"{host} is not an address of this machine: use e.g. --host 127.0.0.1 or --host 0.0.0.0"
            ) from None
        raise ServeProblem(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


WILDCARD_HOSTS = ("0.0.0.0", "::", "")  # noqa: S104 - naming the wildcards, not binding to them


def public_url_for(host: str, port: int) -> str:
    """The URL people open when nothing else is configured: the bound address (loopback for a wildcard)."""
    if host in WILDCARD_HOSTS:
        host = "::1" if host == "::" else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up with the token redaction on the access log (in every worker too)."""
    from filmshelf.accesslog import uvicorn_log_config

    return uvicorn_log_config()


RESERVED_FILES = 64  # descriptors kept for the database, logs and the listening socket


def connection_cap(configured: int, open_files_limit: int) -> int:
    """The cap on connections that fits under the process's limit on open files."""
    return max(1, min(configured, open_files_limit - RESERVED_FILES))


def raise_open_files_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (at most 65,536); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = 65_536 if hard == resource.RLIM_INFINITY else min(hard, 65_536)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return 65_536 if soft == resource.RLIM_INFINITY else soft


def run(settings: Settings, sock: socket.socket, *, workers: int, app: Any = None) -> None:
    """Serve filmshelf on the bound socket until SIGINT/SIGTERM (graceful: requests in flight finish).

    `app`: an app built here (one worker only) instead of `filmshelf.asgi:app`, which reads the
    environment in each worker (`serve --ephemeral` passes one built with its own settings).
    """
    limits = ConnectionLimits.from_settings(settings)
    # Workers inherit the raised limit; a cap above it would fail in accept() instead of answering 503.
    cap = connection_cap(limits.max_connections, raise_open_files_limit())
    if cap != limits.max_connections:
        logging.getLogger("uvicorn.error").warning(
            "FILMSHELF_MAX_CONNECTIONS=%d is above what the open-files limit allows; using %d",
            limits.max_connections,
            cap,
        )
        limits = dataclasses.replace(limits, max_connections=cap)
    host, port = sock.getsockname()[:2]
    config = GuardedConfig(
        ASGI_APP if app is None else app,
        limits=limits,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http=GuardedHttpToolsProtocol,
        access_log=settings.log_requests,
        log_config=log_config(),
        log_level="info",
        proxy_headers=False,
        timeout_keep_alive=limits.keep_alive_timeout,  # call_later takes a float
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    logging.getLogger("uvicorn.error").info("connection limits: %s", limits)
    server = uvicorn.Server(config)
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
