"""The catalog read rules that need no database: ids, appends, filters, unsearchable queries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from filmshelf import wire
from filmshelf.catalog import lookup
from filmshelf.errors import FilmshelfError, InvalidParameters, NotFound


@pytest.mark.parametrize("raw", ["1", "550", "1399", "2147483647", "0550"])
def test_media_ids_in_digits(raw: str) -> None:
    assert wire.parse_path_id(raw) == int(raw)


@pytest.mark.parametrize(
    "raw", ["", "0", "-1", "+5", "1.5", "550abc", " 550", "2147483648", "99999999999", "\u0665\u0665\u0660", "5_50"]
)
def test_other_ids_are_not_found(raw: str) -> None:
    with pytest.raises(NotFound):
        wire.parse_path_id(raw)


def test_appends() -> None:
    assert lookup.parse_appends(None) == [] and lookup.parse_appends("") == []
    assert lookup.parse_appends(" credits,,videos , credits") == ["credits", "videos"]
    assert len(lookup.parse_appends(",".join(f"x{n}" for n in range(20)))) == 20
    with pytest.raises(FilmshelfError) as refused:
        lookup.parse_appends(",".join(f"x{n}" for n in range(21)))
    assert (refused.value.code, refused.value.http_status) == (27, 400)


def test_filters() -> None:
    assert [lookup.parse_include_adult(v) for v in (None, "", "false", "yes", "true", "TRUE", " 1 ")] == [
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    assert lookup.parse_year(None, "") is None
    assert lookup.parse_year(None, " 1999 ") == 1999
    assert lookup.parse_year("2001", "1999") == 2001
    for bad in ("abc", "0", "10000", "19.5", "-1999"):
        with pytest.raises(InvalidParameters):
            lookup.parse_year(bad)


class _NoDatabase:
    """A connection that fails the test if it is used."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the database was used: {name}")


@pytest.mark.parametrize("query", [None, "", "   ", "the\x00", "bad \ud800 surrogate"])
def test_unsearchable_queries_find_nothing_without_a_query(query: str | None) -> None:
    found = asyncio.run(
        lookup.search(_NoDatabase(), media_type="movie", query=query, page=2, include_adult=False, year=None)
    )
    assert (found.rows, found.total_results, found.total_pages) == ([], 0, 1)
    assert found.page == (1 if not (query or "").strip() else 2)
