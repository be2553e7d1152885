"""wire's time formats and page counts: pure functions, checked without a server (issue 9 §2)."""

from __future__ import annotations

import ast
import calendar
import math
import time
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from filmshelf import wire

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# From 1902 to 2096: every time filmshelf stores, and well past the 32-bit limit both ways.
TIMESTAMPS = st.floats(min_value=-2_140_000_000, max_value=4_000_000_000, allow_nan=False)
ISO_MILLIS = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"


def millis_of(text: str) -> int:
    """Whole milliseconds since the epoch of an `iso_millis` text, read exactly (no float)."""
    return (datetime.fromisoformat(text) - EPOCH) // timedelta(milliseconds=1)


def nearest_milli(timestamp: float) -> int:
    """The millisecond nearest the float's exact value (half to even, as Python's round)."""
    return int((Decimal(timestamp) * 1000).to_integral_value(rounding=ROUND_HALF_EVEN))


# --- iso_millis: v4 account_rating.created_at, TMDB and Trakt exports ------------------------------------------
@pytest.mark.parametrize(
    ("timestamp", "text"),
    [
        (1790000000.9996, "2026-09-21T14:13:21.000Z"),  # the milliseconds round up to the next second
        (1790000000.9994, "2026-09-21T14:13:20.999Z"),
        (1790000000.0004, "2026-09-21T14:13:20.000Z"),
        (1790000000.123, "2026-09-21T14:13:20.123Z"),
        (1798761599.9999, "2027-01-01T00:00:00.000Z"),  # and carry into the next day, month and year
        (1472231079, "2016-08-26T17:04:39.000Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-0.25, "1969-12-31T23:59:59.750Z"),  # before 1970 the fraction still counts forward
    ],
)
def test_iso_millis(timestamp: float, text: str) -> None:
    assert wire.iso_millis(timestamp) == text


@given(TIMESTAMPS)
@example(1790000000.9996)
@example(1790000000.0625)  # exactly half a millisecond over .062: to even
def test_iso_millis_is_the_nearest_millisecond(timestamp: float) -> None:
    text = wire.iso_millis(timestamp)
    assert len(text) == 24 and text[10] == "T" and text.endswith("Z")
    assert millis_of(text) == nearest_milli(timestamp)


@given(st.integers(min_value=-2_140_000_000_000, max_value=4_000_000_000_000))
def test_iso_millis_round_trips_whole_milliseconds(millis: int) -> None:
    assert millis_of(wire.iso_millis(millis / 1000)) == millis


# --- utc_text: v3 expires_at, v4 list summaries ----------------------------------------------------------------
def test_utc_text() -> None:
    assert wire.utc_text(1472231079) == "2016-08-26 17:04:39 UTC"  # TMDB's example
    assert wire.utc_text(1790000000.9996) == "2026-09-21 14:13:20 UTC"  # whole seconds: never later than the time
    assert wire.utc_text(-0.25) == "1969-12-31 23:59:59 UTC"


@given(TIMESTAMPS)
def test_utc_text_round_trips_to_the_second_below(timestamp: float) -> None:
    text = wire.utc_text(timestamp)
    assert calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S UTC")) == math.floor(timestamp)


# --- utc_date: the pages' dates, Letterboxd and IMDb exports ---------------------------------------------------
def test_utc_date() -> None:
    assert wire.utc_date(1472231079) == "2016-08-26"
    assert wire.utc_date(1798761599.9999) == "2026-12-31"  # a date is the day it is in, not rounded
    assert wire.utc_date(-1) == "1969-12-31"


@given(TIMESTAMPS)
def test_utc_date_is_the_day_of_the_time(timestamp: float) -> None:
    day = wire.utc_date(timestamp)
    assert day == wire.utc_text(timestamp)[:10]
    assert calendar.timegm(time.strptime(day, "%Y-%m-%d")) == math.floor(timestamp) // 86_400 * 86_400


# --- pages: 20 results a page, at least one page --------------------------------------------------------------
@pytest.mark.parametrize(("results", "pages"), [(0, 1), (1, 1), (20, 1), (21, 2), (40, 2), (41, 3), (10_000, 500)])
def test_total_pages(results: int, pages: int) -> None:
    assert wire.total_pages(results) == pages
    assert wire.Page(page=1, total_results=results, rows=[]).total_pages == pages


@given(st.integers(min_value=0, max_value=10**9))
def test_total_pages_is_the_fewest_pages_that_hold_every_result(results: int) -> None:
    pages = wire.total_pages(results)
    assert pages >= 1 and pages * wire.PAGE_SIZE >= results
    assert pages == 1 or (pages - 1) * wire.PAGE_SIZE < results


@given(st.integers(min_value=1, max_value=wire.MAX_PAGE))
def test_pages_follow_one_another_without_gap_or_overlap(page: int) -> None:
    assert wire.offset_of(1) == 0
    assert wire.offset_of(page + 1) - wire.offset_of(page) == wire.PAGE_SIZE
    assert wire.total_pages(wire.offset_of(page) + 1) == page  # the first result of a page is on that page


class _PageArithmetic(ast.NodeVisitor):
    """Finds arithmetic on the page size or on a page number: what wire's helpers are for."""

    def __init__(self) -> None:
        self.found: set[int] = set()

    def visit_BinOp(self, node: ast.BinOp) -> None:
        names = {_name(node.left), _name(node.right)}
        on_size = names & {"PAGE_SIZE", "page_size"} and not isinstance(node.op, ast.Add)
        page_minus_one = (
            isinstance(node.op, ast.Sub)
            and _name(node.left) in {"page", "page_number"}
            and isinstance(node.right, ast.Constant)
        )
        if on_size or page_minus_one:
            self.found.add(node.lineno)
        self.generic_visit(node)


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def test_page_counts_and_offsets_are_computed_in_wire_only() -> None:
    source = Path(wire.__file__).parent
    inline = {}
    for path in sorted(source.rglob("*.py")):
        if path.name == "wire.py":
            continue
        finder = _PageArithmetic()
        finder.visit(ast.parse(path.read_text(), str(path)))
        if finder.found:
            inline[str(path.relative_to(source))] = sorted(finder.found)
    # total_pages, offset_of and Page.total_pages say it once (issue 9 §2).
    assert inline == {}
