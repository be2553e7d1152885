"""The rules of v4 lists that need no database: limits, sort orders, ids, ratings.

Errors follow one split (docs/wire-decisions.md, "Lists"): a body or query value of the wrong
JSON type is refused by the framework as HTTP 400 / code 47; a value of the right type that is
missing, too long or not one of the allowed values is HTTP 422 / code 5 with an
`error_message` saying which; a list id that is not a positive integer is a list that does not
exist (404 / 34).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from filmshelf.errors import InvalidInput, InvalidParameters, NotFound

NAME_MAX = 100
DESCRIPTION_MAX = 1000
COMMENT_MAX = 1000
ITEMS_PER_REQUEST_MAX = 1000
MEDIA_TYPES = ("movie", "tv")
# Ids are 32-bit integers in both engines; anything larger cannot name a row.
MAX_ID = 2**31 - 1

SORT_FIELDS = ("original_order", "vote_average", "primary_release_date", "title")
SORT_VALUES = tuple(f"{field}.{way}" for field in SORT_FIELDS for way in ("asc", "desc"))
# Sent by some clients; not among TMDB's documented values, accepted as the same order.
SORT_ALIASES = {
    "release_date.asc": "primary_release_date.asc",
    "release_date.desc": "primary_release_date.desc",
}
DEFAULT_SORT = "original_order.asc"

_DIGITS = re.compile(r"[0-9]{1,10}")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True, slots=True)
class SortOrder:
    """A list order: the canonical `sort_by` value, the field it sorts on and its direction."""

    value: str
    field: str
    descending: bool


def parse_sort_by(raw: str) -> SortOrder:
    """The order named by a `sort_by` value (aliases resolved); 422 / code 5 if unknown."""
    value = SORT_ALIASES.get(raw, raw)
    if value not in SORT_VALUES:
        allowed = ", ".join(SORT_VALUES)
        raise InvalidParameters(detail=f"sort_by must be one of: {allowed}")
    field, _, way = value.rpartition(".")
    return SortOrder(value=value, field=field, descending=way == "desc")


def parse_list_id(raw: str) -> int:
    """The list id from a path segment; a non-integer or out-of-range id is 404 / code 34."""
    if not _DIGITS.fullmatch(raw):
        raise NotFound()
    list_id = int(raw)
    if not 1 <= list_id <= MAX_ID:
        raise NotFound()
    return list_id


def check_name(name: str | None) -> str:
    """A list name: required, not blank, at most NAME_MAX characters."""
    if name is None or not name.strip():
        raise InvalidParameters(detail="name is required")
    if len(name) > NAME_MAX:
        raise InvalidParameters(detail=f"name must be at most {NAME_MAX} characters")
    _check_text(name, "name")
    return name


def check_description(description: str | None) -> str:
    """A list description: optional (empty), at most DESCRIPTION_MAX characters."""
    if description is None:
        return ""
    if len(description) > DESCRIPTION_MAX:
        raise InvalidParameters(detail=f"description must be at most {DESCRIPTION_MAX} characters")
    _check_text(description, "description")
    return description


def check_language(code: str, *, field: str = "iso_639_1") -> str:
    """An ISO 639-1 code: two letters, stored lower-case."""
    if not _TWO_LETTERS.fullmatch(code):
        raise InvalidParameters(detail=f"{field} must be a two-letter ISO 639-1 code")
    return code.lower()


def check_country(code: str, *, field: str = "iso_3166_1") -> str:
    """An ISO 3166-1 alpha-2 code: two letters, stored upper-case."""
    if not _TWO_LETTERS.fullmatch(code):
        raise InvalidParameters(detail=f"{field} must be a two-letter ISO 3166-1 code")
    return code.upper()


_V3_LANGUAGE = re.compile(r"([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?")


def parse_v3_language(raw: object) -> tuple[str | None, str | None]:
    """The `language` of a v3 list: `en` or `en-US` (TMDB's clients send either) as (iso_639_1,
    iso_3166_1); absent or null leaves both to the account's defaults; anything else is 422 / 5."""
    if raw is None or raw == "":
        return None, None
    match = _V3_LANGUAGE.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise InvalidParameters(detail="language must be an ISO 639-1 code such as en or en-US")
    return match.group(1).lower(), None if match.group(2) is None else match.group(2).upper()


def parse_v3_text(raw: object, field: str) -> str | None:
    """A v3 text field (`name`, `description`): text or absent/null; 400 / 47 for another JSON type."""
    if raw is None or isinstance(raw, str):
        return raw
    raise InvalidInput(detail=f"{field} must be a string")


def check_item_count(count: int) -> None:
    """Items per request: 1 to ITEMS_PER_REQUEST_MAX."""
    if not 1 <= count <= ITEMS_PER_REQUEST_MAX:
        raise InvalidParameters(detail=f"items must hold between 1 and {ITEMS_PER_REQUEST_MAX} entries")


def check_comment(comment: str | None, *, index: int) -> None:
    """An item comment: optional, at most COMMENT_MAX characters."""
    if comment is None:
        return
    if len(comment) > COMMENT_MAX:
        raise InvalidParameters(detail=f"items[{index}].comment must be at most {COMMENT_MAX} characters")
    _check_text(comment, f"items[{index}].comment")


def _check_text(value: str, field: str) -> None:
    # JSON allows "\u0000" but PostgreSQL text cannot hold it; refuse it on both engines alike.
    if "\x00" in value:
        raise InvalidParameters(detail=f"{field} must not contain NUL characters")


def is_item_key(media_type: str, media_id: int) -> bool:
    """True if (media_type, media_id) could name a catalog title (movie/tv, id in range)."""
    return media_type in MEDIA_TYPES and 1 <= media_id <= MAX_ID


def parse_item_query(media_type: str | None, media_id: str | None) -> tuple[str, int]:
    """`media_type` and `media_id` of item_status: 422 / 5 for a bad type, 400 / 47 for a bad id."""
    if media_type not in MEDIA_TYPES:
        raise InvalidParameters(detail="media_type must be movie or tv")
    if media_id is None or not re.fullmatch(r"-?[0-9]{1,19}", media_id):
        raise InvalidInput(detail="media_id must be an integer")
    return media_type, int(media_id)


def average_rating(vote_sum: float, item_count: int) -> float:
    """Mean vote_average of the items, to 3 decimals like TMDB's ratings; 0 for an empty list."""
    if item_count <= 0:
        return 0.0
    # Rounding the sum first removes float drift from many adds and removes.
    return round(round(vote_sum, 3) / item_count, 3)
