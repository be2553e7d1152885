"""One injectable source of time, so tests move time instead of sleeping."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current Unix time in float seconds."""

    def now(self) -> float:
        """Return the current Unix time."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """Return the current Unix time."""
        return time.time()


class FixedClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the frozen time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds`."""
        with self._lock:
            self._now += seconds

    def set(self, now: float) -> None:
        """Put the clock at `now` (a test harness that reuses one server resets its clock)."""
        with self._lock:
            self._now = now
