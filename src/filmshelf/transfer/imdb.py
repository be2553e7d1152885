"""IMDb's CSV exports: "Your ratings" and any list (the watchlist is a list).

Ratings: Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),
Year,Genres,Num Votes,Release Date,Directors (older exports lack Original Title; columns are found by
name). Lists: Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type, ... .
A list export does not carry the list's name, so the file name does: `watchlist.csv` is the
watchlist, `favorites.csv` the favorites, any other `NAME.csv` the list NAME.
"""

from __future__ import annotations

import re

from filmshelf import wire
from filmshelf.transfer import scales
from filmshelf.transfer.model import Bundle, Entry, ExportList, Item, ParseError, Rendered, TitleRef, UserData, at
from filmshelf.transfer.text import Table, bounded, csv_rows, csv_text, day_of, year_of

RATINGS_HEADER = [
    "Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type", "IMDb Rating",
    "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors",
]  # fmt: skip
LIST_HEADER = [
    "Position", "Const", "Created", "Modified", "Description", "Title", "Original Title", "URL", "Title Type",
    "IMDb Rating", "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors", "Your Rating",
    "Date Rated",
]  # fmt: skip
_CONST = re.compile(r"^tt\d{5,12}$")
_TMDB_URL = re.compile(r"^https?://(?:www\.)?themoviedb\.org/(movie|tv)/(\d{1,10})(?:[-/?#].*)?$")
_MOVIE_TYPES = {"movie", "feature", "tvmovie", "short", "tvshort", "video", "tvspecial"}
_TV_TYPES = {"tvseries", "tvminiseries"}
_TYPE_NAMES = {"movie": "Movie", "tv": "TV Series"}


def _media_type(where: str, raw: str, notes: list[str], label: str) -> tuple[bool, str | None]:
    """(importable, media type) from Title Type; an episode, game or podcast is noted and left out."""
    key = re.sub(r"[\s_-]", "", raw.lower())
    if not key:
        return True, None
    if key in _MOVIE_TYPES:
        return True, "movie"
    if key in _TV_TYPES:
        return True, "tv"
    notes.append(f"{where}: {label} left out: IMDb title type {raw!r} is neither a movie nor a TV show")
    return False, None


def _ref(where: str, record: dict[str, str], media_type: str | None) -> TitleRef:
    const = record["Const"]
    url = record.get("URL", "")
    found = _TMDB_URL.match(url)
    if const and not _CONST.match(const):
        raise ParseError(where, f"Const {const[:20]!r} is not an IMDb id (tt and digits)")
    if not const and found is None:
        raise ParseError(where, "Const is empty")
    return TitleRef(
        where=where,
        name=bounded(where, record["Title"], "Title", required=True),
        year=year_of(where, record.get("Year", "")),
        media_type=(found.group(1) if found else None) or media_type,
        tmdb_id=int(found.group(2)) if found else None,
        imdb_id=const or None,
    )


def read_ratings(name: str, text: str, notes: list[str]) -> list[Entry]:
    """An IMDb ratings export."""
    rows = csv_rows(name, text)
    first = next(rows, None)
    if first is None:
        return []
    table = Table(name, first[0], first[1], ("Const", "Your Rating", "Title", "Year"))
    entries = []
    for line, row in rows:
        where = at(name, line)
        record = table.record(line, row)
        keep, media_type = _media_type(where, record.get("Title Type", ""), notes, record["Title"][:100])
        if not keep:
            continue
        raw = record["Your Rating"]
        try:
            rating = scales.from_ten(float(raw), "IMDb")
        except ValueError as exc:
            raise ParseError(
                where, str(exc) if "IMDb" in str(exc) else f"Your Rating {raw[:20]!r} is not a number"
            ) from exc
        entries.append(
            Entry(ref=_ref(where, record, media_type), at=day_of(where, record.get("Date Rated", "")), rating=rating)
        )
    return entries


def read_list(name: str, text: str, notes: list[str]) -> list[Entry]:
    """An IMDb list export, in its Position order."""
    rows = csv_rows(name, text)
    first = next(rows, None)
    if first is None:
        return []
    table = Table(name, first[0], first[1], ("Position", "Const", "Title", "Year"))
    numbered: list[tuple[int, Entry]] = []
    for line, row in rows:
        where = at(name, line)
        record = table.record(line, row)
        position = record["Position"]
        if not (position.isascii() and position.isdigit()):
            raise ParseError(where, f"Position {position[:20]!r} is not a number")
        keep, media_type = _media_type(where, record.get("Title Type", ""), notes, record["Title"][:100])
        if not keep:
            continue
        comment = bounded(where, record.get("Description", ""), "Description") or None
        entry = Entry(ref=_ref(where, record, media_type), at=day_of(where, record.get("Created", "")), comment=comment)
        numbered.append((int(position), entry))
    numbered.sort(key=lambda pair: pair[0])
    return [entry for _, entry in numbered]


