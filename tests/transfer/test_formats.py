"""The pure rules: each format's parser and what it refuses (file:line), recognition, scales, matching."""

from __future__ import annotations

import json

import pytest

from filmshelf.storage.records import Title
from filmshelf.transfer import scales
from filmshelf.transfer.files import Upload, read_uploads
from filmshelf.transfer.matching import Candidates, resolve
from filmshelf.transfer.model import Bundle, ParseError, TitleRef
from tests.transfer.support import zipped

LETTERBOXD = {
    "ratings.csv": "Date,Name,Year,Letterboxd URI,Rating\n2022-05-10,Fargo,1996,https://boxd.it/2aHM,3.5\n"
    "2022-05-11,Heat,1995,https://letterboxd.com/tmdb/949/,5\n",
    "watched.csv": "Date,Name,Year,Letterboxd URI\n2022-05-10,Fargo,1996,https://boxd.it/2aHM\n",
    "watchlist.csv": "Date,Name,Year,Letterboxd URI\n2021-01-01,Dune,2021,https://boxd.it/f3\n",
    "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2020-02-02,Alien,1979,https://boxd.it/f2\n",
    "diary.csv": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n",
    "profile.csv": "Date Joined,Username,Given Name\n2020-01-01,me,Me\n",
    "deleted/diary.csv": "garbage, that is never read\n",
    "lists/wes.csv": "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2021-11-06,Wes Anderson ranked,,"
    'https://boxd.it/dWPpg,"In order,\nbest first"\n\nPosition,Name,Year,URL,Description\n'
    "2,Rushmore,1998,https://boxd.it/1,\n1,The Royal Tenenbaums,2001,https://boxd.it/1YHU,all timer\n",
}


def read(files: dict[str, str | bytes]) -> Bundle:
    return read_uploads(
        [Upload(name, data.encode() if isinstance(data, str) else data) for name, data in files.items()]
    )


def test_letterboxd_export_zip() -> None:
    bundle = read({"letterboxd-me-2026.zip": zipped({k: v.encode() for k, v in LETTERBOXD.items()})})
    assert [(e.ref.name, e.ref.year, e.ref.tmdb_id, e.rating) for e in bundle.ratings] == [
        ("Fargo", 1996, None, 7.0),
        ("Heat", 1995, 949, 10.0),
    ]
    assert bundle.ratings[0].ref.where == "letterboxd-me-2026.zip/ratings.csv:2"
    assert bundle.ratings[0].at == 1652140800.0  # 2022-05-10 UTC
    assert [e.ref.name for e in bundle.watchlist] == ["Dune"]
    assert [e.ref.name for e in bundle.favorites] == ["Alien"]
    watched, wes = bundle.lists
    assert (watched.name, watched.public, [e.ref.name for e in watched.entries]) == ("Watched", False, ["Fargo"])
    assert (wes.name, wes.description) == ("Wes Anderson ranked", "In order,\nbest first")
    assert [(e.ref.name, e.comment) for e in wes.entries] == [("Rushmore", None), ("The Royal Tenenbaums", "all timer")]
    assert all(e.ref.media_type == "movie" for e in wes.entries)
    assert len(bundle.notes) == 2 and "diary" in bundle.notes[0] and "profile.csv" in bundle.notes[1]


