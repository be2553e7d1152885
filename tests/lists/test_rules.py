"""The pure list rules: sort values, ids, text limits, ratings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from filmshelf.errors import FilmshelfError
from filmshelf.lists import rules


@pytest.mark.parametrize(
    ("raw", "value", "field", "descending"),
    [
        ("original_order.asc", "original_order.asc", "original_order", False),
        ("vote_average.desc", "vote_average.desc", "vote_average", True),
        ("primary_release_date.asc", "primary_release_date.asc", "primary_release_date", False),
        ("release_date.desc", "primary_release_date.desc", "primary_release_date", True),
        ("title.desc", "title.desc", "title", True),
    ],
)
def test_sort_by_values(raw: str, value: str, field: str, descending: bool) -> None:
    assert rules.parse_sort_by(raw) == rules.SortOrder(value, field, descending)


@pytest.mark.parametrize("raw", ["", "title", "title.up", "popularity.desc", "Title.asc", "title.asc "])
def test_unknown_sort_by_is_code_5(raw: str) -> None:
    with pytest.raises(FilmshelfError) as caught:
        rules.parse_sort_by(raw)
    assert (caught.value.code, caught.value.http_status) == (5, 422)
    assert caught.value.detail is not None and "original_order.asc" in caught.value.detail


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("42", 42), ("2147483647", 2147483647)])
def test_list_ids(raw: str, expected: int) -> None:
    assert rules.parse_list_id(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "2147483648", "12345678901", "1.0", "", " 1", "\u0661"])
def test_bad_list_ids_are_not_found(raw: str) -> None:
    with pytest.raises(FilmshelfError) as caught:
        rules.parse_list_id(raw)
    assert (caught.value.code, caught.value.http_status) == (34, 404)


def test_text_limits() -> None:
    assert rules.check_name("n" * rules.NAME_MAX) == "n" * 100
    assert rules.check_description(None) == ""
    calls: list[Callable[[], object]] = [
        lambda: rules.check_name(None),
        lambda: rules.check_name(" \t"),
        lambda: rules.check_name("n" * 101),
        lambda: rules.check_description("d" * 1001),
        lambda: rules.check_comment("c" * 1001, index=0),
        lambda: rules.check_comment("\x00", index=0),
        lambda: rules.check_item_count(0),
        lambda: rules.check_item_count(1001),
        lambda: rules.check_language("e1"),
        lambda: rules.check_country("USA"),
    ]
    for call in calls:
        with pytest.raises(FilmshelfError) as caught:
            call()
        assert caught.value.code == 5
    assert (rules.check_language("EN"), rules.check_country("gb")) == ("en", "GB")


def test_item_keys() -> None:
    assert rules.is_item_key("movie", 550) and rules.is_item_key("tv", 1399)
    assert not rules.is_item_key("person", 550)
    assert not rules.is_item_key("movie", 0)
    assert not rules.is_item_key("movie", 2**31)


def test_average_rating() -> None:
    assert rules.average_rating(0.0, 0) == 0.0
    assert rules.average_rating(7.9 + 8.4 + 8.5, 3) == 8.267
    # Float drift from many adds and removes does not show.
    drifted = sum([0.1] * 10) - 1.0 + 8.0
    assert rules.average_rating(drifted, 1) == 8.0
