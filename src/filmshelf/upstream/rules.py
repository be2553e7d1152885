"""Pure rules of the upstream: what may go upstream, under which key, and for how long it is good.

* **Paths** are an allow-list of TMDB's v3 catalog reads (titles and their sub-resources,
  seasons and episodes, people, collections, companies, networks, keywords, discovery, trending,
  search, find, genres, certifications, watch providers, configuration). Anything else — auth,
  account, lists, ratings, sessions, guest sessions, `account_states`, every `/4/` route — never
  matches, whatever routes filmshelf itself serves.
* **Query parameters** are an allow-list too (those TMDB's catalog reads take). The caller's
  credentials (`api_key`, `session_id`, `guest_session_id`) and anything unknown are dropped.
  `append_to_response` loses `account_states` (per user, needs a session) and is put in a
  canonical order. The surviving parameters, sorted, make the cache key with the path.
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

MAX_ID = 2**31 - 1
# Longest normalised query string that may go upstream; longer ones stay local.
MAX_QUERY_CHARS = 4096
MAX_VALUE_CHARS = 500
# How long an upstream "not found" (404 / 34) is believed, at most.
NEGATIVE_TTL = 600.0
# Waits after an upstream 429 without a usable Retry-After, and the longest wait honoured.
DEFAULT_RETRY_AFTER = 10.0
MAX_RETRY_AFTER = 600.0
# After a failed call (connection refused, timeout, 5xx, refused token) filmshelf waits this
# long before calling again; meanwhile stored answers are served stale.
FAILURE_PAUSE = 5.0

_ID = r"[1-9][0-9]{0,9}"
_NUMBER = r"(?:0|[1-9][0-9]{0,3})"
_HEX24 = r"[0-9a-f]{24}"
_EXTERNAL = r"[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,127}"

_MOVIE_PARTS = (
    "alternative_titles|changes|credits|external_ids|images|keywords|lists|recommendations|"
    "release_dates|reviews|similar|translations|videos|watch/providers"
)
_TV_PARTS = (
    "aggregate_credits|alternative_titles|changes|content_ratings|credits|episode_groups|external_ids|"
    "images|keywords|lists|recommendations|reviews|screened_theatrically|similar|translations|videos|"
    "watch/providers"
)
_SEASON_PARTS = "aggregate_credits|changes|credits|external_ids|images|translations|videos|watch/providers"
_EPISODE_PARTS = "changes|credits|external_ids|images|translations|videos"
_PERSON_PARTS = "changes|combined_credits|external_ids|images|movie_credits|tagged_images|translations|tv_credits"

# Every path (after `/3`) that may be answered by the upstream. Anchored; nothing else matches.
CATALOG_PATHS: tuple[str, ...] = (
    rf"/movie/{_ID}",
    rf"/movie/{_ID}/(?:{_MOVIE_PARTS})",
    r"/movie/(?:popular|top_rated|now_playing|upcoming|latest|changes)",
    rf"/tv/{_ID}",
    rf"/tv/{_ID}/(?:{_TV_PARTS})",
    rf"/tv/{_ID}/season/{_NUMBER}",
    rf"/tv/{_ID}/season/{_NUMBER}/(?:{_SEASON_PARTS})",
    rf"/tv/{_ID}/season/{_NUMBER}/episode/{_NUMBER}",
    rf"/tv/{_ID}/season/{_NUMBER}/episode/{_NUMBER}/(?:{_EPISODE_PARTS})",
    r"/tv/(?:popular|top_rated|on_the_air|airing_today|latest|changes)",
    rf"/tv/episode_group/{_HEX24}",
    r"/trending/(?:all|movie|tv|person)/(?:day|week)",
    r"/discover/(?:movie|tv)",
    r"/search/(?:movie|tv|multi|person|collection|company|keyword)",
    rf"/find/{_EXTERNAL}",
    rf"/person/{_ID}",
    rf"/person/{_ID}/(?:{_PERSON_PARTS})",
    r"/person/(?:popular|latest|changes)",
    rf"/collection/{_ID}",
    rf"/collection/{_ID}/(?:images|translations)",
    rf"/company/{_ID}",
    rf"/company/{_ID}/(?:alternative_names|images)",
    rf"/network/{_ID}",
    rf"/network/{_ID}/(?:alternative_names|images)",
    rf"/keyword/{_ID}",
    rf"/keyword/{_ID}/movies",
    rf"/review/{_HEX24}",
    rf"/credit/{_HEX24}",
    r"/genre/(?:movie|tv)/list",
    r"/certification/(?:movie|tv)/list",
    r"/watch/providers/(?:movie|tv|regions)",
    r"/configuration",
    r"/configuration/(?:countries|jobs|languages|primary_translations|timezones)",
)
_CATALOG = re.compile("/3(?:" + "|".join(CATALOG_PATHS) + ")")
_TITLE = re.compile(r"/3/(movie|tv)/([1-9][0-9]{0,9})(/.*)?")

# Query parameters TMDB's catalog reads take; everything else (credentials included) is dropped.
QUERY_NAMES = frozenset(
    {
        "language",
        "page",
        "append_to_response",
        "include_adult",
        "include_video",
        "include_image_language",
        "include_video_language",
        "include_null_first_air_dates",
        "region",
        "watch_region",
        "query",
        "year",
        "primary_release_year",
        "first_air_date_year",
        "sort_by",
        "external_source",
        "certification",
        "certification_country",
        "timezone",
        "start_date",
        "end_date",
        "screened_theatrically",
    }
)
# Discover's filters: with_* / without_* and range bounds such as vote_count.gte.
_QUERY_PATTERN = re.compile(r"(?:with|without)_[a-z_]{1,40}|[a-z_]{1,40}\.(?:gte|lte)")
# Appends that are per user and need a session: never asked of the upstream.
PRIVATE_APPENDS = frozenset({"account_states"})


def _allowed_name(name: str) -> bool:
    return name in QUERY_NAMES or _QUERY_PATTERN.fullmatch(name) is not None


def _printable(text: str) -> bool:
    return text.isprintable()


def normalise_query(raw: bytes | str) -> tuple[tuple[str, str], ...] | None:
    """The query parameters that may go upstream, sorted by name; None if they cannot go at all.

    The first value of a repeated name counts; empty values are dropped. A value over 500
    characters, or with control characters, or a total over 4,096 characters: None (the local
    answer stands).
    """
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    kept: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
        if name in kept or not _allowed_name(name):
            continue
        value = value.strip()
        if name == "append_to_response":
            names = {part.strip() for part in value.split(",")} - PRIVATE_APPENDS - {""}
            value = ",".join(sorted(names))
        if not value:
            continue
        if len(value) > MAX_VALUE_CHARS or not _printable(value):
            return None
        kept[name] = value
    pairs = tuple(sorted(kept.items()))
    if len(urlencode(pairs)) > MAX_QUERY_CHARS:
        return None
    return pairs


@dataclass(frozen=True, slots=True)
class Plan:
    """One catalog read as the upstream would be asked for it."""

    path: str
    params: tuple[tuple[str, str], ...]
    # The title a `/3/movie/{id}...` or `/3/tv/{id}...` path belongs to, else None.
    media_type: str | None = None
    media_id: int | None = None
    # True for the title's details path itself (`/3/movie/{id}`), whatever the query.
    details: bool = False

    @property
    def query(self) -> str:
        """The normalised query string (sorted, encoded)."""
        return urlencode(self.params)

    @property
    def key(self) -> str:
        """What the answer is stored under: path and normalised query."""
        return f"{self.path}?{self.query}"

    @property
    def key_hash(self) -> str:
        """SHA-256 hex of `key` (fixed-length primary key of the store)."""
        return hashlib.sha256(self.key.encode()).hexdigest()


def plan(path: str, query: bytes | str = b"") -> Plan | None:
    """The upstream request for a GET of `path`, or None when it must never go upstream."""
    if _CATALOG.fullmatch(path) is None:
        return None
    params = normalise_query(query)
    if params is None:
        return None
    title = _TITLE.fullmatch(path)
    if title is None:
        return Plan(path=path, params=params)
    media_id = int(title.group(2))
    if media_id > MAX_ID:
        return None
    return Plan(path=path, params=params, media_type=title.group(1), media_id=media_id, details=title.group(3) is None)


def title_target(text: str) -> Plan | None:
    """A `catalog fetch` argument: `movie:550`, `tv:1399`, or a `/3/...` path with an optional query."""
    if text.startswith("/"):
        path, _, query = text.partition("?")
        return plan(path, query)
    kind, _, raw_id = text.partition(":")
    if kind not in {"movie", "tv"} or not raw_id.isascii() or not raw_id.isdigit():
        return None
    return plan(f"/3/{kind}/{int(raw_id)}") if raw_id.lstrip("0") else None


# --- time -----------------------------------------------------------------------------------


def ttl_for(status: int, ttl: float) -> float:
    """How long a stored answer of `status` is served without asking the upstream again."""
    return ttl if status == 200 else min(ttl, NEGATIVE_TTL)


def is_fresh(status: int, fetched_at: float, now: float, ttl: float) -> bool:
    """Whether a stored answer is still within its time to live."""
    return now - fetched_at < ttl_for(status, ttl)


def retry_after_seconds(header: str | None, now: float) -> float:
    """Seconds to wait from a `Retry-After` value (seconds or an HTTP date), within [1, 600].

    Missing or unreadable: 10 s.
    """
    if header is None or not header.strip():
        return DEFAULT_RETRY_AFTER
    text = header.strip()
    seconds: float
    if text.isascii() and text.isdigit():
        seconds = float(int(text))
    else:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return DEFAULT_RETRY_AFTER
        if when.tzinfo is None:
            return DEFAULT_RETRY_AFTER
        seconds = when.timestamp() - now
    if math.isnan(seconds):
        return DEFAULT_RETRY_AFTER
    return min(max(seconds, 1.0), MAX_RETRY_AFTER)