def test_imdb_ratings_and_lists() -> None:
    ratings = (
        "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
        "Num Votes,Release Date,Directors\n"
        "tt0076759,9,2024-01-31,Star Wars,Star Wars,https://www.imdb.com/title/tt0076759/,Movie,8.6,121,1977,"
        '"Action, Adventure",1500000,1977-05-25,George Lucas\n'
        "tt0056751,8,2024-02-01,Doctor Who,Doctor Who,https://www.imdb.com/title/tt0056751/,TV Series,8.4,,1963,,,,\n"
        "tt1234567,7,2024-02-02,An Episode,An Episode,https://www.imdb.com/title/tt1234567/,TV Episode,,,2001,,,,\n"
    )
    old_list = (
        "Position,Const,Created,Modified,Description,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
        "Num Votes,Release Date,Directors\n"
        "2,tt0109830,2020-01-02,2020-01-02,,Forrest Gump,https://www.imdb.com/title/tt0109830/,movie,8.8,142,1994,,,,\n"
        "1,tt0076759,2020-01-01,2020-01-01,the first,Star Wars,https://www.imdb.com/title/tt0076759/,movie,,,1977,,,,\n"
    )
    bundle = read({"ratings.csv": ratings, "WATCHLIST.csv": old_list, "Classics.csv": old_list})
    assert [(e.ref.imdb_id, e.ref.media_type, e.rating) for e in bundle.ratings] == [
        ("tt0076759", "movie", 9.0),
        ("tt0056751", "tv", 8.0),
    ]
    assert bundle.notes == [
        "ratings.csv:4: An Episode left out: IMDb title type 'TV Episode' is neither a movie nor a TV show"
    ]
    assert [e.ref.name for e in bundle.watchlist] == ["Star Wars", "Forrest Gump"]  # Position order
    assert bundle.lists[0].name == "Classics" and bundle.lists[0].entries[0].comment == "the first"


def test_trakt_files() -> None:
    movie = {
        "title": "Star Wars",
        "year": 1977,
        "ids": {"trakt": 7, "slug": "star-wars-1977", "imdb": "tt0076759", "tmdb": 11},
    }
    show = {"title": "Doctor Who", "year": 1963, "ids": {"trakt": 9, "tmdb": 121}}
    files: dict[str, str | bytes] = {
        "ratings-movies.json": json.dumps(
            [{"rated_at": "2024-05-01T12:34:56.000Z", "rating": 8, "type": "movie", "movie": movie}], indent=2
        ),
        "ratings-episodes.json": "[]",
        "lists-watchlist.json": json.dumps(
            [
                {
                    "rank": 1,
                    "id": 1,
                    "listed_at": "2024-05-02T00:00:00.000Z",
                    "notes": None,
                    "type": "show",
                    "show": show,
                },
                {
                    "rank": 2,
                    "id": 2,
                    "listed_at": "2024-05-02T00:00:00.000Z",
                    "notes": None,
                    "type": "episode",
                    "episode": {},
                },
            ],
            indent=2,
        ),
        "lists-lists.json": json.dumps(
            [
                {
                    "name": "Best",
                    "description": "Mine",
                    "privacy": "private",
                    "created_at": "2024-01-01T00:00:00.000Z",
                    "ids": {"trakt": 77, "slug": "best"},
                },
                {"name": "Empty one", "privacy": "public", "ids": {"trakt": 78, "slug": "empty-one"}},
            ]
        ),
        "lists-list-77-best.json": json.dumps(
            [
                {
                    "rank": 1,
                    "id": 5,
                    "listed_at": "2024-01-02T00:00:00.000Z",
                    "notes": "so good",
                    "type": "movie",
                    "movie": movie,
                }
            ]
        ),
    }
    bundle = read({"trakt.zip": zipped({k: v if isinstance(v, bytes) else v.encode() for k, v in files.items()})})
    assert [(e.ref.tmdb_id, e.ref.imdb_id, e.rating, e.at) for e in bundle.ratings] == [
        (11, "tt0076759", 8.0, 1714566896.0)
    ]
    assert [(e.ref.media_type, e.ref.tmdb_id) for e in bundle.watchlist] == [("tv", 121)]
    assert [(lst.name, lst.description, lst.public, len(lst.entries)) for lst in bundle.lists] == [
        ("Best", "Mine", False, 1),
        ("Empty one", "", True, 0),
    ]
    assert bundle.lists[0].entries[0].comment == "so good"
    assert any("ratings-episodes.json: left out" in note for note in bundle.notes)
    assert any(note.startswith("trakt.zip/lists-watchlist.json:17: a Trakt episode left out") for note in bundle.notes)


