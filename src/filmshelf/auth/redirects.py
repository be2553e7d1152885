"""Validation of `redirect_to`, the URL the browser is sent to after approval.

Attack stopped: open redirection and script injection through the approval page
(RFC 6749 §10.15, RFC 9700 §4.1 and §4.11). TMDB has no per-app redirect registration, so the
rule is by shape: an absolute http(s) URL with a plain host, or a custom app scheme for mobile
callbacks (`myapp://callback`, `com.example.app:/cb`, allowed by TMDB's guide). Refused:
script-capable and local schemes, relative and scheme-relative URLs, userinfo
(`https://good@evil`), backslashes, whitespace and control characters, dot-segment tricks, and
values over 2048 characters.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LENGTH = 2048

# Schemes a browser would execute or read locally instead of handing to an app.
FORBIDDEN_SCHEMES = frozenset(
    {
        "javascript",
        "data",
        "file",
        "vbscript",
        "blob",
        "about",
        "filesystem",
        "view-source",
        "chrome",
        "chrome-extension",
        "jar",
        "ws",
        "wss",
        "ftp",
        "mailto",
        "tel",
        "sms",
        "intent",
        "content",
    }
)
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)*\.?")
_TRAVERSAL = re.compile(r"(^|/)(\.|%2e){2}(/|$)|%25", re.IGNORECASE)


class RedirectRefused(ValueError):
    """`redirect_to` is not an acceptable callback; the message says why."""


def validate_redirect_to(url: str) -> str:
    """Return `url` unchanged if it is an acceptable callback, else raise RedirectRefused."""
    if not url:
        raise RedirectRefused("redirect_to must not be empty")
    if len(url) > MAX_LENGTH:
        raise RedirectRefused(f"redirect_to must be at most {MAX_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in url):
        raise RedirectRefused("redirect_to must not contain spaces, control characters or backslashes")
    if not url.isascii():
        raise RedirectRefused("redirect_to must be ASCII (percent-encode other characters)")
    scheme, sep, rest = url.partition(":")
    if not sep or not _SCHEME.fullmatch(scheme):
        raise RedirectRefused("redirect_to must be an absolute URL with a lowercase scheme")
    if scheme in FORBIDDEN_SCHEMES:
        raise RedirectRefused(f"redirect_to may not use the {scheme}: scheme")
    if scheme in {"http", "https"}:
        _check_web_url(url)
    elif not rest or rest in {"/", "//"}:
        raise RedirectRefused("redirect_to with an app scheme needs a path, e.g. myapp://callback")
    try:
        path = urlsplit(url).path
    except ValueError as exc:  # e.g. an unbalanced "[" in an app-scheme authority
        raise RedirectRefused("redirect_to is not a valid URL") from exc
    if _TRAVERSAL.search(path):
        raise RedirectRefused("redirect_to must not contain dot segments or double encoding")
    return url


def _check_web_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RedirectRefused("redirect_to is not a valid URL") from exc
    if not url.startswith(f"{parts.scheme}://"):
        raise RedirectRefused("redirect_to must be an absolute URL such as https://example.com/callback")
    if "@" in parts.netloc:
        raise RedirectRefused("redirect_to must not contain user information")
    host = parts.hostname or ""
    if not host:
        raise RedirectRefused("redirect_to must name a host")
    if parts.netloc.startswith("[") and "]" in parts.netloc:
        return  # an IPv6 literal, already parsed by urlsplit
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise RedirectRefused("redirect_to has an invalid host name")
    if port == 0:
        raise RedirectRefused("redirect_to has an invalid port")


def display_target(url: str) -> str:
    """What the approval page shows as the destination: scheme and host (or the app scheme)."""
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"}:
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:{'//' + parts.netloc if parts.netloc else ''}"
