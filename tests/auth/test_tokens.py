"""`auth.tokens.sign` writes exactly what PyJWT writes, and PyJWT verifies what it signs."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from filmshelf.auth.tokens import Keys, TokenError, TokenKind, sign, verify

KEYS = Keys.derive("a test secret that is long enough for HS256 keys")
ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
claim_values = st.one_of(
    ascii_text,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(min_value=1.0, max_value=4e9),  # timestamps (nbf): the only floats filmshelf signs
    st.booleans(),
    st.none(),
    st.lists(ascii_text, max_size=3),
)
claims_sets = st.dictionaries(ascii_text, claim_values, max_size=8)


@given(claims=claims_sets, kind=st.sampled_from(list(TokenKind)))
def test_sign_writes_the_same_bytes_as_pyjwt(claims: dict[str, Any], kind: TokenKind) -> None:
    expected = jwt.encode(claims, KEYS.for_kind(kind), algorithm="HS256", headers={"typ": None})
    assert sign(claims, KEYS, kind) == expected


@given(claims=st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=6))
def test_pyjwt_verifies_what_sign_writes_whatever_the_text(claims: dict[str, str]) -> None:
    token = sign(claims, KEYS, TokenKind.REQUEST)
    assert jwt.get_unverified_header(token) == {"alg": "HS256"}
    assert verify(token, KEYS, TokenKind.REQUEST, now=0.0) == claims


def test_a_token_of_one_kind_does_not_verify_as_another() -> None:
    token = sign({"aud": "x", "scopes": ["api_read"]}, KEYS, TokenKind.APP)
    assert verify(token, KEYS, TokenKind.APP, now=0.0)["aud"] == "x"
    with pytest.raises(TokenError):
        verify(token, KEYS, TokenKind.ACCESS, now=0.0)
    with pytest.raises(TokenError):
        verify(token, KEYS, TokenKind.REQUEST, now=0.0)


# --- the memo of verified tokens: what can change is checked on every call ---------------------------
def test_a_token_verified_before_still_expires() -> None:
    token = sign({"aud": "app", "exp": 1_000}, KEYS, TokenKind.ACCESS)
    assert verify(token, KEYS, TokenKind.ACCESS, now=500.0)["exp"] == 1_000
    with pytest.raises(TokenError, match="Token expired"):
        verify(token, KEYS, TokenKind.ACCESS, now=1_000.0)


def test_a_verified_token_passes_no_other_audience_key_or_rule() -> None:
    token = sign({"aud": "app-a", "jti": "x"}, KEYS, TokenKind.ACCESS)
    assert verify(token, KEYS, TokenKind.ACCESS, now=0.0, audience="app-a", required=("jti",))["jti"] == "x"
    with pytest.raises(TokenError, match="Invalid audience"):
        verify(token, KEYS, TokenKind.ACCESS, now=0.0, audience="app-b", required=("jti",))
    with pytest.raises(TokenError, match="Missing claim"):
        verify(token, KEYS, TokenKind.ACCESS, now=0.0, audience="app-a", required=("jti", "exp"))
    other_server = Keys.derive("another server's secret, also long enough for HS256")
    with pytest.raises(TokenError):
        verify(token, other_server, TokenKind.ACCESS, now=0.0, audience="app-a", required=("jti",))


def test_a_tampered_copy_of_a_verified_token_is_refused() -> None:
    token = sign({"aud": "app", "scopes": ["api_read"]}, KEYS, TokenKind.ACCESS)
    verify(token, KEYS, TokenKind.ACCESS, now=0.0)
    head, payload, signature = token.split(".")
    forged_claims = sign({"aud": "app", "scopes": ["api_read", "api_write"]}, KEYS, TokenKind.ACCESS).split(".")[1]
    for forged in (f"{head}.{forged_claims}.{signature}", f"{head}.{payload}.{signature[:-2]}AA"):
        with pytest.raises(TokenError):
            verify(forged, KEYS, TokenKind.ACCESS, now=0.0)


def test_callers_get_their_own_copy_of_the_claims() -> None:
    token = sign({"aud": "app", "jti": "y"}, KEYS, TokenKind.ACCESS)
    verify(token, KEYS, TokenKind.ACCESS, now=0.0)["aud"] = "changed"
    assert verify(token, KEYS, TokenKind.ACCESS, now=0.0)["aud"] == "app"


def test_the_memo_stays_bounded_and_keeps_no_single_use_tokens() -> None:
    from filmshelf.auth import tokens

    for number in range(tokens._VERIFIED_MAX + 10):
        verify(sign({"jti": str(number)}, KEYS, TokenKind.ACCESS), KEYS, TokenKind.ACCESS, now=0.0)
    assert len(tokens._VERIFIED) <= tokens._VERIFIED_MAX
    tokens._VERIFIED.clear()
    verify(sign({"jti": "request"}, KEYS, TokenKind.REQUEST), KEYS, TokenKind.REQUEST, now=0.0)
    assert not tokens._VERIFIED
