"""What an imported file says, and what an export holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from filmshelf.storage.records import Title

# Neither TMDB nor filmshelf has a "watched" state: watched films (Letterboxd watched.csv, Trakt
# watched-*.json) go on a private list of this name, and that list is what those files export.
WATCHED_LIST = "Watched"

Section = Literal["ratings", "watchlist", "favorites", "list"]
FORMATS = ("letterboxd", "imdb", "trakt", "tmdb")


class ParseError(Exception):
    """A file that cannot be read as the format it claims: `file:line: what is wrong`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def at(file: str, line: int) -> str:
    """A location `file:line`."""
    return f"{file}:{line}"


@dataclass(frozen=True, slots=True)
class TitleRef:
    """A title as a file names it: ids when the format carries them, and its name and year."""

    where: str
    name: str
    year: int | None = None
    media_type: str | None = None  # "movie", "tv", or None when the file does not say
    tmdb_id: int | None = None
    imdb_id: str | None = None

    def label(self) -> str:
        """`Name (year)` for reports."""
        return f"{self.name} ({self.year})" if self.year else (self.name or "(no title)")


@dataclass(frozen=True, slots=True)
class Entry:
    """One title in a section of a file: when it was added or rated, its rating (TMDB scale), comment."""

    ref: TitleRef
    at: float | None = None
    rating: float | None = None
    comment: str | None = None


@dataclass(slots=True)
class ImportedList:
    """A list as a file holds it."""

    name: str
    where: str
    description: str | None = None  # None: the file does not say
    public: bool | None = None
    created_at: float | None = None
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class Bundle:
    """Everything read from the files of one import."""

    ratings: list[Entry] = field(default_factory=list)
    watchlist: list[Entry] = field(default_factory=list)
    favorites: list[Entry] = field(default_factory=list)
    lists: list[ImportedList] = field(default_factory=list)
    # Files or parts of files deliberately not imported, and why (reported, not errors).
    notes: list[str] = field(default_factory=list)

    def add_to_list(self, name: str, where: str, entries: list[Entry], **fields: object) -> None:
        """Entries for the list `name` (lists of the same name from several files are merged)."""
        for existing in self.lists:
            if existing.name == name:
                existing.entries.extend(entries)
                return
        self.lists.append(ImportedList(name=name, where=where, entries=list(entries), **fields))  # type: ignore[arg-type]


# --- exports ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Item:
    """A title of the account as exported."""

    title: Title
    imdb_id: str | None
    at: float
    rating: float | None = None
    comment: str | None = None

    @property
    def year(self) -> int | None:
        """The release (first air) year."""
        date = self.title.release_date or ""
        return int(date[:4]) if len(date) >= 4 and date[:4].isdigit() else None


@dataclass(frozen=True, slots=True)
class ExportList:
    """A list of the account as exported, items in their original order."""

    id: int
    name: str
    description: str
    public: bool
    created_at: float
    sort_by: str
    iso_639_1: str
    iso_3166_1: str
    items: list[Item]


@dataclass(frozen=True, slots=True)
class UserData:
    """Everything exported of one account."""

    username: str
    object_id: str
    ratings: list[Item]
    watchlist: list[Item]
    favorites: list[Item]
    lists: list[ExportList]

    def watched(self) -> ExportList | None:
        """The list that holds watched titles (WATCHED_LIST), if the account has one."""
        return next((found for found in self.lists if found.name == WATCHED_LIST), None)

    def other_lists(self) -> list[ExportList]:
        """Every list but the watched one."""
        return [found for found in self.lists if found.name != WATCHED_LIST]


@dataclass(slots=True)
class Rendered:
    """An export: file name -> content, and what the format could not hold."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
