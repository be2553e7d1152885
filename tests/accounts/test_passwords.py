"""Password storage: argon2id, the policy, Unicode normalisation, rehash on other parameters, and
the gate that bounds how many hashes run at once.

Most tests use the cheap parameters of the test suite; `test_production_parameters` is the one
place where the production parameters (64 MiB, 3 passes, 4 lanes) are exercised.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from argon2 import PasswordHasher

from filmshelf.accounts import passwords
from filmshelf.settings import Argon2Params, Settings
from tests.conftest import CHEAP_ARGON2, SECRET


@pytest.fixture
def hasher() -> passwords.Hasher:
    return passwords.Hasher(CHEAP_ARGON2)


def test_hashes_are_argon2id_and_verify(hasher: passwords.Hasher) -> None:
    stored = hasher.hash_now("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert hasher.verify_now(stored, "correct horse battery")
    assert not hasher.verify_now(stored, "correct horse batterY")
    assert not hasher.verify_now(None, "correct horse battery")  # unknown user
    assert not hasher.verify_now("not a hash", "x")


def test_production_parameters() -> None:
    settings = Settings(database_url="sqlite:///unused", secret_key=SECRET)
    assert settings.argon2 == Argon2Params(time_cost=3, memory_kib=65536, parallelism=4)
    production = passwords.Hasher(settings.argon2)
    stored = asyncio.run(production.hash("correct horse battery"))
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert production.verify_now(stored, "correct horse battery")
    assert not production.verify_now(None, "correct horse battery")  # the dummy hash uses them too
    assert not production.needs_rehash(stored)
    # A hash made with the test parameters is upgraded at the next sign-in, and the other way round.
    assert production.needs_rehash(passwords.Hasher(CHEAP_ARGON2).hash_now("correct horse battery"))
    assert passwords.Hasher(CHEAP_ARGON2).needs_rehash(stored)


def test_policy(hasher: passwords.Hasher) -> None:
    with pytest.raises(passwords.PasswordRejected):
        hasher.hash_now("7 chars")
    with pytest.raises(passwords.PasswordRejected):
        asyncio.run(hasher.hash("x" * 1025))
    long_passphrase = "word " * 25 + "ünïcödé ✓"
    assert hasher.verify_now(hasher.hash_now(long_passphrase), long_passphrase)


def test_equivalent_unicode_forms_match(hasher: passwords.Hasher) -> None:
    composed, decomposed = "caf\u00e9 au lait!", "cafe\u0301 au lait!"
    assert hasher.verify_now(hasher.hash_now(composed), decomposed)


def test_weaker_hashes_need_rehash(hasher: passwords.Hasher) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse battery")
    assert hasher.needs_rehash(weak)
    assert not hasher.needs_rehash(hasher.hash_now("correct horse battery"))


class Blocking(passwords.Hasher):
    """A hasher whose hashes wait for the test to let them finish (to observe the gate)."""

    def __init__(self) -> None:
        super().__init__(CHEAP_ARGON2, at_once=2, max_waiting=3, max_wait=30)
        self.release = threading.Event()
        self.running = 0
        self.most_running = 0
        self.lock = threading.Lock()

    def verify_now(self, password_hash: str | None, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        self.release.wait(30)
        with self.lock:
            self.running -= 1
        return super().verify_now(password_hash, password)


def test_gate_runs_at_most_at_once_then_queues_then_refuses() -> None:
    gate = Blocking()
    stored = gate.hash_now("correct horse battery")

    async def scenario() -> list[object]:
        calls = [asyncio.ensure_future(gate.verify(stored, "correct horse battery")) for _ in range(10)]
        # Let every call reach the gate: 2 run, 3 wait, 5 are refused at once.
        for _ in range(50):
            await asyncio.sleep(0)
        refused = [call for call in calls if call.done()]
        assert len(refused) == 5
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, gate.release.set)
        return list(await asyncio.gather(*calls, return_exceptions=True))

    results = asyncio.run(scenario())
    assert sum(isinstance(r, passwords.HasherBusy) for r in results) == 5
    assert results.count(True) == 5
    assert gate.most_running == 2


def test_gate_refuses_after_waiting_too_long() -> None:
    gate = Blocking()
    gate.max_wait = 0.0
    stored = gate.hash_now("correct horse battery")

    async def scenario() -> list[object]:
        calls = [asyncio.ensure_future(gate.verify(stored, "correct horse battery")) for _ in range(3)]
        for _ in range(50):
            await asyncio.sleep(0)
        gate.release.set()
        return list(await asyncio.gather(*calls, return_exceptions=True))

    results = asyncio.run(scenario())
    assert results.count(True) == 2 and sum(isinstance(r, passwords.HasherBusy) for r in results) == 1


def test_patient_hashes_wait_for_a_slot() -> None:
    gate = Blocking()
    stored = gate.hash_now("correct horse battery")

    async def scenario() -> str:
        busy = [asyncio.ensure_future(gate.verify(stored, "correct horse battery")) for _ in range(5)]
        for _ in range(50):
            await asyncio.sleep(0)
        patient = asyncio.ensure_future(gate.hash("another good password", patient=True))
        for _ in range(50):
            await asyncio.sleep(0)
        assert not patient.done()
        gate.release.set()
        await asyncio.gather(*busy)
        return await patient

    assert gate.verify_now(asyncio.run(scenario()), "another good password")
