"""TMDB's wire primitives, written once: pages, path ids and time formats.

Shared by the domain packages (which page their reads) and `api/` (which parses query values);
nothing here imports a framework or touches storage.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from filmshelf.errors import InvalidPage, NotFound

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_ID = 2**31 - 1

T = TypeVar("T")


def parse_page(raw: str | None) -> int:
    """The page number from the `page` query value; InvalidPage (400, code 22) if unusable."""
    if raw is None or raw == "":
        return 1
    try:
        page = int(raw)
    except ValueError as exc:
        raise InvalidPage() from exc
    if not 1 <= page <= MAX_PAGE:
        raise InvalidPage()
    return page


def total_pages(total_results: int) -> int:
    """Pages needed for `total_results` (at least 1, as clients expect)."""
    return max(1, -(-total_results // PAGE_SIZE))


def offset_of(page: int) -> int:
    """The row offset of a page."""
    return (page - 1) * PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results and the total behind it."""

    page: int
    total_results: int
    rows: Sequence[T]

    @property
    def total_pages(self) -> int:
        """Pages needed for the total (at least 1)."""
        return total_pages(self.total_results)


def parse_path_id(raw: str) -> int:
    """A numeric id from a URL path; NotFound (404 / 34) unless a positive 32-bit integer in digits."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= MAX_ID:
        return int(raw)
    raise NotFound()


def utc_text(timestamp: float) -> str:
    """TMDB's "2016-08-26 17:04:39 UTC" (v3 token expiry, v4 account list summaries): the second it is in."""
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))


def utc_date(timestamp: float) -> str:
    """ "2016-08-26", the UTC day the time is in (the pages, Letterboxd and IMDb exports)."""
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def iso_millis(timestamp: float) -> str:
    """ISO-8601 UTC to the nearest millisecond, "2016-08-26T17:04:39.120Z" (v4 `account_rating.created_at`,
    TMDB and Trakt exports).

    `round(timestamp, 3)` rounds the float's exact value (half to even); the whole milliseconds
    are then split with floor division, so .9996 carries into the next second (and day, and
    year) and a time before 1970 keeps its fraction counting forward from the second below.
    """
    seconds, millis = divmod(round(round(timestamp, 3) * 1000), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"
