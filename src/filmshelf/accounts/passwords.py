"""Password hashing with argon2id (argon2-cffi) and the password policy.

Policy (ASVS 5 V6.2): at least 8 characters, any Unicode, up to 1024, no composition rules,
NFKC-normalised so that equivalent forms of one passphrase match.
"""

from __future__ import annotations

import unicodedata

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 1024

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified for unknown usernames so that "no such user" and "wrong password" take the same time.
_DUMMY_HASH = _hasher.hash("filmshelf dummy password for timing")


class PasswordRejected(ValueError):
    """The password does not meet the policy; the message says why."""


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


def hash_password(password: str) -> str:
    """Hash a password with argon2id (after checking the policy)."""
    check_policy(password)
    return _hasher.hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if the password matches; for `None` (unknown user) a dummy hash is checked."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, normalise(password)) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """`verify_password` in a worker thread: argon2 takes tens of milliseconds of CPU."""
    return await anyio.to_thread.run_sync(verify_password, password_hash, password)
