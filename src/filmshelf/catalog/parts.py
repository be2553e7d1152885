"""The parts of a title that detail imports bring: credits, images, videos, keywords, external ids ...

A TMDB `/3/movie/{id}` or `/3/tv/{id}` object fetched with `append_to_response` carries them
under their append names (`credits`, `images`, `watch/providers` ...). The importer checks each
against the records below and stores it, normalised (unknown fields dropped, `id` left out), one
row per title and part (`storage.tables.title_parts`). The API decodes the stored text into the
same records, so what was imported is what is served; a known title with nothing on file gets
the empty record (TMDB's empty shape). The records are msgspec Structs because they are also the
wire shapes of the elements (api/v3/structs.py wraps them with the title's `id`).

Two parts are stored in one canonical form for both media types and shaped per media type when
served: keywords (`keywords` for movies, `results` for TV) and alternative titles (`titles` /
`results`). External ids are one record for both (TV adds the freebase/tvdb/tvrage fields).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

_encoder = msgspec.json.Encoder()


# --- credits --------------------------------------------------------------------------------------
class Person(msgspec.Struct, kw_only=True):
    """The person fields every credits entry starts with (in TMDB's order: a subclass's own follow)."""

    adult: bool = False
    gender: int = 0
    id: int
    known_for_department: str = ""
    name: str
    original_name: str = ""
    popularity: float = 0.0
    profile_path: str | None = None


class CastMember(Person, kw_only=True):
    """An entry of `credits.cast` (movies carry `cast_id`, TV does not)."""

    cast_id: int | UnsetType = UNSET
    character: str = ""
    credit_id: str = ""
    order: int = 0


class CrewMember(Person, kw_only=True):
    """An entry of `credits.crew`."""

    credit_id: str = ""
    department: str = ""
    job: str = ""


class Credits(msgspec.Struct, kw_only=True):
    """`credits` (and the legacy `casts`)."""

    cast: list[CastMember] = msgspec.field(default_factory=list)
    crew: list[CrewMember] = msgspec.field(default_factory=list)


class AggregateRole(msgspec.Struct, kw_only=True):
    """An entry of `aggregate_credits.cast[].roles`."""

    credit_id: str = ""
    character: str = ""
    episode_count: int = 0


class AggregateJob(msgspec.Struct, kw_only=True):
    """An entry of `aggregate_credits.crew[].jobs`."""

    credit_id: str = ""
    job: str = ""
    episode_count: int = 0


class AggregateCast(Person, kw_only=True):
    """An entry of TV `aggregate_credits.cast`."""

    roles: list[AggregateRole] = msgspec.field(default_factory=list)
    total_episode_count: int = 0
    order: int = 0


class AggregateCrew(Person, kw_only=True):
    """An entry of TV `aggregate_credits.crew`."""

    jobs: list[AggregateJob] = msgspec.field(default_factory=list)
    department: str = ""
    total_episode_count: int = 0


class AggregateCredits(msgspec.Struct, kw_only=True):
    """TV `aggregate_credits`."""

    cast: list[AggregateCast] = msgspec.field(default_factory=list)
    crew: list[AggregateCrew] = msgspec.field(default_factory=list)


def aggregate_from_credits(credits: Credits) -> AggregateCredits:
    """TV `aggregate_credits` when only `credits` is on file: one role or job each, episode counts unknown (0)."""
    return AggregateCredits(
        cast=[
            AggregateCast(
                adult=member.adult,
                gender=member.gender,
                id=member.id,
                known_for_department=member.known_for_department,
                name=member.name,
                original_name=member.original_name,
                popularity=member.popularity,
                profile_path=member.profile_path,
                roles=[AggregateRole(credit_id=member.credit_id, character=member.character)],
                order=member.order,
            )
            for member in credits.cast
        ],
        crew=[
            AggregateCrew(
                adult=member.adult,
                gender=member.gender,
                id=member.id,
                known_for_department=member.known_for_department,
                name=member.name,
                original_name=member.original_name,
                popularity=member.popularity,
                profile_path=member.profile_path,
                jobs=[AggregateJob(credit_id=member.credit_id, job=member.job)],
                department=member.department,
            )
            for member in credits.crew
        ],
    )


# --- images, videos -------------------------------------------------------------------------------
class Image(msgspec.Struct, kw_only=True):
    """An entry of `images.backdrops|logos|posters`."""

    aspect_ratio: float = 0.0
    height: int = 0
    iso_639_1: str | None = None
    file_path: str
    vote_average: float = 0.0
    vote_count: int = 0
    width: int = 0


class Images(msgspec.Struct, kw_only=True):
    """`images`."""

    backdrops: list[Image] = msgspec.field(default_factory=list)
    logos: list[Image] = msgspec.field(default_factory=list)
    posters: list[Image] = msgspec.field(default_factory=list)


class Video(msgspec.Struct, kw_only=True):
    """An entry of `videos.results`."""

    iso_639_1: str | None = None
    iso_3166_1: str | None = None
    name: str = ""
    key: str
    site: str = ""
    size: int = 0
    type: str = ""
    official: bool = False
    published_at: str = ""
    id: str = ""


class Videos(msgspec.Struct, kw_only=True):
    """`videos`."""

    results: list[Video] = msgspec.field(default_factory=list)


# --- keywords, alternative titles, external ids ---------------------------------------------------
class Keyword(msgspec.Struct, kw_only=True):
    """A keyword."""

    id: int
    name: str = ""


class Keywords(msgspec.Struct, kw_only=True):
    """Stored keywords (movies serve them as `keywords`, TV as `results`)."""

    keywords: list[Keyword] = msgspec.field(default_factory=list)


class _KeywordsIn(msgspec.Struct, kw_only=True):
    keywords: list[Keyword] | UnsetType = UNSET
    results: list[Keyword] | UnsetType = UNSET


class AlternativeTitle(msgspec.Struct, kw_only=True):
    """An alternative title."""

    iso_3166_1: str = ""
    title: str
    type: str = ""


class AlternativeTitles(msgspec.Struct, kw_only=True):
    """Stored alternative titles (movies serve them as `titles`, TV as `results`)."""

    titles: list[AlternativeTitle] = msgspec.field(default_factory=list)


class _AlternativeTitlesIn(msgspec.Struct, kw_only=True):
    titles: list[AlternativeTitle] | UnsetType = UNSET
    results: list[AlternativeTitle] | UnsetType = UNSET


class ExternalIds(msgspec.Struct, kw_only=True):
    """External ids of a movie or TV show (the TV-only ones stay null for movies)."""

    imdb_id: str | None = None
    wikidata_id: str | None = None
    facebook_id: str | None = None
    instagram_id: str | None = None
    twitter_id: str | None = None
    tiktok_id: str | None = None
    youtube_id: str | None = None
    freebase_mid: str | None = None
    freebase_id: str | None = None
    tvdb_id: int | None = None
    tvrage_id: int | None = None


# The `external_source` values /3/find accepts (TMDB's list), in TMDB's order.
FIND_SOURCES = (
    "imdb_id",
    "facebook_id",
    "instagram_id",
    "tvdb_id",
    "tiktok_id",
    "twitter_id",
    "wikidata_id",
    "youtube_id",
)


def find_keys(ids: ExternalIds) -> Iterator[tuple[str, str]]:
    """(source, value) pairs under which /3/find finds a title; values as text, stripped."""
    for source in FIND_SOURCES:
        value = getattr(ids, source)
        if value is None:
            continue
        text = str(value).strip()
        if text and len(text) <= 256:
            yield source, text


# --- release dates, content ratings, translations, watch providers -------------------------------
class ReleaseDate(msgspec.Struct, kw_only=True):
    """An entry of `release_dates.results[].release_dates`."""

    certification: str = ""
    descriptors: list[str] = msgspec.field(default_factory=list)
    iso_639_1: str = ""
    note: str = ""
    release_date: str = ""
    type: int = 0


class CountryReleases(msgspec.Struct, kw_only=True):
    """An entry of `release_dates.results`."""

    iso_3166_1: str
    release_dates: list[ReleaseDate] = msgspec.field(default_factory=list)


class ReleaseDates(msgspec.Struct, kw_only=True):
    """Movie `release_dates`."""

    results: list[CountryReleases] = msgspec.field(default_factory=list)


class ContentRating(msgspec.Struct, kw_only=True):
    """An entry of TV `content_ratings.results`."""

    descriptors: list[str] = msgspec.field(default_factory=list)
    iso_3166_1: str
    rating: str = ""


class ContentRatings(msgspec.Struct, kw_only=True):
    """TV `content_ratings`."""

    results: list[ContentRating] = msgspec.field(default_factory=list)


class TranslationData(msgspec.Struct, kw_only=True):
    """`data` of a translation: movies carry title/runtime, TV name; both overview/homepage/tagline."""

    name: str | UnsetType = UNSET
    title: str | UnsetType = UNSET
    overview: str | UnsetType = UNSET
    homepage: str | UnsetType = UNSET
    tagline: str | UnsetType = UNSET
    runtime: int | UnsetType = UNSET


class Translation(msgspec.Struct, kw_only=True):
    """An entry of `translations.translations`."""

    iso_3166_1: str = ""
    iso_639_1: str = ""
    name: str = ""
    english_name: str = ""
    data: TranslationData = msgspec.field(default_factory=TranslationData)


class Translations(msgspec.Struct, kw_only=True):
    """`translations`."""

    translations: list[Translation] = msgspec.field(default_factory=list)


class Provider(msgspec.Struct, kw_only=True):
    """A watch provider."""

    logo_path: str | None = None
    provider_id: int
    provider_name: str = ""
    display_priority: int = 0


class WatchRegion(msgspec.Struct, kw_only=True):
    """Where a title can be watched in one country."""

    link: str = ""
    flatrate: list[Provider] | UnsetType = UNSET
    free: list[Provider] | UnsetType = UNSET
    ads: list[Provider] | UnsetType = UNSET
    rent: list[Provider] | UnsetType = UNSET
    buy: list[Provider] | UnsetType = UNSET


class WatchProviders(msgspec.Struct, kw_only=True):
    """`watch/providers`: providers by country code."""

    results: dict[str, WatchRegion] = msgspec.field(default_factory=dict)


# --- names and codecs -----------------------------------------------------------------------------
# Stored parts by media type: append name -> record type.
STORED: dict[str, dict[str, type[msgspec.Struct]]] = {
    "movie": {
        "credits": Credits,
        "images": Images,
        "videos": Videos,
        "keywords": Keywords,
        "external_ids": ExternalIds,
        "release_dates": ReleaseDates,
        "alternative_titles": AlternativeTitles,
        "translations": Translations,
        "watch/providers": WatchProviders,
    },
    "tv": {
        "credits": Credits,
        "aggregate_credits": AggregateCredits,
        "images": Images,
        "videos": Videos,
        "keywords": Keywords,
        "external_ids": ExternalIds,
        "content_ratings": ContentRatings,
        "alternative_titles": AlternativeTitles,
        "translations": Translations,
        "watch/providers": WatchProviders,
    },
}
# What the importer decodes for each part (the two parts stored in a canonical form differ).
_INPUT: dict[str, type[msgspec.Struct]] = {"keywords": _KeywordsIn, "alternative_titles": _AlternativeTitlesIn}
_decoders: dict[type[Any], msgspec.json.Decoder[Any]] = {}


def _decoder(kind: type[Any]) -> msgspec.json.Decoder[Any]:
    found = _decoders.get(kind)
    if found is None:
        found = _decoders[kind] = msgspec.json.Decoder(kind)
    return found


class BadPartError(ValueError):
    """A part that is not what TMDB sends under that name."""


def normalise(media_type: str, name: str, raw: bytes) -> msgspec.Struct:
    """Check one imported part (JSON text) and return its stored record; BadPartError if unusable."""
    kind = STORED[media_type][name]
    try:
        value = _decoder(_INPUT.get(name, kind)).decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise BadPartError(f"{name}: {exc}") from None
    if isinstance(value, _KeywordsIn):
        return Keywords(keywords=value.keywords or value.results or [])
    if isinstance(value, _AlternativeTitlesIn):
        return AlternativeTitles(titles=value.titles or value.results or [])
    result: msgspec.Struct = value
    return result


def encode(record: msgspec.Struct) -> str:
    """The stored JSON text of a part."""
    return _encoder.encode(record).decode()


def decode(media_type: str, name: str, text: str | None) -> Any:
    """A stored part as its record; the empty record when nothing is on file (or it cannot be read)."""
    kind = STORED[media_type][name]
    if text is not None:
        try:
            return _decoder(kind).decode(text)
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass
    return kind()
