"""Tests for filmshelf.catalog.reference: the data behind TMDB's v3 reference endpoints."""

from __future__ import annotations

import importlib.util
import re
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pycountry
import pytest

if importlib.util.find_spec("filmshelf") is None:  # not installed yet: run from the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from filmshelf.catalog import reference

EXPECTED_MOVIE_GENRES = [
    (28, "Action"), (12, "Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
    (99, "Documentary"), (18, "Drama"), (10751, "Family"), (14, "Fantasy"), (36, "History"),
    (27, "Horror"), (10402, "Music"), (9648, "Mystery"), (10749, "Romance"),
    (878, "Science Fiction"), (10770, "TV Movie"), (53, "Thriller"), (10752, "War"),
    (37, "Western"),
]  # fmt: skip

EXPECTED_TV_GENRES = [
    (10759, "Action & Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
    (99, "Documentary"), (18, "Drama"), (10751, "Family"), (10762, "Kids"), (9648, "Mystery"),
    (10763, "News"), (10764, "Reality"), (10765, "Sci-Fi & Fantasy"), (10766, "Soap"),
    (10767, "Talk"), (10768, "War & Politics"), (37, "Western"),
]  # fmt: skip

TMDB_DEPARTMENTS = {
    "Acting", "Art", "Camera", "Costume & Make-Up", "Crew", "Directing", "Editing", "Lighting",
    "Production", "Sound", "Visual Effects", "Writing",
}  # fmt: skip


# --------------------------------------------------------------------------- configuration


def test_configuration_defaults_to_tmdb_image_cdn() -> None:
    images = reference.configuration()["images"]
    assert images["base_url"] == "http://image.tmdb.org/t/p/"
    assert images["secure_base_url"] == "https://image.tmdb.org/t/p/"
    assert images["backdrop_sizes"] == ["w300", "w780", "w1280", "original"]
    assert images["logo_sizes"] == ["w45", "w92", "w154", "w185", "w300", "w500", "original"]
    assert images["poster_sizes"] == ["w92", "w154", "w185", "w342", "w500", "w780", "original"]
    assert images["profile_sizes"] == ["w45", "w185", "h632", "original"]
    assert images["still_sizes"] == ["w92", "w185", "w300", "original"]


def test_configuration_change_keys() -> None:
    keys = reference.configuration()["change_keys"]
    assert len(keys) == len(set(keys)) == 53
    assert keys == sorted(keys)
    assert {"adult", "cast", "crew", "images", "title", "translations", "videos"} <= set(keys)


def test_configuration_with_image_base_url_uses_it_for_both() -> None:
    images = reference.configuration("https://films.example/images/")["images"]
    assert images["base_url"] == images["secure_base_url"] == "https://films.example/images/"
    assert images["poster_sizes"] == reference.configuration()["images"]["poster_sizes"]


def test_configuration_image_base_url_gets_trailing_slash() -> None:
    images = reference.configuration("https://films.example/t/p")["images"]
    assert images["base_url"] == "https://films.example/t/p/"


def test_configuration_is_cached_per_argument() -> None:
    assert reference.configuration() is reference.configuration()
    assert reference.configuration("https://a.example/") is not reference.configuration()


# --------------------------------------------------------------------------- languages


def test_languages_include_english() -> None:
    english = [entry for entry in reference.languages() if entry["iso_639_1"] == "en"]
    assert english == [{"iso_639_1": "en", "english_name": "English", "name": "English"}]


def test_languages_include_no_language() -> None:
    assert reference.NO_LANGUAGE in reference.languages()


def test_languages_sorted_and_unique() -> None:
    codes = [entry["iso_639_1"] for entry in reference.languages()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


def test_languages_cover_every_pycountry_iso_639_1_code() -> None:
    expected = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")} | {"xx"}
    assert {entry["iso_639_1"] for entry in reference.languages()} == expected


def test_language_entries_are_well_formed() -> None:
    for entry in reference.languages():
        assert set(entry) == {"iso_639_1", "english_name", "name"}
        assert re.fullmatch(r"[a-z]{2}", entry["iso_639_1"])
        assert entry["english_name"]
        assert "(" not in entry["english_name"]
        assert isinstance(entry["name"], str)


@pytest.mark.parametrize(
    ("code", "english_name", "native"),
    [("de", "German", "Deutsch"), ("fr", "French", "Français"), ("ja", "Japanese", "日本語")],
)
def test_languages_native_names(code: str, english_name: str, native: str) -> None:
    by_code = {entry["iso_639_1"]: entry for entry in reference.languages()}
    assert by_code[code]["english_name"] == english_name
    assert by_code[code]["name"] == native


def test_languages_qualifiers_dropped() -> None:
    by_code = {entry["iso_639_1"]: entry for entry in reference.languages()}
    assert by_code["ms"]["english_name"] == "Malay"
    assert ";" not in by_code["zh"]["name"]


# --------------------------------------------------------------------------- countries


def test_countries_codes_round_trip_in_pycountry() -> None:
    entries = reference.countries()
    assert len(entries) == len(pycountry.countries)
    for entry in entries:
        assert re.fullmatch(r"[A-Z]{2}", entry["iso_3166_1"])
        country = pycountry.countries.get(alpha_2=entry["iso_3166_1"])
        assert country is not None
        assert country.alpha_2 == entry["iso_3166_1"]


def test_countries_sorted_and_unique() -> None:
    codes = [entry["iso_3166_1"] for entry in reference.countries()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


def test_countries_prefer_common_name() -> None:
    by_code = {entry["iso_3166_1"]: entry for entry in reference.countries()}
    assert by_code["KR"]["english_name"] == "South Korea"
    assert by_code["US"]["english_name"] == "United States"
    assert all(entry["native_name"] == entry["english_name"] for entry in by_code.values())


# --------------------------------------------------------------------------- timezones


def test_timezones_zones_load_in_zoneinfo() -> None:
    entries = reference.timezones()
    assert len(entries) > 200
    for entry in entries:
        assert entry["zones"]
        for zone in entry["zones"]:
            assert zoneinfo.ZoneInfo(zone).key == zone


def test_timezones_sorted_countries_known_to_pycountry() -> None:
    codes = [entry["iso_3166_1"] for entry in reference.timezones()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(pycountry.countries.get(alpha_2=code) is not None for code in codes)


def test_timezones_keep_zone_tab_order() -> None:
    by_code = {entry["iso_3166_1"]: entry["zones"] for entry in reference.timezones()}
    assert by_code["US"][0] == "America/New_York"
    assert "America/Los_Angeles" in by_code["US"]
    assert by_code["JP"] == ["Asia/Tokyo"]


# --------------------------------------------------------------------------- jobs


def test_jobs_departments_are_tmdbs() -> None:
    departments = [entry["department"] for entry in reference.jobs()]
    assert set(departments) == TMDB_DEPARTMENTS
    assert len(departments) == len(TMDB_DEPARTMENTS)


def test_jobs_lists_are_sized_and_unique() -> None:
    for entry in reference.jobs():
        assert 5 <= len(entry["jobs"]) <= 20, entry["department"]
        assert len(entry["jobs"]) == len(set(entry["jobs"])), entry["department"]
    directing = next(entry for entry in reference.jobs() if entry["department"] == "Directing")
    assert "Director" in directing["jobs"]


# --------------------------------------------------------------------------- primary translations


def test_primary_translations_validate_against_pycountry() -> None:
    codes = reference.primary_translations()
    assert codes == sorted(set(codes))
    for code in codes:
        language, _, country = code.partition("-")
        assert re.fullmatch(r"[a-z]{2}-[A-Z]{2}", code)
        assert pycountry.languages.get(alpha_2=language) is not None, code
        assert pycountry.countries.get(alpha_2=country) is not None, code


def test_primary_translations_include_common_locales() -> None:
    expected = {"en-US", "fr-FR", "de-DE", "es-ES", "es-MX", "pt-BR", "pt-PT", "ja-JP", "ko-KR"}
    expected |= {"zh-CN", "zh-TW", "it-IT", "ru-RU"}
    assert expected <= set(reference.primary_translations())


@pytest.mark.parametrize(("language", "country"), [("cn", "CN"), ("eo", "EO"), ("en", "UK")])
def test_translation_code_rejects_unknown_halves(language: str, country: str) -> None:
    with pytest.raises(ValueError, match="not an ISO"):
        reference._translation_code(language, country)


# --------------------------------------------------------------------------- genres


def test_movie_genres_match_tmdb() -> None:
    genres = reference.movie_genres()
    assert [(genre["id"], genre["name"]) for genre in genres] == EXPECTED_MOVIE_GENRES
    assert len({genre["id"] for genre in genres}) == len(genres)


def test_tv_genres_match_tmdb() -> None:
    genres = reference.tv_genres()
    assert [(genre["id"], genre["name"]) for genre in genres] == EXPECTED_TV_GENRES
    assert len({genre["id"] for genre in genres}) == len(genres)


def test_genre_name_lookup() -> None:
    assert reference.genre_name("movie", 878) == "Science Fiction"
    assert reference.genre_name("tv", 10765) == "Sci-Fi & Fantasy"
    assert reference.genre_name("tv", 878) is None
    assert reference.genre_name("movie", 10759) is None


def test_genre_name_rejects_unknown_media_type() -> None:
    with pytest.raises(ValueError, match="media_type"):
        reference.genre_name("person", 28)


# --------------------------------------------------------------------------- caching


@pytest.mark.parametrize(
    "build",
    [
        reference.languages,
        reference.countries,
        reference.timezones,
        reference.jobs,
        reference.primary_translations,
        reference.movie_genres,
        reference.tv_genres,
    ],
)
def test_results_are_cached(build: Callable[[], object]) -> None:
    assert build() is build()
