"""Accounts: creation, lookup, and sign-in with throttling and no user enumeration.

The sign-in throttle (keys `user:<name>` and `ip:<address>`, shared by every process through the
database): each attempt is counted as a failure, atomically and before any password is checked,
unless a key is locked; a match takes its own count back. After `FREE_FAILURES` failures of a
username (`FREE_FAILURES_PER_IP` of an address) each further failure locks the key for a time
that doubles, from 1 s up to `MAX_LOCK_SECONDS`. A success does not forgive earlier failures
(they may be an attacker's, running alongside); an hour without attempts does. So however many
attempts race, a key is checked at most its allowance of wrong passwords per lock.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from filmshelf.accounts import passwords
from filmshelf.auth.tokens import new_object_id
from filmshelf.storage import accounts as account_rows
from filmshelf.storage.engine import Conn, Database
from filmshelf.storage.records import AccountRow

USERNAME_MIN, USERNAME_MAX = 2, 32
USERNAME = re.compile(rf"[A-Za-z0-9_.\-]{{{USERNAME_MIN},{USERNAME_MAX}}}")
# The rule in words, for messages and help texts (the sign-up page says the same).
USERNAME_RULE = f"{USERNAME_MIN} to {USERNAME_MAX} letters, digits, '_', '.' or '-'"

# Failures allowed before each further failure locks the key; the lock doubles up to a cap.
FREE_FAILURES = 5
# Addresses get a wider allowance (NAT, shared offices) than a single username.
FREE_FAILURES_PER_IP = FREE_FAILURES * 4
MAX_LOCK_SECONDS = 900.0
LOCK_SECONDS = tuple(2.0**index for index in range(10))  # 1, 2, 4 ... 512, then MAX_LOCK_SECONDS
# A quiet hour (no attempt at all) forgives earlier failures.
FORGET_AFTER_SECONDS = 3600.0


class UsernameRejected(ValueError):
    """The username is malformed or taken."""


class SignInRefused(Exception):
    """Wrong username or password (one message for both, ASVS V6.3.8)."""


class SignInThrottled(Exception):
    """Too many recent failures for this username or address, or too many sign-ins at once."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Account:
    """A user account with both of TMDB's ids."""

    id: int  # v3 account_id
    object_id: str  # v4 account_object_id
    username: str
    name: str
    iso_639_1: str
    iso_3166_1: str
    include_adult: bool
    is_admin: bool = False
    disabled: bool = False
    session_generation: int = 0

    @property
    def gravatar_hash(self) -> str:
        """TMDB exposes an md5 gravatar hash; filmshelf has no e-mails, so it hashes the username."""
        return hashlib.md5(self.username.lower().encode(), usedforsecurity=False).hexdigest()

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        """Build from an `accounts` row."""
        return cls(
            id=row.id,
            object_id=row.object_id,
            username=row.username,
            name=row.name,
            iso_639_1=row.iso_639_1,
            iso_3166_1=row.iso_3166_1,
            include_adult=bool(row.include_adult),
            is_admin=bool(row.is_admin),
            disabled=bool(row.disabled),
            session_generation=int(row.session_generation),
        )


async def create_account(
    db: Database,
    *,
    hasher: passwords.Hasher,
    username: str,
    password: str,
    now: float,
    name: str = "",
    admin: bool | None = None,
) -> Account:
    """Create an account; raise UsernameRejected or passwords.PasswordRejected.

    `admin=None` makes the account an administrator only if it is the first one.
    """
    if not USERNAME.fullmatch(username):
        raise UsernameRejected(f"usernames are {USERNAME_RULE}")
    if len(name) > 128 or "\x00" in name:
        raise UsernameRejected("display names have at most 128 characters")
    passwords.check_policy(password)
    async with db.read() as conn:
        if await account_rows.account_by_username(conn, username) is not None:
            raise UsernameRejected(f"the username {username!r} is taken")
    password_hash = await hasher.hash(password, patient=True)
    async with db.write() as conn:
        if await account_rows.account_by_username(conn, username) is not None:
            raise UsernameRejected(f"the username {username!r} is taken")
        is_admin = admin if admin is not None else await account_rows.count_accounts(conn) == 0
        account_id = await account_rows.insert_account(
            conn, object_id=new_object_id(), username=username, name=name, password_hash=password_hash, now=now
        )
        if is_admin:
            await account_rows.set_account_flags(conn, account_id=account_id, is_admin=True)
        row = await account_rows.account_by_id(conn, account_id)
    assert row is not None, "the account inserted above"
    return Account.from_row(row)


async def find_by_username(conn: Conn, username: str) -> Account | None:
    """The account with this username, or None."""
    row = await account_rows.account_by_username(conn, username)
    return None if row is None else Account.from_row(row)


async def find_by_id(conn: Conn, account_id: int) -> Account | None:
    """The account with this v3 id, or None."""
    row = await account_rows.account_by_id(conn, account_id)
    return None if row is None else Account.from_row(row)