def test_tmdb_list_pages_and_account_page() -> None:
    page = {
        "name": "Picks",
        "description": "",
        "public": False,
        "created_by": {"username": "x"},
        "item_count": 3,
        "sort_by": "original_order.asc",
        "total_results": 3,
        "comments": {"tv:121": "yes"},
        "results": [
            {"id": 11, "media_type": "movie", "title": "Star Wars", "release_date": "1977-05-25"},
            {"id": 121, "media_type": "tv", "name": "Doctor Who", "first_air_date": "1963-11-23"},
        ],
    }
    rated = {
        "page": 1,
        "total_pages": 1,
        "total_results": 1,
        "results": [
            {
                "id": 12,
                "title": "Finding Nemo",
                "release_date": "2003-05-30",
                "account_rating": {"created_at": "2025-01-01T00:00:00.000Z", "value": 6.5},
            }
        ],
    }
    bundle = read({"list.json": json.dumps([page]), "movie-rated.json": json.dumps(rated)})
    picks = bundle.lists[0]
    assert (picks.name, picks.public) == ("Picks", False)
    assert [(e.ref.media_type, e.ref.tmdb_id, e.ref.year, e.comment) for e in picks.entries] == [
        ("movie", 11, 1977, None),
        ("tv", 121, 1963, "yes"),
    ]
    assert bundle.notes == ["list.json: holds 2 of the list's 3 items; only those are imported"]
    assert [(e.ref.tmdb_id, e.rating) for e in bundle.ratings] == [(12, 6.5)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "ratings.csv",
            "Date,Name,Year,Letterboxd URI,Rating\n2022-05-10,Fargo,1996,x,7\n",
            "ratings.csv:2: a Letterboxd rating is 0.5 to 5 in half stars, not 7",
        ),
        (
            "ratings.csv",
            "Date,Name,Year,Letterboxd URI,Rating\n\n2022-05-10,Fargo,1996,x,3,extra\n",
            "ratings.csv:3: 6 fields where the header has 5",
        ),
        (
            "watchlist.csv",
            "Date,Name,Year,Letterboxd URI\n2022-13-10,Fargo,1996,x\n",
            "watchlist.csv:2: date '2022-13-10' does not exist",
        ),
        (
            "watchlist.csv",
            'Date,Name,Year,Letterboxd URI\n2022-01-10,"Fargo,1996,x\n',
            "watchlist.csv:2: malformed CSV: unexpected end of data",
        ),
        (
            "watchlist.csv",
            "Date,Name,Year,Letterboxd URI\n2022-01-10,Fargo,nineteen,x\n",
            "watchlist.csv:2: year 'nineteen' is not a year",
        ),
        (
            "seen.csv",
            "Date,Name,Year,Letterboxd URI\n2022-01-10,Fargo,1996,x\n",
            "seen.csv:1: a Letterboxd file with this header must be named watched.csv, watchlist.csv or "
            "likes/films.csv (their columns are the same, so the name says which it is)",
        ),
        (
            "imdb.csv",
            "Const,Your Rating,Title,Year\ntt0076759,11,Star Wars,1977\n",
            "imdb.csv:2: IMDb ratings are whole numbers 1 to 10, not 11",
        ),
        (
            "imdb.csv",
            "Const,Your Rating,Title,Year\nnm0000001,8,Someone,1977\n",
            "imdb.csv:2: Const 'nm0000001' is not an IMDb id (tt and digits)",
        ),
        (
            "ratings-movies.json",
            '[\n  {"rating": 8, "type": "movie",\n   "movie": {"title": "X", "ids": {"tmdb": "11"}}}\n]',
            "ratings-movies.json:2: ids.tmdb must be a positive integer",
        ),
        (
            "ratings-movies.json",
            '[\n  {"rating": 8,\n  "type": "movie" "movie": {}}\n]',
            "ratings-movies.json:3: malformed JSON: Expecting ',' delimiter",
        ),
        (
            "notes.csv",
            "a,b\n1,2\n",
            "notes.csv:1: not a Letterboxd, IMDb, Trakt or TMDB export file (first row: 'a,b')",
        ),
        (
            "list.json",
            '{"hello": 1}',
            "list.json:1: JSON that is not a Trakt export file, a TMDB v4 list or account page",
        ),
        ("latin1.csv", b"Date,Name\n\xe9\n", "latin1.csv:2: not UTF-8 text"),
        ("broken.zip", b"PK\x03\x04 not really", "broken.zip:1: not a readable zip archive (File is not a zip file)"),
    ],
)
def test_malformed_files_are_refused_with_file_and_line(name: str, content: str | bytes, message: str) -> None:
    with pytest.raises(ParseError) as refused:
        read({name: content})
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("tmdb", "letterboxd", "ten"),
    [(0.5, 0.5, 1), (1.0, 0.5, 1), (1.5, 1.0, 2), (7.0, 3.5, 7), (7.5, 4.0, 8), (9.5, 5.0, 10), (10.0, 5.0, 10)],
)
def test_rating_scales(tmdb: float, letterboxd: float, ten: int) -> None:
    assert scales.to_letterboxd(tmdb) == letterboxd
    assert scales.to_ten(tmdb) == ten
    assert scales.from_letterboxd(letterboxd) == letterboxd * 2
    assert scales.to_letterboxd(scales.from_letterboxd(letterboxd)) == letterboxd  # stable after one trip


