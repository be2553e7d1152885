"""Letterboxd's export (the zip from letterboxd.com/settings/data, or its CSV files).

Read: `ratings.csv` (Date,Name,Year,Letterboxd URI,Rating), `watched.csv`, `watchlist.csv` and
`likes/films.csv` (Date,Name,Year,Letterboxd URI), and `lists/*.csv` ("Letterboxd list export v7",
a Date,Name,Tags,URL,Description block, then Position,Name,Year,URL,Description). Letterboxd holds
films only, so every entry is a movie. A `Letterboxd URI` of the form letterboxd.com/tmdb/<id> (what
filmshelf writes) names the TMDB id; Letterboxd's own boxd.it links are matched by name and year.
"""

from __future__ import annotations

import re

from filmshelf import wire
from filmshelf.transfer import scales
from filmshelf.transfer.model import (
    WATCHED_LIST,
    Bundle,
    Entry,
    ImportedList,
    Item,
    ParseError,
    Rendered,
    TitleRef,
    UserData,
    at,
)
from filmshelf.transfer.text import Table, bounded, csv_rows, csv_text, day_of, slug, year_of

MARKS_HEADER = ["Date", "Name", "Year", "Letterboxd URI"]
RATINGS_HEADER = [*MARKS_HEADER, "Rating"]
LIST_BANNER = "Letterboxd list export v7"
LIST_META_HEADER = ["Date", "Name", "Tags", "URL", "Description"]
LIST_ITEMS_HEADER = ["Position", "Name", "Year", "URL", "Description"]
_TMDB_URI = re.compile(r"^https?://(?:www\.)?letterboxd\.com/tmdb/(\d{1,10})/?$")


def tmdb_uri(media_id: int) -> str:
    """The Letterboxd address that redirects to the film with this TMDB id."""
    return f"https://letterboxd.com/tmdb/{media_id}/"


def _ref(where: str, name: str, year: str, uri: str) -> TitleRef:
    found = _TMDB_URI.match(uri)
    return TitleRef(
        where=where,
        name=bounded(where, name, "Name", required=True),
        year=year_of(where, year),
        media_type="movie",
        tmdb_id=int(found.group(1)) if found else None,
    )


def read_marks(name: str, text: str, *, rated: bool) -> list[Entry]:
    """ratings.csv (`rated`), or watched.csv / watchlist.csv / likes/films.csv."""
    rows = csv_rows(name, text)
    first = next(rows, None)
    if first is None:
        return []
    table = Table(name, first[0], first[1], tuple(RATINGS_HEADER if rated else MARKS_HEADER))
    entries = []
    for line, row in rows:
        where = at(name, line)
        record = table.record(line, row)
        rating = None
        if rated:
            try:
                rating = scales.from_letterboxd(float(record["Rating"]))
            except ValueError as exc:
                message = str(exc) if record["Rating"] and "Letterboxd" in str(exc) else "Rating is not a number"
                raise ParseError(where, message) from exc
        ref = _ref(where, record["Name"], record["Year"], record["Letterboxd URI"])
        entries.append(Entry(ref=ref, at=day_of(where, record["Date"]), rating=rating))
    return entries


def read_list(name: str, text: str) -> ImportedList:
    """A lists/*.csv file."""
    rows = list(csv_rows(name, text))
    if not rows or rows[0][1][0].strip() != LIST_BANNER:
        raise ParseError(at(name, rows[0][0] if rows else 1), f"a Letterboxd list starts with {LIST_BANNER!r}")
    if len(rows) < 3:
        raise ParseError(at(name, rows[-1][0]), "the list's Date,Name,Tags,URL,Description block is missing")
    meta_table = Table(name, rows[1][0], rows[1][1], tuple(LIST_META_HEADER))
    meta = meta_table.record(rows[2][0], rows[2][1])
    where = at(name, rows[2][0])
    imported = ImportedList(
        name=bounded(where, meta["Name"], "Name", required=True),
        where=where,
        description=bounded(where, meta["Description"], "Description"),
        created_at=day_of(where, meta["Date"]),
    )
    if len(rows) == 3:
        return imported
    items = Table(name, rows[3][0], rows[3][1], tuple(LIST_ITEMS_HEADER))
    for line, row in rows[4:]:
        where = at(name, line)
        record = items.record(line, row)
        comment = bounded(where, record["Description"], "Description") or None
        imported.entries.append(Entry(ref=_ref(where, record["Name"], record["Year"], record["URL"]), comment=comment))
    return imported


