"""redirect_to validation as a property: whatever is accepted is safe to send a browser to."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from filmshelf.auth.redirects import FORBIDDEN_SCHEMES, RedirectRefused, validate_redirect_to

schemes = st.sampled_from(["http", "https", "myapp", "javascript", "data", "file", "JAVASCRIPT", "", "com.x.y"])
rest = st.text(alphabet=st.characters(codec="utf-8", min_codepoint=0, max_codepoint=0x2FF), max_size=60)


@settings(max_examples=600, deadline=None)
@given(scheme=schemes, sep=st.sampled_from([":", "://", ":/", ""]), tail=rest)
@example(scheme="myapp", sep="://", tail="[x")  # urlsplit raises ValueError on these
@example(scheme="myapp", sep="://", tail="a]")
def test_accepted_urls_are_safe(scheme: str, sep: str, tail: str) -> None:
    url = scheme + sep + tail
    try:
        accepted = validate_redirect_to(url)
    except RedirectRefused:
        return
    parts = urlsplit(accepted)
    assert parts.scheme and parts.scheme not in FORBIDDEN_SCHEMES
    assert parts.scheme == parts.scheme.lower()
    assert all(ch.isprintable() and not ch.isspace() and ch != "\\" for ch in accepted)
    if parts.scheme in {"http", "https"}:
        assert parts.hostname and "@" not in parts.netloc
