"""Password hashing with argon2id (argon2-cffi) and the password policy.

Policy (ASVS 5 V6.2): at least 8 characters, any Unicode, up to 1024, no composition rules,
NFKC-normalised so that equivalent forms of one passphrase match.

Cost: one argon2id hash with the production parameters takes 64 MiB and most of a second of CPU.
`Hasher` therefore runs hashes in worker threads (the event loop keeps serving others), at most
`at_once` at a time per process; a few more may wait briefly for a slot, and beyond that (or
after `max_wait` seconds) `HasherBusy` is raised so that the caller answers 429. Memory is then
bounded by `at_once` x memory cost, however many sign-ins arrive together.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from filmshelf.settings import Argon2Params

T = TypeVar("T")
MIN_LENGTH = 8
MAX_LENGTH = 1024


class PasswordRejected(ValueError):
    """The password does not meet the policy; the message says why."""


class HasherBusy(Exception):
    """Too many password hashes are running or waiting in this process; try again shortly."""

    retry_after = 1


def normalise(password: str) -> str:
    """NFKC-normalise a password so equivalent Unicode forms hash the same."""
    return unicodedata.normalize("NFKC", password)


def check_policy(password: str) -> None:
    """Raise PasswordRejected unless the password meets the policy."""
    length = len(normalise(password))
    if length < MIN_LENGTH:
        raise PasswordRejected(f"passwords need at least {MIN_LENGTH} characters")
    if length > MAX_LENGTH:
        raise PasswordRejected(f"passwords may have at most {MAX_LENGTH} characters")


class Hasher:
    """argon2id with given parameters, run in threads behind a small per-process gate."""

    def __init__(
        self, params: Argon2Params | None = None, *, at_once: int = 2, max_waiting: int = 64, max_wait: float = 5.0
    ) -> None:
        self.params = params or Argon2Params()
        self._hasher = PasswordHasher(
            time_cost=self.params.time_cost,
            memory_cost=self.params.memory_kib,
            parallelism=self.params.parallelism,
        )
        self._dummy_hash: str | None = None
        self.at_once = at_once
        self.max_waiting = max_waiting
        self.max_wait = max_wait
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots = asyncio.Semaphore(at_once)
        self._waiting = 0

    # --- blocking work (worker threads) -------------------------------------------------------------
    def hash_now(self, password: str) -> str:
        """Hash a password after checking the policy (blocking; prefer `hash`)."""
        check_policy(password)
        return self._hasher.hash(normalise(password))

    def verify_now(self, password_hash: str | None, password: str) -> bool:
        """True if the password matches (blocking; prefer `verify`).

        For `None` (unknown user) a dummy hash with the same parameters is checked, so that "no
        such user" and "wrong password" take the same time.
        """
        if password_hash is None and self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("filmshelf dummy password for timing")
        try:
            matched = self._hasher.verify(password_hash or self._dummy_hash or "", normalise(password))
        except (VerificationError, InvalidHashError):
            return False
        return matched and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than this hasher's."""
        return self._hasher.check_needs_rehash(password_hash)

    # --- the gate ------------------------------------------------------------------------------------
    async def hash(self, password: str, *, patient: bool = False) -> str:
        """`hash_now` in a worker thread behind the gate.

        HasherBusy when the gate is full, unless `patient` (account creation and password
        changes, which are not open to the public): then it waits for a slot however long.
        """
        check_policy(password)
        return await self._gated(self.hash_now, password, patient=patient)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """`verify_now` in a worker thread behind the gate (HasherBusy when full)."""
        return await self._gated(self.verify_now, password_hash, password)

    async def _gated(self, work: Callable[..., T], *args: Any, patient: bool = False) -> T:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests, CLI runs): a fresh gate for it
            self._loop, self._slots, self._waiting = loop, asyncio.Semaphore(self.at_once), 0
        if not patient and self._slots.locked() and self._waiting >= self.max_waiting:
            raise HasherBusy()
        self._waiting += 1
        try:
            async with asyncio.timeout(None if patient else self.max_wait):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise HasherBusy() from exc
        finally:
            self._waiting -= 1
        try:
            # Not abandoned on cancellation: the slot is held until the hash really ends.
            return await anyio.to_thread.run_sync(work, *args)
        finally:
            self._slots.release()
