"""Data behind TMDB's v3 reference endpoints (configuration, languages, genres ...).

Client libraries load these bodies once at start-up, so every function here is
cached with :func:`functools.cache` and builds its answer a single time per
process.  The returned lists and dicts are shared between callers: encode
them, never mutate them.

ISO data is never typed in by hand: languages and countries come from
``pycountry`` (whose bundled iso-codes translations also give native language
names), time zones from the IANA ``zone.tab`` shipped by the ``tzdata`` package
(or the system's zoneinfo directory when that package is absent).
"""

from __future__ import annotations

import gettext
import re
import zoneinfo
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypedDict

import pycountry

__all__ = [
    "Configuration",
    "Country",
    "Department",
    "Genre",
    "ImagesConfiguration",
    "Language",
    "Timezone",
    "configuration",
    "countries",
    "genre_name",
    "jobs",
    "languages",
    "movie_genres",
    "primary_translations",
    "timezones",
    "tv_genres",
]


class ImagesConfiguration(TypedDict):
    """The ``images`` object of ``GET /3/configuration``."""

    base_url: str
    secure_base_url: str
    backdrop_sizes: list[str]
    logo_sizes: list[str]
    poster_sizes: list[str]
    profile_sizes: list[str]
    still_sizes: list[str]


class Configuration(TypedDict):
    """The body of ``GET /3/configuration``."""

    change_keys: list[str]
    images: ImagesConfiguration


class Language(TypedDict):
    """One entry of ``GET /3/configuration/languages``."""

    iso_639_1: str
    english_name: str
    name: str


class Country(TypedDict):
    """One entry of ``GET /3/configuration/countries``."""

    iso_3166_1: str
    english_name: str
    native_name: str


class Timezone(TypedDict):
    """One entry of ``GET /3/configuration/timezones``."""

    iso_3166_1: str
    zones: list[str]


class Department(TypedDict):
    """One entry of ``GET /3/configuration/jobs``."""

    department: str
    jobs: list[str]


class Genre(TypedDict):
    """One entry of the ``genres`` array of ``GET /3/genre/{movie,tv}/list``."""

    id: int
    name: str


# --------------------------------------------------------------------------- configuration

TMDB_IMAGE_BASE_URL = "http://image.tmdb.org/t/p/"
TMDB_SECURE_IMAGE_BASE_URL = "https://image.tmdb.org/t/p/"

_BACKDROP_SIZES = ("w300", "w780", "w1280", "original")
_LOGO_SIZES = ("w45", "w92", "w154", "w185", "w300", "w500", "original")
_POSTER_SIZES = ("w92", "w154", "w185", "w342", "w500", "w780", "original")
_PROFILE_SIZES = ("w45", "w185", "h632", "original")
_STILL_SIZES = ("w92", "w185", "w300", "original")

# The field names TMDB's change feed reports; API vocabulary, in TMDB's order.
_CHANGE_KEYS = (
    "adult", "air_date", "also_known_as", "alternative_titles", "biography", "birthday",
    "budget", "cast", "certifications", "character_names", "created_by", "crew", "deathday",
    "episode", "episode_number", "episode_run_time", "freebase_id", "freebase_mid", "general",
    "genres", "guest_stars", "homepage", "images", "imdb_id", "languages", "name", "network",
    "origin_country", "original_name", "original_title", "overview", "parts", "place_of_birth",
    "plot_keywords", "production_code", "production_companies", "production_countries",
    "releases", "revenue", "runtime", "season", "season_number", "season_regular",
    "spoken_languages", "status", "tagline", "title", "translations", "tvdb_id", "tvrage_id",
    "type", "video", "videos",
)  # fmt: skip


def _with_trailing_slash(url: str) -> str:
    """Clients build ``base_url + size + file_path``, so the base must end in ``/``."""
    return url if url.endswith("/") else url + "/"


@cache
def configuration(image_base_url: str | None = None) -> Configuration:
    """Return the body of ``GET /3/configuration``.

    With ``image_base_url`` (filmshelf serving its own images) that URL, given a
    trailing ``/`` if it lacks one, is used for both ``base_url`` and
    ``secure_base_url``; otherwise TMDB's image CDN is named.  Cached per
    argument; callers must not mutate the result.
    """
    if image_base_url is None:
        base, secure = TMDB_IMAGE_BASE_URL, TMDB_SECURE_IMAGE_BASE_URL
    else:
        base = secure = _with_trailing_slash(image_base_url)
    images: ImagesConfiguration = {
        "base_url": base,
        "secure_base_url": secure,
        "backdrop_sizes": list(_BACKDROP_SIZES),
        "logo_sizes": list(_LOGO_SIZES),
        "poster_sizes": list(_POSTER_SIZES),
        "profile_sizes": list(_PROFILE_SIZES),
        "still_sizes": list(_STILL_SIZES),
    }
    return {"change_keys": list(_CHANGE_KEYS), "images": images}


