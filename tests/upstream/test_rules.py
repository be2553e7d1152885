"""The pure rules of upstream mode, without a server: paths, parameters, keys, freshness, Retry-After."""

from __future__ import annotations

import email.utils

import pytest

from filmshelf.settings import Settings, SettingsError
from filmshelf.upstream import rules

SECRET = "s" * 40

CATALOG = [
    "/3/movie/550",
    "/3/movie/550/credits",
    "/3/movie/550/watch/providers",
    "/3/movie/550/release_dates",
    "/3/movie/popular",
    "/3/movie/latest",
    "/3/tv/1399",
    "/3/tv/1399/content_ratings",
    "/3/tv/1399/season/0",
    "/3/tv/1399/season/1/credits",
    "/3/tv/1399/season/1/episode/1",
    "/3/tv/1399/season/1/episode/1/images",
    "/3/tv/episode_group/5acf93e60e0a26346d0000ce",
    "/3/tv/airing_today",
    "/3/trending/all/day",
    "/3/trending/person/week",
    "/3/discover/movie",
    "/3/search/multi",
    "/3/find/tt0137523",
    "/3/person/287",
    "/3/person/287/combined_credits",
    "/3/collection/10",
    "/3/company/1/images",
    "/3/network/49",
    "/3/keyword/180547/movies",
    "/3/review/5488c29bc3a3686f4a00004a",
    "/3/credit/52542282760ee313280017f9",
    "/3/genre/movie/list",
    "/3/certification/tv/list",
    "/3/watch/providers/regions",
    "/3/configuration",
    "/3/configuration/languages",
]
NEVER = [
    "/3/movie/550/account_states",
    "/3/movie/550/rating",
    "/3/tv/1399/account_states",
    "/3/tv/1399/rating",
    "/3/tv/1399/season/1/account_states",
    "/3/tv/1399/season/1/episode/1/account_states",
    "/3/tv/1399/season/1/episode/1/rating",
    "/3/account",
    "/3/account/1/favorite/movies",
    "/3/account/1/rated/tv",
    "/3/list/1",
    "/3/list/1/item_status",
    "/3/guest_session/abc/rated/movies",
    "/3/authentication/token/new",
    "/3/authentication/guest_session/new",
    "/3/authentication/session/new",
    "/4/list/1",
    "/4/account/abc/lists",
    "/4/auth/request_token",
    "/3/movie/0",
    "/3/movie/-1",
    "/3/movie/0550",
    "/3/movie/550abc",
    "/3/movie/99999999999",
    "/3/movie/550/",
    "/3/movie/550/credits/extra",
    "//3/movie/550",
    "/3//movie/550",
    "/3/movie/550/../../account",
    "/3/find/..",
    "/3/find/.hidden",
    "/3/movie/550/unknown",
    "/3/tv/1399/season/12345",
    "/3/tv/episode_group/xyz",
    "/3/search",
    "/3/",
    "/3",
    "/",
    "/health",
]


@pytest.mark.parametrize("path", CATALOG)
def test_catalog_reads_may_go_upstream(path: str) -> None:
    plan = rules.plan(path)
    assert plan is not None
    assert plan.path == path


@pytest.mark.parametrize("path", NEVER)
def test_everything_else_never_goes_upstream(path: str) -> None:
    assert rules.plan(path, b"language=en-US") is None


def test_title_paths_name_their_title() -> None:
    details = rules.plan("/3/tv/1399", b"append_to_response=credits")
    assert details is not None
    assert (details.media_type, details.media_id, details.details) == ("tv", 1399, True)
    part = rules.plan("/3/tv/1399/season/1")
    assert part is not None
    assert (part.media_type, part.media_id, part.details) == ("tv", 1399, False)
    other = rules.plan("/3/person/287")
    assert other is not None
    assert (other.media_type, other.media_id, other.details) == (None, None, False)
    assert rules.plan(f"/3/movie/{2**31}") is None
    assert rules.plan(f"/3/movie/{2**31 - 1}") is not None