def _title(media_type: str, media_id: int, name: str, date: str) -> Title:
    return Title(
        media_type=media_type,
        id=media_id,
        title=name,
        original_title=name,
        original_language="en",
        release_date=date,
        genre_ids=(),
        origin_country=(),
        overview="",
        popularity=0.0,
        vote_average=0.0,
        vote_count=0,
        adult=False,
        video=False,
        poster_path=None,
        backdrop_path=None,
        runtime=None,
        revenue=None,
        title_key=name.lower(),
    )


def test_matching_order_and_reasons() -> None:
    heat, heat_tv, dune_84, dune_21 = (
        _title("movie", 949, "Heat", "1995-12-15"),
        _title("tv", 949, "Heat", "1995-01-01"),
        _title("movie", 841, "Dune", "1984-12-14"),
        _title("movie", 438631, "Dune", "2021-09-15"),
    )
    found = Candidates(
        by_key={("movie", 949): heat, ("tv", 949): heat_tv, ("movie", 841): dune_84},
        by_imdb={"tt0113277": [heat]},
        by_name={"heat": [heat, heat_tv], "dune": [dune_84, dune_21]},
    )

    def ref(**fields: object) -> TitleRef:
        return TitleRef(where="f:1", **fields)  # type: ignore[arg-type]

    assert resolve(ref(name="x", tmdb_id=949, media_type="movie"), found).by == "tmdb_id"
    missing_id = resolve(ref(name="Heat", year=1995, media_type="movie", tmdb_id=5, imdb_id="tt0113277"), found)
    assert (missing_id.title, missing_id.by) == (heat, "imdb_id")
    assert resolve(ref(name="DUNE", year=2021), found).title == dune_21  # case-insensitive title and year
    ambiguous = resolve(ref(name="Dune"), found)
    assert ambiguous.title is None and ambiguous.reason == "ambiguous: 2 titles named 'Dune': movie 841, movie 438631"
    both = resolve(ref(name="Heat", year=1995, tmdb_id=949), found)
    assert both.title is None and both.reason.startswith("TMDB id 949 is both a movie and a TV show; ambiguous: 2")
    nothing = resolve(ref(name="Nope", year=2000, imdb_id="tt9"), found)
    assert nothing.reason == "IMDb id tt9 is not in the catalog; no title named 'Nope' (2000) in the catalog"