def read(name: str, text: str, header: list[str], bundle: Bundle) -> None:
    """Add one IMDb file to `bundle`: ratings, or a list named by the file."""
    columns = {cell.strip() for cell in header}
    if "Position" not in columns:
        bundle.ratings.extend(read_ratings(name, text, bundle.notes))
        return
    entries = read_list(name, text, bundle.notes)
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem.lower() == "watchlist":
        bundle.watchlist.extend(entries)
    elif stem.lower() in ("favorites", "favourites"):
        bundle.favorites.extend(entries)
    else:
        bundle.add_to_list(stem, at(name, 1), entries)


# --- export ----------------------------------------------------------------------------------------
def _url(item: Item) -> str:
    if item.imdb_id:
        return f"https://www.imdb.com/title/{item.imdb_id}/"
    return f"https://www.themoviedb.org/{item.title.media_type}/{item.title.id}"


def _facts(item: Item) -> dict[str, str]:
    title = item.title
    return {
        "Const": item.imdb_id or "",
        "Title": title.title,
        "Original Title": title.original_title,
        "URL": _url(item),
        "Title Type": _TYPE_NAMES[title.media_type],
        "IMDb Rating": "",
        "Runtime (mins)": str(title.runtime) if title.runtime else "",
        "Year": str(item.year or ""),
        "Genres": "",
        "Num Votes": "",
        "Release Date": title.release_date or "",
        "Directors": "",
    }


def _list_rows(items: list[Item], ratings: dict[tuple[str, int], Item]) -> list[list[str]]:
    rows = [LIST_HEADER]
    for position, item in enumerate(items, start=1):
        rated = ratings.get((item.title.media_type, item.title.id))
        day = wire.utc_date(item.at)
        values = {
            **_facts(item),
            "Position": str(position),
            "Created": day,
            "Modified": day,
            "Description": item.comment or "",
            "Your Rating": str(scales.to_ten(rated.rating)) if rated and rated.rating else "",
            "Date Rated": wire.utc_date(rated.at) if rated else "",
        }
        rows.append([values[column] for column in LIST_HEADER])
    return rows


def _file_name(found: ExportList, used: set[str]) -> str:
    stem = re.sub(r'[/\\:*?"<>|\x00-\x1f]', "_", found.name).strip(" .") or "list"
    name, number = f"lists/{stem}.csv", 1
    while name.lower() in used:
        number += 1
        name = f"lists/{stem} ({number}).csv"
    used.add(name.lower())
    return name


def render(data: UserData) -> Rendered:
    """ratings.csv, watchlist.csv, favorites.csv and lists/NAME.csv in IMDb's columns."""
    out = Rendered()
    ratings = {(item.title.media_type, item.title.id): item for item in data.ratings}
    rated = sorted(data.ratings, key=lambda item: (wire.utc_date(item.at), item.title.media_type, item.title.id))
    rows = [RATINGS_HEADER]
    for item in rated:
        values = {
            **_facts(item),
            "Your Rating": str(scales.to_ten(item.rating or 1)),
            "Date Rated": wire.utc_date(item.at),
        }
        rows.append([values[column] for column in RATINGS_HEADER])
    out.files["ratings.csv"] = csv_text(rows)

    def ordered(items: list[Item]) -> list[Item]:
        return sorted(items, key=lambda item: (wire.utc_date(item.at), item.title.media_type, item.title.id))

    out.files["watchlist.csv"] = csv_text(_list_rows(ordered(data.watchlist), ratings))
    out.files["favorites.csv"] = csv_text(_list_rows(ordered(data.favorites), ratings))
    used = {"lists/watchlist.csv", "lists/favorites.csv", "lists/favourites.csv"}
    for found in data.lists:
        out.files[_file_name(found, used)] = csv_text(_list_rows(found.items, ratings))
        if found.description:
            out.notes.append(f"imdb: the description of the list {found.name!r} is not part of IMDb's list export")
    return out