def test_credentials_and_unknown_parameters_are_dropped() -> None:
    query = (
        b"api_key=abc&session_id=def&guest_session_id=ghi&access_token=x&request_token=y&callback=z"
        b"&language=fr-FR&page=2&include_adult=false&region=FR&foo=bar&with_genres=18%2C35"
        b"&vote_count.gte=100&primary_release_date.lte=2020-01-01&without_keywords=1"
    )
    assert rules.normalise_query(query) == (
        ("include_adult", "false"),
        ("language", "fr-FR"),
        ("page", "2"),
        ("primary_release_date.lte", "2020-01-01"),
        ("region", "FR"),
        ("vote_count.gte", "100"),
        ("with_genres", "18,35"),
        ("without_keywords", "1"),
    )


def test_append_to_response_is_canonical_and_never_asks_account_states() -> None:
    assert rules.normalise_query("append_to_response=videos,%20credits,account_states,credits,") == (
        ("append_to_response", "credits,videos"),
    )
    assert rules.normalise_query("append_to_response=account_states") == ()
    assert rules.normalise_query("append_to_response=") == ()


def test_the_key_ignores_order_and_duplicates() -> None:
    one = rules.plan("/3/movie/550", "language=en-US&append_to_response=images,credits&api_key=a")
    two = rules.plan("/3/movie/550", "append_to_response=credits,images&language=en-US&language=de-DE")
    assert one is not None and two is not None
    assert one.key == two.key == "/3/movie/550?append_to_response=credits%2Cimages&language=en-US"
    assert one.key_hash == two.key_hash
    assert len(one.key_hash) == 64
    other = rules.plan("/3/movie/550", "language=de-DE")
    assert other is not None and other.key_hash != one.key_hash


def test_parameters_that_cannot_go_upstream_keep_the_read_local() -> None:
    assert rules.plan("/3/search/movie", "query=" + "a" * 501) is None
    assert rules.plan("/3/search/movie", "query=%09tab") is not None  # stripped: "tab"
    assert rules.plan("/3/search/movie", "query=a%0Ab") is None
    assert rules.plan("/3/search/movie", "query=" + "a" * 500) is not None
    assert rules.normalise_query("query=%FF%FE") == (("query", "\ufffd\ufffd"),)


def test_catalog_fetch_targets() -> None:
    movie = rules.title_target("movie:550")
    assert movie is not None and movie.key == "/3/movie/550?"
    assert rules.title_target("tv:01399") == rules.plan("/3/tv/1399")
    path = rules.title_target("/3/movie/550/credits?language=en-US&api_key=x")
    assert path is not None and path.key == "/3/movie/550/credits?language=en-US"
    for bad in ("movie:0", "movie:", "movie:abc", "person:1", "550", "/3/account", "tv:-1", "movie:\uff11"):
        assert rules.title_target(bad) is None, bad


def test_freshness() -> None:
    ttl = 3600.0
    assert rules.is_fresh(200, 1000.0, 1000.0 + ttl - 0.001, ttl)
    assert not rules.is_fresh(200, 1000.0, 1000.0 + ttl, ttl)
    assert rules.ttl_for(404, ttl) == rules.NEGATIVE_TTL == 600
    assert rules.ttl_for(404, 60.0) == 60.0
    assert not rules.is_fresh(200, 1000.0, 1000.0, 0.0)


def test_retry_after() -> None:
    now = 1_790_000_000.0
    assert rules.retry_after_seconds("30", now) == 30
    assert rules.retry_after_seconds(" 0 ", now) == 1
    assert rules.retry_after_seconds("100000", now) == rules.MAX_RETRY_AFTER
    assert rules.retry_after_seconds(None, now) == rules.DEFAULT_RETRY_AFTER
    assert rules.retry_after_seconds("soon", now) == rules.DEFAULT_RETRY_AFTER
    assert rules.retry_after_seconds("-5", now) == rules.DEFAULT_RETRY_AFTER
    date = email.utils.formatdate(now + 120, usegmt=True)
    assert rules.retry_after_seconds(date, now) == 120
    assert rules.retry_after_seconds(email.utils.formatdate(now - 50, usegmt=True), now) == 1


