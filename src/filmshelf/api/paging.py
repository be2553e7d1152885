"""TMDB's paging rules: 20 results a page, pages 1..500, anything else is code 22."""

from __future__ import annotations

from filmshelf.errors import InvalidPage

PAGE_SIZE = 20
MAX_PAGE = 500


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
