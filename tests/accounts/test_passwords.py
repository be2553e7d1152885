"""Password storage: argon2id, the policy, Unicode normalisation, rehash on weaker parameters."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from filmshelf.accounts import passwords


def test_hashes_are_argon2id_and_verify() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse batterY")
    assert not passwords.verify_password(None, "correct horse battery")  # unknown user
    assert not passwords.verify_password("not a hash", "x")


def test_policy() -> None:
    with pytest.raises(passwords.PasswordRejected):
        passwords.hash_password("7 chars")
    long_passphrase = "word " * 25 + "ünïcödé ✓"
    assert passwords.verify_password(passwords.hash_password(long_passphrase), long_passphrase)


def test_equivalent_unicode_forms_match() -> None:
    composed, decomposed = "caf\u00e9 au lait!", "cafe\u0301 au lait!"
    assert passwords.verify_password(passwords.hash_password(composed), decomposed)


def test_weaker_hashes_need_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash("correct horse battery")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("correct horse battery"))