def read(name: str, text: str, header: list[str], bundle: Bundle) -> None:
    """Add one recognised Letterboxd file to `bundle` (see files.recognise for which file is which)."""
    base = name.rsplit("/", 1)[-1].lower()
    if header and header[0].strip() == LIST_BANNER:
        found = read_list(name, text)
        bundle.add_to_list(
            found.name, found.where, found.entries, description=found.description, created_at=found.created_at
        )
        return
    columns = [cell.strip() for cell in header]
    if "Rating" in columns and len(columns) == len(RATINGS_HEADER):
        bundle.ratings.extend(read_marks(name, text, rated=True))
    elif base == "watchlist.csv":
        bundle.watchlist.extend(read_marks(name, text, rated=False))
    elif base == "watched.csv":
        entries = read_marks(name, text, rated=False)
        bundle.add_to_list(WATCHED_LIST, at(name, 1), entries, public=False)
    elif name.lower().endswith("likes/films.csv") or base in ("films.csv", "likes.csv", "favorites.csv"):
        bundle.favorites.extend(read_marks(name, text, rated=False))
    else:
        raise ParseError(
            at(name, 1),
            "a Letterboxd file with this header must be named watched.csv, watchlist.csv or likes/films.csv "
            "(their columns are the same, so the name says which it is)",
        )


# --- export ----------------------------------------------------------------------------------------
def _movies(items: list[Item], what: str, notes: list[str]) -> list[Item]:
    kept = [item for item in items if item.title.media_type == "movie"]
    if len(kept) != len(items):
        notes.append(
            f"letterboxd: {len(items) - len(kept)} TV show(s) of {what} left out (Letterboxd holds films only)"
        )
    return kept


def _ordered(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (wire.utc_date(item.at), item.title.id))


def _row(item: Item) -> list[str]:
    return [wire.utc_date(item.at), item.title.title, str(item.year or ""), tmdb_uri(item.title.id)]


def render(data: UserData) -> Rendered:
    """ratings.csv, watched.csv, watchlist.csv, likes/films.csv and lists/*.csv, as Letterboxd writes them."""
    out = Rendered()
    ratings = _ordered(_movies(data.ratings, "ratings", out.notes))
    out.files["ratings.csv"] = csv_text(
        [RATINGS_HEADER] + [[*_row(item), f"{scales.to_letterboxd(item.rating or 0.5):g}"] for item in ratings]
    )
    watched = data.watched()
    seen = _ordered(_movies(watched.items, "the Watched list", out.notes)) if watched else []
    out.files["watched.csv"] = csv_text([MARKS_HEADER] + [_row(item) for item in seen])
    watchlist = _ordered(_movies(data.watchlist, "the watchlist", out.notes))
    out.files["watchlist.csv"] = csv_text([MARKS_HEADER] + [_row(item) for item in watchlist])
    favorites = _ordered(_movies(data.favorites, "favorites", out.notes))
    out.files["likes/films.csv"] = csv_text([MARKS_HEADER] + [_row(item) for item in favorites])
    used: set[str] = set()
    for found in data.other_lists():
        base = slug(found.name)
        file_name, number = f"lists/{base}.csv", 1
        while file_name in used:
            number += 1
            file_name = f"lists/{base}-{number}.csv"
        used.add(file_name)
        items = _movies(found.items, f"the list {found.name!r}", out.notes)
        rows = [
            [LIST_BANNER],
            LIST_META_HEADER,
            [wire.utc_date(found.created_at), found.name, "", "", found.description],
            [],
            LIST_ITEMS_HEADER,
        ]
        rows += [
            [str(position), item.title.title, str(item.year or ""), tmdb_uri(item.title.id), item.comment or ""]
            for position, item in enumerate(items, start=1)
        ]
        out.files[file_name] = csv_text(rows)
    return out
