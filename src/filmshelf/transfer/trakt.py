"""Trakt's JSON export (the zip from trakt.tv/settings/data, or its files).

Read: `ratings-movies.json`, `ratings-shows.json` ({rated_at, rating 1-10, type, movie|show}),
`lists-watchlist.json` / `watchlist.json`, `lists-favorites.json` ({rank, listed_at, notes, type,
movie|show}), `watched-movies.json` / `watched-shows.json` ({plays, last_watched_at, movie|show}),
`lists-lists.json` (each list's name, description, privacy, ids) and each list's items in
`lists-list-<trakt id>-<slug>.json` (or `lists-<slug>.json`). A movie or show object carries
`title`, `year` and `ids` {trakt, slug, imdb, tmdb, ...}. Episodes, seasons and people are not
titles of TMDB's account data and are left out with a note.
"""

from __future__ import annotations

import re
from typing import Any

from filmshelf import wire
from filmshelf.transfer import scales
from filmshelf.transfer.model import (
    WATCHED_LIST,
    Bundle,
    Entry,
    Item,
    ParseError,
    Rendered,
    TitleRef,
    UserData,
    at,
)
from filmshelf.transfer.text import bounded, json_text, moment_of, slug, year_of

_KINDS = {"movie": "movie", "show": "tv"}
_OTHER_KINDS = {"episode", "season", "person"}
_LIST_ITEMS = re.compile(r"^lists-(?:list-(\d+)-)?([a-z0-9][a-z0-9-]*)\.json$")
_RESERVED = {"watchlist", "favorites", "lists", "collaborations", "liked", "likes"}


def _line_of(index: int, lines: list[int]) -> int:
    return lines[index] if index < len(lines) else 1


def element_lines(text: str) -> list[int]:
    """The line on which each top-level element of a JSON array starts (for file:line reports)."""
    lines: list[int] = []
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            if depth == 1:
                lines.append(line)
        elif char in "[{":
            if depth == 1:
                lines.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
        elif depth == 1 and not char.isspace() and char != "," and (not lines or lines[-1] != line):
            lines.append(line)
    return lines


def _ref(where: str, element: dict[str, Any], notes: list[str]) -> TitleRef | None:
    kind = element.get("type")
    if kind is None:
        kind = next((name for name in ("movie", "show") if name in element), None)
    if kind in _OTHER_KINDS:
        notes.append(f"{where}: a Trakt {kind} left out (only movies and shows are imported)")
        return None
    if kind not in _KINDS or not isinstance(element.get(kind), dict):
        raise ParseError(where, "an entry must be a movie or a show: {type, movie|show: {title, year, ids}}")
    title = element[kind]
    ids = title.get("ids") or {}
    if not isinstance(ids, dict):
        raise ParseError(where, "ids must be an object")
    tmdb, imdb = ids.get("tmdb"), ids.get("imdb")
    if tmdb is not None and (isinstance(tmdb, bool) or not isinstance(tmdb, int) or not 0 < tmdb < 2**31):
        raise ParseError(where, "ids.tmdb must be a positive integer")
    if imdb is not None and not isinstance(imdb, str):
        raise ParseError(where, "ids.imdb must be text")
    name = title.get("title")
    if not isinstance(name, str):
        raise ParseError(where, f"{kind}.title must be text")
    year = title.get("year")
    if year is not None and not isinstance(year, int):
        raise ParseError(where, f"{kind}.year must be a number")
    return TitleRef(
        where=where,
        name=bounded(where, name, "title", required=True),
        year=year_of(where, year),
        media_type=_KINDS[kind],
        tmdb_id=tmdb,
        imdb_id=imdb or None,
    )


def _elements(name: str, text: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, list):
        raise ParseError(at(name, 1), "a Trakt export file holds a JSON array")
    lines = element_lines(text)
    found = []
    for index, element in enumerate(value):
        where = at(name, _line_of(index, lines))
        if not isinstance(element, dict):
            raise ParseError(where, "each element must be a JSON object")
        found.append((where, element))
    return found


