"""Signing and verifying the three JWT kinds; the only module that imports `jwt`.

Invariants (RFC 8725 §3.1, §3.12): the algorithm list is pinned to HS256 and never read from
the token; each kind (app read token, request token, user access token) is signed with its own
key derived from the server secret, so one kind can never pass as another; expiry and
not-before are checked against the injected clock, not PyJWT's wall clock, so tests can move
time. Claims carry only opaque ids (RFC 7519 §12): no usernames, e-mails or addresses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum
from typing import Any

import jwt
import msgspec

ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 8192


class TokenKind(Enum):
    """The JWT kinds filmshelf issues; the value is the key-derivation label."""

    APP = "filmshelf/app-read-token/v1"
    REQUEST = "filmshelf/request-token/v1"
    ACCESS = "filmshelf/access-token/v1"


class TokenError(Exception):
    """A token could not be verified; `reason` is safe to show (TMDB's `error_message` texts)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Keys:
    """Per-kind HMAC keys derived from the server secret."""

    app: bytes
    request: bytes
    access: bytes

    @classmethod
    def derive(cls, secret: str) -> Keys:
        """Derive one 32-byte key per token kind (HMAC-SHA256 of the kind label)."""

        def one(kind: TokenKind) -> bytes:
            return hmac.new(secret.encode(), kind.value.encode(), hashlib.sha256).digest()

        return cls(app=one(TokenKind.APP), request=one(TokenKind.REQUEST), access=one(TokenKind.ACCESS))

    def for_kind(self, kind: TokenKind) -> bytes:
        """The key that signs tokens of `kind`."""
        if kind is TokenKind.REQUEST:
            return self.request
        return self.access if kind is TokenKind.ACCESS else self.app


def new_object_id() -> str:
    """A TMDB-style object id: 24 lowercase hex characters (96 random bits)."""
    return secrets.token_hex(12)


def new_api_key() -> str:
    """A TMDB-style v3 API key: 32 lowercase hex characters (128 random bits)."""
    return secrets.token_hex(16)


def new_guest_session_id() -> str:
    """A TMDB-style v3 guest session id: 32 lowercase hex characters (128 random bits)."""
    return secrets.token_hex(16)


def new_session_id() -> str:
    """A TMDB-style v3 session id: 40 lowercase hex characters (160 random bits)."""
    return secrets.token_hex(20)


_CLAIMS_ENCODER = msgspec.json.Encoder()
# The protected header TMDB's tokens carry, as its base64url segment (RFC 7515 §7.1).
_HEADER_SEGMENT = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=")


def _base64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def sign(claims: dict[str, Any], keys: Keys, kind: TokenKind) -> str:
    """Sign `claims` as a compact HS256 JWT with the header TMDB uses: {"alg":"HS256"}.

    The same bytes as `jwt.encode(claims, key, algorithm="HS256", headers={"typ": None})` for
    the claims filmshelf writes (ASCII text, integers, timestamps; tests/auth/test_tokens.py
    compares them). Built here because PyJWT's encode re-validates the key (regular-expression
    scans for PEM and SSH formats) and runs `json.dumps` on header and claims on every call: a
    fifth of a request-token call. The keys are fixed 32-byte HMAC keys, so none of that can
    change the result. Verification stays PyJWT's (`verify`).
    """
    signing_input = _HEADER_SEGMENT + b"." + _base64url(_CLAIMS_ENCODER.encode(claims))
    signature = hmac.digest(keys.for_kind(kind), signing_input, "sha256")
    return (signing_input + b"." + _base64url(signature)).decode("ascii")


_CLAIMS_DECODER = msgspec.json.Decoder(dict[str, Any])


def peek_claims(token: str) -> dict[str, Any]:
    """Read a token's claims WITHOUT verifying it, only to choose which kind to verify as."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("Invalid token")
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        return _CLAIMS_DECODER.decode(payload)
    except (ValueError, msgspec.DecodeError) as exc:
        # TMDB's own text for a malformed JWT, trailing space included.
        raise TokenError("Invalid json ") from exc


def verify(
    token: str,
    keys: Keys,
    kind: TokenKind,
    *,
    now: float,
    audience: str | None = None,
    required: tuple[str, ...] = (),
    check_times: bool = True,
) -> dict[str, Any]:
    """Verify signature, algorithm, audience, nbf and exp of a `kind` token; return its claims."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("Invalid token")
    key = keys.for_kind(kind)
    memo_key = (token, key, audience, required)
    claims = _VERIFIED.get(memo_key) if kind is TokenKind.ACCESS else None
    if claims is None:
        claims = _decode(token, key, audience, required)
        if kind is TokenKind.ACCESS:
            if len(_VERIFIED) >= _VERIFIED_MAX:
                _VERIFIED.clear()  # simple and bounded; refilled by the next requests
            _VERIFIED[memo_key] = claims
    if check_times:
        _check_times(claims, now)
    return dict(claims)


# Claims of user access tokens whose signature, algorithm, audience and required claims PyJWT
# has accepted, by the exact token text and the key and rules it passed under. Only access tokens:
# a user sends one with every call, while a request token is read once or twice and app read
# tokens have their own memory (`auth.apps.VerifiedAppTokens`). A token's text fixes its claims,
# so this memo can never let a token pass that PyJWT would refuse; what can change (expiry against
# the clock, whether the token is still live in the database) is checked on every call, by
# `_check_times` here and by the callers. PyJWT's decode costs ~27 µs (a per-character alphabet
# check of each segment), a tenth of a list-page call made with a user access token.
_VERIFIED: dict[tuple[str, bytes, str | None, tuple[str, ...]], dict[str, Any]] = {}
_VERIFIED_MAX = 4096


def _decode(token: str, key: bytes, audience: str | None, required: tuple[str, ...]) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            options={
                "verify_aud": audience is not None,
                # Time checks use the injected clock below.
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "require": list(required),
                "enforce_minimum_key_length": True,
            },
        )
    except jwt.InvalidAudienceError as exc:
        raise TokenError("Invalid audience") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise TokenError("Missing claim") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("Invalid token") from exc
    return claims


def _check_times(claims: dict[str, Any], now: float) -> None:
    nbf = claims.get("nbf")
    exp = claims.get("exp")
    try:
        # One second of leeway for clocks of several instances that disagree slightly.
        if nbf is not None and float(nbf) > now + 1:
            raise TokenError("Token not yet valid")
        if exp is not None and float(exp) <= now:
            raise TokenError("Token expired")
    except (TypeError, ValueError) as exc:
        raise TokenError("Invalid token") from exc