# --------------------------------------------------------------------------- languages

NO_LANGUAGE: Language = {"iso_639_1": "xx", "english_name": "No Language", "name": "No Language"}

_ISO639_DOMAIN = "iso639-3"
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")


def _clean_name(name: str) -> str:
    """Turn an ISO 639 reference name into a display name.

    Drops a trailing qualifier ("Malay (macrolanguage)" -> "Malay") and keeps the
    first of several ";"-separated variants ("中文; 汉语; 华语" -> "中文").
    """
    return _QUALIFIER.sub("", name.split(";")[0]).strip()


def _native_name(alpha_2: str, reference_name: str) -> str:
    """The language's name in itself, from pycountry's iso-codes translations, or "".

    English is its own endonym.  A language whose catalogue lacks a translation
    of its own name gets "" (TMDB itself returns "" for many languages).
    """
    if alpha_2 == "en":
        return _clean_name(reference_name)
    catalogue = gettext.translation(_ISO639_DOMAIN, pycountry.LOCALES_DIR, languages=[alpha_2], fallback=True)
    translated = catalogue.gettext(reference_name)
    if translated == reference_name:
        return ""
    native = _clean_name(translated)
    return native[:1].upper() + native[1:]


def _iso_639_1_languages() -> Iterator[Language]:
    """Every pycountry language that has an ISO 639-1 (two-letter) code."""
    for language in pycountry.languages:
        alpha_2: str | None = getattr(language, "alpha_2", None)
        if alpha_2 is None:
            continue
        yield {
            "iso_639_1": alpha_2,
            "english_name": _clean_name(language.name),
            "name": _native_name(alpha_2, language.name),
        }


@cache
def languages() -> list[Language]:
    """Return the body of ``GET /3/configuration/languages``, sorted by ``iso_639_1``.

    Every ISO 639-1 language known to pycountry plus TMDB's ``xx`` "No Language".
    Cached; callers must not mutate the result.
    """
    entries: list[Language] = [*_iso_639_1_languages(), NO_LANGUAGE.copy()]
    return sorted(entries, key=lambda entry: entry["iso_639_1"])


# --------------------------------------------------------------------------- countries


@cache
def countries() -> list[Country]:
    """Return the body of ``GET /3/configuration/countries``, sorted by ``iso_3166_1``.

    ``english_name`` is pycountry's ``common_name`` where it has one ("South
    Korea"), else its ``name``; ``native_name`` repeats it.  Cached; callers must
    not mutate the result.
    """
    entries: list[Country] = []
    for country in pycountry.countries:
        name: str = getattr(country, "common_name", None) or country.name
        entries.append({"iso_3166_1": country.alpha_2, "english_name": name, "native_name": name})
    return sorted(entries, key=lambda entry: entry["iso_3166_1"])


# --------------------------------------------------------------------------- timezones


def _zone_tab_text() -> str:
    """Read IANA ``zone.tab``: from the ``tzdata`` package, else the system tz directories."""
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for directory in zoneinfo.TZPATH:
        candidate = Path(directory) / "zone.tab"
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("zone.tab not found: install the tzdata package")