def _env(**values: str) -> dict[str, str]:
    return {"FILMSHELF_SECRET_KEY": SECRET, "FILMSHELF_DATABASE_URL": "sqlite:///x.sqlite3", **values}


def test_settings_upstream_off_by_default() -> None:
    settings = Settings.from_env(_env())
    assert settings.upstream_url is None
    assert settings.upstream_token is None
    assert settings.upstream_mode == "online"
    assert settings.upstream_ttl == 86400
    assert settings.upstream_prefer == "local"
    assert not settings.upstream_enabled


def test_settings_upstream_on() -> None:
    settings = Settings.from_env(
        _env(
            FILMSHELF_UPSTREAM_URL="https://api.themoviedb.org/",
            FILMSHELF_UPSTREAM_TOKEN="eyJ.upstream-token-value",
            FILMSHELF_UPSTREAM_TTL="600",
        )
    )
    assert (settings.upstream_url, settings.upstream_ttl, settings.upstream_enabled) == (
        "https://api.themoviedb.org",
        600,
        True,
    )
    assert "upstream-token-value" not in repr(settings)
    offline = Settings.from_env(_env(FILMSHELF_UPSTREAM_MODE="Offline", FILMSHELF_UPSTREAM_PREFER="Upstream"))
    assert (offline.upstream_mode, offline.upstream_enabled, offline.upstream_url) == ("offline", True, None)
    assert offline.upstream_prefer == "upstream"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"FILMSHELF_UPSTREAM_URL": "https://api.themoviedb.org"}, "FILMSHELF_UPSTREAM_TOKEN"),
        ({"FILMSHELF_UPSTREAM_TOKEN": "t"}, "FILMSHELF_UPSTREAM_URL is not"),
        ({"FILMSHELF_UPSTREAM_URL": "ftp://x", "FILMSHELF_UPSTREAM_TOKEN": "t"}, "http(s) origin"),
        ({"FILMSHELF_UPSTREAM_URL": "https://u:p@x", "FILMSHELF_UPSTREAM_TOKEN": "t"}, "user name"),
        ({"FILMSHELF_UPSTREAM_URL": "https://x/3", "FILMSHELF_UPSTREAM_TOKEN": "t"}, "trailing /3"),
        ({"FILMSHELF_UPSTREAM_URL": "https://x/?a=1", "FILMSHELF_UPSTREAM_TOKEN": "t"}, "no query"),
        ({"FILMSHELF_UPSTREAM_URL": "https://x:99999", "FILMSHELF_UPSTREAM_TOKEN": "t"}, "cannot be read"),
        ({"FILMSHELF_UPSTREAM_URL": "https://x", "FILMSHELF_UPSTREAM_TOKEN": "a b"}, "no spaces"),
        ({"FILMSHELF_UPSTREAM_URL": "https://x", "FILMSHELF_UPSTREAM_TOKEN": "t\u00e9"}, "printable ASCII"),
        ({"FILMSHELF_UPSTREAM_MODE": "replay"}, "online or offline"),
        ({"FILMSHELF_UPSTREAM_PREFER": "tmdb"}, "local or upstream"),
        ({"FILMSHELF_UPSTREAM_TTL": "a day"}, "number of seconds"),
        ({"FILMSHELF_UPSTREAM_TTL": "-1"}, "0 or more"),
        ({"FILMSHELF_UPSTREAM_TTL": "nan"}, "0 or more"),
        ({"FILMSHELF_UPSTREAM_TTL": "inf"}, "0 or more"),
    ],
)
def test_settings_refuse_bad_upstream_values(values: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(_env(**values))