def _comment(where: str, raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ParseError(where, "notes must be text")
    return bounded(where, raw, "notes")


def read_entries(name: str, text: str, value: Any, notes: list[str], *, rated: bool = False) -> list[Entry]:
    """Ratings, watchlist, favorites, watched or list items: one entry per movie or show."""
    entries = []
    for where, element in _elements(name, text, value):
        ref = _ref(where, element, notes)
        if ref is None:
            continue
        rating = None
        if rated:
            raw = element.get("rating")
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ParseError(where, "rating must be a number 1 to 10")
            try:
                rating = scales.from_ten(raw, "Trakt")
            except ValueError as exc:
                raise ParseError(where, str(exc)) from exc
        when = element.get("rated_at") if rated else element.get("listed_at", element.get("last_watched_at"))
        entries.append(
            Entry(ref=ref, at=moment_of(where, when), rating=rating, comment=_comment(where, element.get("notes")))
        )
    return entries


def read_meta(name: str, text: str, value: Any) -> list[dict[str, Any]]:
    """lists-lists.json: each list's name, description, privacy and ids (checked)."""
    lists = []
    for where, element in _elements(name, text, value):
        list_name, description = element.get("name"), element.get("description")
        if not isinstance(list_name, str):
            raise ParseError(where, "a list needs a name")
        if description is not None and not isinstance(description, str):
            raise ParseError(where, "description must be text")
        ids = element.get("ids") or {}
        if not isinstance(ids, dict):
            raise ParseError(where, "ids must be an object")
        lists.append(
            {
                "where": where,
                "name": bounded(where, list_name, "name", required=True),
                "description": bounded(where, description or "", "description"),
                "public": element.get("privacy", "private") == "public",
                "created_at": moment_of(where, element.get("created_at")),
                "trakt": ids.get("trakt"),
                "slug": ids.get("slug"),
            }
        )
    return lists


def read(files: list[tuple[str, str, Any]], bundle: Bundle) -> None:
    """Add every Trakt file of one import to `bundle` (list items find their list in lists-lists.json)."""
    meta: list[dict[str, Any]] = []
    items: list[tuple[str, int | None, str, list[Entry]]] = []
    for name, text, value in files:
        base = name.rsplit("/", 1)[-1].lower()
        if base.startswith("ratings-"):
            if base in ("ratings-movies.json", "ratings-shows.json"):
                bundle.ratings.extend(read_entries(name, text, value, bundle.notes, rated=True))
            else:
                bundle.notes.append(f"{name}: left out (only movie and show ratings are imported)")
        elif base in ("lists-watchlist.json", "watchlist.json"):
            bundle.watchlist.extend(read_entries(name, text, value, bundle.notes))
        elif base in ("lists-favorites.json", "favorites.json"):
            bundle.favorites.extend(read_entries(name, text, value, bundle.notes))
        elif base in ("watched-movies.json", "watched-shows.json"):
            entries = read_entries(name, text, value, bundle.notes)
            bundle.add_to_list(WATCHED_LIST, at(name, 1), entries, public=False)
        elif base == "lists-lists.json":
            meta.extend(read_meta(name, text, value))
        elif (found := _LIST_ITEMS.match(base)) and found.group(2) not in _RESERVED:
            number = int(found.group(1)) if found.group(1) else None
            items.append((name, number, found.group(2), read_entries(name, text, value, bundle.notes)))
        else:
            bundle.notes.append(f"{name}: left out (not ratings, watchlist, favorites, watched or lists)")
    claimed: set[int] = set()
    for name, number, list_slug, entries in items:
        index = next((i for i, m in enumerate(meta) if number is not None and m["trakt"] == number), None)
        if index is None:
            index = next((i for i, m in enumerate(meta) if m["slug"] == list_slug), None)
        if index is None:
            bundle.add_to_list(list_slug, at(name, 1), entries)
            continue
        claimed.add(index)
        described = meta[index]
        bundle.add_to_list(
            described["name"],
            described["where"],
            entries,
            description=described["description"],
            public=described["public"],
            created_at=described["created_at"],
        )
    for index, described in enumerate(meta):
        if index not in claimed:  # a list without items
            bundle.add_to_list(
                described["name"],
                described["where"],
                [],
                description=described["description"],
                public=described["public"],
                created_at=described["created_at"],
            )


# --- export ----------------------------------------------------------------------------------------
def _title(item: Item) -> dict[str, Any]:
    ids: dict[str, Any] = {"tmdb": item.title.id}
    if item.imdb_id:
        ids["imdb"] = item.imdb_id
    return {"title": item.title.title, "year": item.year, "ids": ids}


def _kind(item: Item) -> str:
    return "movie" if item.title.media_type == "movie" else "show"


def _ordered(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (wire.iso_millis(item.at), item.title.media_type, item.title.id))


def _listed(items: list[Item], *, keep_order: bool = False) -> list[dict[str, Any]]:
    chosen = items if keep_order else _ordered(items)
    return [
        {
            "rank": rank,
            "listed_at": wire.iso_millis(item.at),
            "notes": item.comment,
            "type": _kind(item),
            _kind(item): _title(item),
        }
        for rank, item in enumerate(chosen, start=1)
    ]


def render(data: UserData) -> Rendered:
    """Trakt's file names and shapes (ids carry only tmdb and imdb: filmshelf knows no Trakt ids)."""
    out = Rendered()
    for kind, file_name in (("movie", "ratings-movies.json"), ("tv", "ratings-shows.json")):
        rated = _ordered([item for item in data.ratings if item.title.media_type == kind])
        out.files[file_name] = json_text(
            [
                {
                    "rated_at": wire.iso_millis(item.at),
                    "rating": scales.to_ten(item.rating or 1),
                    "type": _kind(item),
                    _kind(item): _title(item),
                }
                for item in rated
            ]
        )
    out.files["lists-watchlist.json"] = json_text(_listed(data.watchlist))
    out.files["lists-favorites.json"] = json_text(_listed(data.favorites))
    watched = data.watched()
    for kind, file_name in (("movie", "watched-movies.json"), ("tv", "watched-shows.json")):
        seen = _ordered([item for item in (watched.items if watched else []) if item.title.media_type == kind])
        out.files[file_name] = json_text(
            [{"plays": 1, "last_watched_at": wire.iso_millis(item.at), _kind(item): _title(item)} for item in seen]
        )
    meta = []
    for number, found in enumerate(data.other_lists(), start=1):
        list_slug = slug(found.name)
        meta.append(
            {
                "name": found.name,
                "description": found.description,
                "privacy": "public" if found.public else "private",
                "created_at": wire.iso_millis(found.created_at),
                "item_count": len(found.items),
                "ids": {"trakt": number, "slug": list_slug},
            }
        )
        out.files[f"lists-list-{number}-{list_slug}.json"] = json_text(_listed(found.items, keep_order=True))
    out.files["lists-lists.json"] = json_text(meta)
    return out