def _zone_rows(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(country code, zone name)`` for each data row of ``zone.tab``."""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        yield fields[0], fields[2]


@cache
def timezones() -> list[Timezone]:
    """Return the body of ``GET /3/configuration/timezones``, sorted by ``iso_3166_1``.

    Zones keep their ``zone.tab`` order within a country.  Cached; callers must
    not mutate the result.
    """
    zones: dict[str, list[str]] = {}
    for code, zone in _zone_rows(_zone_tab_text()):
        zones.setdefault(code, []).append(zone)
    return [{"iso_3166_1": code, "zones": zones[code]} for code in sorted(zones)]


# --------------------------------------------------------------------------- jobs

# Generic film and television job titles, grouped under TMDB's department names.
_JOBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Acting", ("Actor", "Voice Actor", "Stunt Double", "Body Double", "Stand In", "Extra")),
    ("Art", (
        "Production Design", "Art Direction", "Supervising Art Director", "Set Decoration",
        "Set Designer", "Set Dresser", "Property Master", "Prop Maker", "Construction Coordinator",
        "Scenic Artist", "Storyboard Artist", "Concept Artist", "Graphic Designer", "Greensman",
    )),
    ("Camera", (
        "Director of Photography", "Camera Operator", "First Assistant Camera",
        "Second Assistant Camera", "Steadicam Operator", "Digital Imaging Technician",
        "Aerial Camera", "Underwater Camera", "Still Photographer", "Key Grip", "Dolly Grip",
        "Grip",
    )),
    ("Costume & Make-Up", (
        "Costume Design", "Costume Supervisor", "Costumer", "Wardrobe Supervisor", "Seamstress",
        "Makeup Department Head", "Makeup Artist", "Key Makeup Artist", "Hairstylist",
        "Key Hair Stylist", "Prosthetic Makeup Artist", "Special Effects Makeup Artist",
    )),
    ("Crew", (
        "Stunt Coordinator", "Stunts", "Choreographer", "Dialect Coach", "Technical Advisor",
        "Military Consultant", "Animal Wrangler", "Armorer", "Loader", "Driver",
        "Transportation Coordinator", "Craft Service", "Catering", "Set Medic", "Video Assist Operator",
    )),
    ("Directing", (
        "Director", "Co-Director", "First Assistant Director", "Second Assistant Director",
        "Second Unit Director", "Script Supervisor", "Continuity", "Action Director",
    )),
    ("Editing", (
        "Editor", "Supervising Film Editor", "Associate Editor", "First Assistant Editor",
        "Assistant Editor", "Colorist", "Dailies Technician", "Online Editor",
    )),
    ("Lighting", (
        "Gaffer", "Best Boy Electric", "Electrician", "Lighting Technician", "Rigging Gaffer",
        "Rigging Grip", "Lighting Designer", "Generator Operator",
    )),
    ("Production", (
        "Producer", "Executive Producer", "Co-Producer", "Associate Producer", "Line Producer",
        "Unit Production Manager", "Production Manager", "Production Coordinator",
        "Production Supervisor", "Casting", "Casting Director", "Location Manager",
        "Production Accountant", "Production Assistant",
    )),
    ("Sound", (
        "Original Music Composer", "Music Supervisor", "Music Editor", "Sound Designer",
        "Sound Editor", "Supervising Sound Editor", "Sound Re-Recording Mixer",
        "Production Sound Mixer", "Boom Operator", "Foley Artist", "ADR Mixer", "Orchestrator",
        "Conductor",
    )),
    ("Visual Effects", (
        "Visual Effects Supervisor", "Visual Effects Producer", "Visual Effects Coordinator",
        "Compositor", "Animation Supervisor", "Animator", "3D Artist", "Matte Painter",
        "Rotoscoping Artist", "Pipeline Technical Director",
    )),
    ("Writing", (
        "Screenplay", "Writer", "Story", "Novel", "Characters", "Author", "Teleplay",
        "Staff Writer", "Story Editor", "Script Consultant",
    )),
)  # fmt: skip


@cache
def jobs() -> list[Department]:
    """Return the body of ``GET /3/configuration/jobs``: departments with their job titles.

    Cached; callers must not mutate the result.
    """
    return [{"department": name, "jobs": list(titles)} for name, titles in _JOBS]


# --------------------------------------------------------------------------- primary translations

# (ISO 639-1 language, ISO 3166-1 country) pairs; each half is checked against pycountry.
_TRANSLATION_PAIRS: tuple[tuple[str, str], ...] = (
    ("af", "ZA"), ("ar", "AE"), ("ar", "SA"), ("be", "BY"), ("bg", "BG"), ("bn", "BD"),
    ("ca", "ES"), ("ch", "GU"), ("cs", "CZ"), ("cy", "GB"), ("da", "DK"), ("de", "AT"),
    ("de", "CH"), ("de", "DE"), ("el", "GR"), ("en", "AU"), ("en", "CA"), ("en", "GB"),
    ("en", "IE"), ("en", "NZ"), ("en", "US"), ("es", "ES"), ("es", "MX"), ("et", "EE"),
    ("eu", "ES"), ("fa", "IR"), ("fi", "FI"), ("fr", "CA"), ("fr", "FR"), ("ga", "IE"),
    ("gd", "GB"), ("gl", "ES"), ("he", "IL"), ("hi", "IN"), ("hr", "HR"), ("hu", "HU"),
    ("id", "ID"), ("it", "IT"), ("ja", "JP"), ("ka", "GE"), ("kk", "KZ"), ("kn", "IN"),
    ("ko", "KR"), ("ky", "KG"), ("lt", "LT"), ("lv", "LV"), ("ml", "IN"), ("mr", "IN"),
    ("ms", "MY"), ("ms", "SG"), ("nb", "NO"), ("nl", "BE"), ("nl", "NL"), ("no", "NO"),
    ("pa", "IN"), ("pl", "PL"), ("pt", "BR"), ("pt", "PT"), ("ro", "RO"), ("ru", "RU"),
    ("si", "LK"), ("sk", "SK"), ("sl", "SI"), ("sq", "AL"), ("sr", "RS"), ("sv", "SE"),
    ("ta", "IN"), ("te", "IN"), ("th", "TH"), ("tl", "PH"), ("tr", "TR"), ("uk", "UA"),
    ("vi", "VN"), ("zh", "CN"), ("zh", "HK"), ("zh", "SG"), ("zh", "TW"), ("zu", "ZA"),
)  # fmt: skip


def _translation_code(language: str, country: str) -> str:
    """Join a pair as ``ll-CC`` after checking both halves against pycountry."""
    if pycountry.languages.get(alpha_2=language) is None:
        raise ValueError(f"not an ISO 639-1 language code: {language!r}")
    if pycountry.countries.get(alpha_2=country) is None:
        raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {country!r}")
    return f"{language}-{country}"


@cache
def primary_translations() -> list[str]:
    """Return the body of ``GET /3/configuration/primary_translations``, sorted.

    Raises ValueError if a listed pair names an unknown language or country.
    Cached; callers must not mutate the result.
    """
    return sorted(_translation_code(language, country) for language, country in _TRANSLATION_PAIRS)


# --------------------------------------------------------------------------- genres

_MOVIE_GENRES: tuple[tuple[int, str], ...] = (
    (28, "Action"), (12, "Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
    (99, "Documentary"), (18, "Drama"), (10751, "Family"), (14, "Fantasy"), (36, "History"),
    (27, "Horror"), (10402, "Music"), (9648, "Mystery"), (10749, "Romance"),
    (878, "Science Fiction"), (10770, "TV Movie"), (53, "Thriller"), (10752, "War"),
    (37, "Western"),
)  # fmt: skip

_TV_GENRES: tuple[tuple[int, str], ...] = (
    (10759, "Action & Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
    (99, "Documentary"), (18, "Drama"), (10751, "Family"), (10762, "Kids"), (9648, "Mystery"),
    (10763, "News"), (10764, "Reality"), (10765, "Sci-Fi & Fantasy"), (10766, "Soap"),
    (10767, "Talk"), (10768, "War & Politics"), (37, "Western"),
)  # fmt: skip

_GENRES_BY_MEDIA_TYPE = {"movie": _MOVIE_GENRES, "tv": _TV_GENRES}


@cache
def movie_genres() -> list[Genre]:
    """Return the ``genres`` array of ``GET /3/genre/movie/list`` in TMDB's order.

    Cached; callers must not mutate the result.
    """
    return [{"id": genre_id, "name": name} for genre_id, name in _MOVIE_GENRES]


@cache
def tv_genres() -> list[Genre]:
    """Return the ``genres`` array of ``GET /3/genre/tv/list`` in TMDB's order.

    Cached; callers must not mutate the result.
    """
    return [{"id": genre_id, "name": name} for genre_id, name in _TV_GENRES]


@cache
def _genre_index(media_type: str) -> dict[int, str]:
    """Map genre id to name for ``media_type`` ("movie" or "tv")."""
    try:
        return dict(_GENRES_BY_MEDIA_TYPE[media_type])
    except KeyError:
        raise ValueError(f"media_type must be 'movie' or 'tv', not {media_type!r}") from None


def genre_name(media_type: str, genre_id: int) -> str | None:
    """Return the name of genre ``genre_id`` for ``media_type``, or None if unknown.

    ``media_type`` is "movie" or "tv"; anything else raises ValueError.
    """
    return _genre_index(media_type).get(genre_id)