async def find_by_object_id(conn: Conn, object_id: str) -> Account | None:
    """The account with this v4 object id, or None."""
    row = await account_rows.account_by_object_id(conn, object_id)
    return None if row is None else Account.from_row(row)


def _throttle_keys(username: str, client_ip: str | None) -> list[tuple[str, int]]:
    """(key, free failures) in the order they are counted: the address first."""
    keys = [(f"ip:{client_ip[:64]}", FREE_FAILURES_PER_IP)] if client_ip else []
    keys.append((f"user:{username.lower()}", FREE_FAILURES))
    return keys


async def sign_in(
    db: Database, *, hasher: passwords.Hasher, username: str, password: str, client_ip: str | None, now: float
) -> Account:
    """Check credentials; raise SignInThrottled while locked or busy, SignInRefused on a bad login."""
    if not USERNAME.fullmatch(username):
        # No account can have this name (NUL, too long, odd characters): nothing to check, and
        # nothing of it goes near SQL. Refused like any wrong login.
        raise SignInRefused()
    keys = _throttle_keys(username, client_ip)
    async with db.write() as conn:
        for key, free in keys:
            counted = await account_rows.throttle_count(
                conn,
                key=key,
                now=now,
                free=free,
                forget_after=FORGET_AFTER_SECONDS,
                locks=LOCK_SECONDS,
                max_lock=MAX_LOCK_SECONDS,
            )
            if counted is None:
                state = await account_rows.throttle_get(conn, key)
                # Raising rolls the transaction back: a refused attempt counts nowhere.
                raise SignInThrottled(max(1.0, (state.locked_until - now) if state else 1.0))
        await account_rows.throttle_purge(conn, before=now - FORGET_AFTER_SECONDS, now=now)
        row = await account_rows.account_by_username(conn, username)
    try:
        ok = await hasher.verify(row.password_hash if row else None, password)
    except passwords.HasherBusy as exc:
        # Counted but not checked: under a flood of sign-ins a guess is spent without an answer.
        raise SignInThrottled(exc.retry_after) from exc
    if not ok or row is None or row.disabled:
        # A disabled account is refused exactly like a wrong password (its state is not revealed).
        raise SignInRefused()
    async with db.write() as conn:
        for key, free in keys:
            await account_rows.throttle_forgive(conn, key=key, free=free)
    if hasher.needs_rehash(row.password_hash):
        try:
            new_hash = await hasher.hash(password)
        except (passwords.HasherBusy, passwords.PasswordRejected):
            pass  # upgraded at a later sign-in
        else:
            async with db.write() as conn:
                await account_rows.set_password_hash(conn, account_id=row.id, password_hash=new_hash)
    return Account.from_row(row)


async def change_password(db: Database, *, hasher: passwords.Hasher, account_id: int, password: str, now: float) -> int:
    """Set a new password, revoke every access token of the account (and so the v3 sessions made
    from them), and end every browser session; return the new session generation, which the
    browser that made the change keeps."""
    from filmshelf.storage import auth as auth_rows

    new_hash = await hasher.hash(password, patient=True)
    async with db.write() as conn:
        await account_rows.set_password_hash(conn, account_id=account_id, password_hash=new_hash)
        await auth_rows.revoke_account_tokens(conn, account_id=account_id, now=now)
        return await account_rows.bump_session_generation(conn, account_id=account_id)


class PasswordMismatch(Exception):
    """The current password given to a password change is wrong."""


async def change_own_password(
    db: Database, *, hasher: passwords.Hasher, account_id: int, current_password: str, new_password: str, now: float
) -> int:
    """`change_password` after checking the current one (PasswordMismatch); the policy is checked
    first. HasherBusy when this process is already checking as many passwords as it may."""
    passwords.check_policy(new_password)
    async with db.read() as conn:
        row = await account_rows.account_by_id(conn, account_id)
    if row is None or not await hasher.verify(row.password_hash, current_password):
        raise PasswordMismatch()
    return await change_password(db, hasher=hasher, account_id=account_id, password=new_password, now=now)


async def set_disabled(db: Database, *, account_id: int, disabled: bool, now: float) -> bool:
    """Disable (or enable again) an account; False if there is none.

    Disabling revokes every access token and v3 session of the account and ends its browser
    sessions, in the database, so every instance refuses them at once. Enabling restores none.
    """
    from filmshelf.storage import auth as auth_rows
    from filmshelf.storage import sessions as session_rows

    async with db.write() as conn:
        if await account_rows.account_by_id(conn, account_id) is None:
            return False
        await account_rows.set_account_flags(conn, account_id=account_id, disabled=disabled)
        if disabled:
            await auth_rows.revoke_account_tokens(conn, account_id=account_id, now=now)
            await session_rows.revoke_account_sessions(conn, account_id=account_id, now=now)
            await account_rows.bump_session_generation(conn, account_id=account_id)
    return True


async def all_accounts(conn: Conn) -> list[Account]:
    """Every account, oldest first."""
    return [Account.from_row(row) for row in await account_rows.all_accounts(conn)]
