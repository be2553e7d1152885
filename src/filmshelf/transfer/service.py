"""Import (a plan applied in the caller's one write transaction) and export of an account's data.

Rules (docs/import-export.md):
* nothing stored is overwritten without `replace`: a rating of another value, a list item's other
  comment and a list's other description are kept and reported as `kept`; with `replace` they take
  the file's value, and a list named in the file takes the file's items in the file's order;
* what is already there is `unchanged`, so importing the same files twice changes nothing;
* a title that matches nothing is `unmatched`, with the reason of each matching step;
* dates in the file become the entry's date (a rating's, a mark's, a list item's), so that an
  export of an import of an export is the same; a date in the future is taken as now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from filmshelf.accounts.users import Account
from filmshelf.catalog import popularity
from filmshelf.errors import FilmshelfError
from filmshelf.lists import rules
from filmshelf.lists import service as lists_service
from filmshelf.storage import account_media as media_rows
from filmshelf.storage import transfer as transfer_rows
from filmshelf.storage.engine import Conn, Database
from filmshelf.transfer import files, imdb, letterboxd, matching, tmdb, trakt
from filmshelf.transfer.model import (
    WATCHED_LIST,
    Bundle,
    Entry,
    ExportList,
    ImportedList,
    Item,
    Rendered,
    UserData,
)

MediaKey = tuple[str, int]
OUTCOMES = ("added", "updated", "removed", "unchanged", "kept", "unmatched", "refused")
RENDERERS = {"letterboxd": letterboxd.render, "imdb": imdb.render, "trakt": trakt.render, "tmdb": tmdb.render}
REFRESH_CHUNK = 200


@dataclass(frozen=True, slots=True)
class Line:
    """What the import did with one entry of a file."""

    section: str  # "ratings", "watchlist", "favorites" or "list: NAME"
    where: str  # file:line
    title: str  # as the file names it
    outcome: str  # one of OUTCOMES
    detail: str = ""
    matched_by: str | None = None
    media_type: str | None = None
    media_id: int | None = None


@dataclass(slots=True)
class Report:
    """Every entry's outcome, and what was left out or noticed on the way."""

    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lists_created: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many entries had each outcome (every outcome named, zeros too)."""
        counted = dict.fromkeys(OUTCOMES, 0)
        for line in self.lines:
            counted[line.outcome] += 1
        return counted

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON values."""
        return {
            "counts": self.counts(),
            "lists_created": self.lists_created,
            "notes": self.notes,
            "entries": [asdict(line) for line in self.lines],
        }


def _key(title: Any) -> MediaKey:
    return (title.media_type, title.id)


class _Importer:
    def __init__(
        self, conn: Conn, account_id: int, replace: bool, now: float, progress: Callable[[int], None] | None
    ) -> None:
        self.conn, self.account_id, self.replace, self.now = conn, account_id, replace, now
        self.progress = progress
        self.report = Report()
        # Lines are reported in the files' order: each entry's place among all entries.
        self.order: dict[int, float] = {}
        self.ordered: list[tuple[float, Line]] = []
        self.matches: dict[Any, matching.Match] = {}
        self.touched: set[MediaKey] = set()

    def when(self, entry: Entry, position: int = 0, count: int = 0) -> float:
        """The entry's date (a future one taken as now). An entry without one is dated now, less a
        millisecond per entry after it, so that the file's order is the stored order."""
        if entry.at is None:
            return self.now - (count - position) * 0.001
        return min(entry.at, self.now)

    def line(self, section: str, entry: Entry, outcome: str, detail: str = "") -> None:
        found = self.matches[entry.ref]
        self.add_line(
            self.order.get(id(entry), 0.0),
            Line(
                section=section,
                where=entry.ref.where,
                title=entry.ref.label(),
                outcome=outcome,
                detail=detail,
                matched_by=found.by,
                media_type=found.title.media_type if found.title else None,
                media_id=found.title.id if found.title else None,
            ),
        )

    def add_line(self, order: float, line: Line) -> None:
        self.ordered.append((order, line))
        if self.progress is not None:
            self.progress(len(self.ordered))

    def matched(self, section: str, entries: Sequence[Entry]) -> list[tuple[Entry, MediaKey]]:
        """The entries that match a title, each title once (a repeat is reported `unchanged`)."""
        kept: list[tuple[Entry, MediaKey]] = []
        first: dict[MediaKey, Entry] = {}
        for entry in entries:
            found = self.matches[entry.ref]
            if found.title is None:
                self.line(section, entry, "unmatched", found.reason)
                continue
            key = _key(found.title)
            if key in first:
                earlier = first[key]
                if (earlier.rating, earlier.comment) == (entry.rating, entry.comment):
                    self.line(section, entry, "unchanged", f"repeated: the entry at {earlier.ref.where} counts")
                else:
                    self.line(
                        section, entry, "kept", f"repeated with another value: the entry at {earlier.ref.where} counts"
                    )
                continue
            first[key] = entry
            kept.append((entry, key))
        return kept

    async def marks(self, bundle: Bundle) -> None:
        stored = await transfer_rows.account_entries(self.conn, account_id=self.account_id)
        for section, kind in (("favorites", "favorite"), ("watchlist", "watchlist")):
            have = {_key(title) for title, _, _ in stored[section]}
            chosen = self.matched(section, getattr(bundle, section))
            for position, (entry, key) in enumerate(chosen):
                if key in have:
                    self.line(section, entry, "unchanged")
                    continue
                await media_rows.add_mark(
                    self.conn, kind=kind, account_id=self.account_id, media_type=key[0], media_id=key[1],  # type: ignore[arg-type]
                    now=self.when(entry, position, len(chosen)),
                )  # fmt: skip
                self.touched.add(key)
                self.line(section, entry, "added")
        rated = {_key(title): value for title, _, value in stored["ratings"]}
        chosen = self.matched("ratings", bundle.ratings)
        for position, (entry, key) in enumerate(chosen):
            value = entry.rating
            assert value is not None  # parsers give every rating entry a value
            if key in rated and rated[key] == value:
                self.line("ratings", entry, "unchanged")
                continue
            if key in rated and not self.replace:
                self.line("ratings", entry, "kept", f"rated {rated[key]:g} here, {value:g} in the file (--replace)")
                continue
            await media_rows.put_rating(
                self.conn, account_id=self.account_id, media_type=key[0], media_id=key[1], value=value,
                now=self.when(entry, position, len(chosen)),
            )  # fmt: skip
            self.touched.add(key)
            if key in rated:
                self.line("ratings", entry, "updated", f"was {rated[key]:g}")
            else:
                self.line("ratings", entry, "added")

    async def add(self, list_id: int, rows: list[tuple[Entry, MediaKey, float]]) -> None:
        """Add items in order; items of the same date go in one batch (their date is the batch's)."""
        start = 0
        while start < len(rows):
            end = start + 1
            while end < len(rows) and end - start < rules.ITEMS_PER_REQUEST_MAX and rows[end][2] == rows[start][2]:
                end += 1
            batch = rows[start:end]
            items = [lists_service.ItemInput(key[0], key[1], entry.comment) for entry, key, _ in batch]
            await lists_service.add_items(
                self.conn, list_id=list_id, account_id=self.account_id, items=items, now=batch[0][2]
            )
            start = end

    async def one_list(self, imported: ImportedList, existing: dict[str, Any]) -> None:
        section = f"list: {imported.name}"
        try:
            rules.check_name(imported.name)
            rules.check_description(imported.description)
        except FilmshelfError as exc:
            for entry in imported.entries:
                self.line(section, entry, "refused", f"the list is refused: {exc.detail or exc}")
            self.report.notes.append(f"{imported.where}: list {imported.name[:100]!r} refused: {exc.detail or exc}")
            return
        wanted: list[tuple[Entry, MediaKey]] = []
        for entry, key in self.matched(section, imported.entries):
            try:
                rules.check_comment(entry.comment, index=0)
            except FilmshelfError as exc:
                self.line(section, entry, "refused", (exc.detail or str(exc)).replace("items[0].", ""))
                continue
            wanted.append((entry, key))
        row = existing.get(imported.name)
        if row is None:
            list_id = await lists_service.create_list(
                self.conn, account_id=self.account_id, name=imported.name, description=imported.description,
                public=True if imported.public is None else imported.public, iso_639_1=None, iso_3166_1=None,
                now=self.now if imported.created_at is None else min(imported.created_at, self.now),
            )  # fmt: skip
            existing[imported.name] = {"id": list_id, "description": imported.description or ""}
            self.report.lists_created.append(imported.name)
            await self.add(list_id, [(entry, key, self.when(entry)) for entry, key in wanted])
            for entry, _ in wanted:
                self.line(section, entry, "added")
            return
        list_id = int(row["id"])
        current = await transfer_rows.list_entries(self.conn, list_id=list_id)
        comments = {_key(title): comment for title, comment, _ in current}
        dates = {_key(title): created for title, _, created in current}
        stored_description = row["description"]
        if imported.description and imported.description != stored_description:
            if not stored_description or self.replace:
                await lists_service.update_list(
                    self.conn, list_id=list_id, account_id=self.account_id,
                    changes=lists_service.ListChanges(description=imported.description), now=self.now,
                )  # fmt: skip
                self.report.notes.append(f"{imported.where}: description of list {imported.name!r} set from the file")
            else:
                self.report.notes.append(
                    f"{imported.where}: list {imported.name!r} keeps its own description (--replace takes the file's)"
                )
        if self.replace:
            same = [(key, entry.comment) for entry, key in wanted] == [(_key(t), c) for t, c, _ in current]
            if same:
                for entry, _ in wanted:
                    self.line(section, entry, "unchanged")
                return
            await lists_service.clear_list(self.conn, list_id=list_id, account_id=self.account_id, now=self.now)
            rows = [(entry, key, dates.get(key, self.when(entry))) for entry, key in wanted]
            await self.add(list_id, rows)
            for entry, key in wanted:
                if key not in comments:
                    self.line(section, entry, "added")
                elif comments[key] != entry.comment:
                    self.line(section, entry, "updated", "comment replaced")
                else:
                    self.line(section, entry, "unchanged")
            kept_keys = {key for _, key in wanted}
            after = max((self.order.get(id(entry), 0.0) for entry in imported.entries), default=0.0) + 0.5
            for title, _, _ in current:
                if _key(title) not in kept_keys:
                    self.add_line(
                        after,
                        Line(section=section, where="", title=title.title, outcome="removed",
                             detail="not in the file (--replace)", media_type=title.media_type, media_id=title.id),
                    )  # fmt: skip
            return
        missing = []
        for entry, key in wanted:
            if key not in comments:
                missing.append((entry, key, self.when(entry)))
                self.line(section, entry, "added")
            elif entry.comment is not None and comments[key] != entry.comment:
                self.line(section, entry, "kept", "the item's comment here differs from the file's (--replace)")
            else:
                self.line(section, entry, "unchanged")
        await self.add(list_id, missing)

    async def lists(self, bundle: Bundle) -> None:
        existing: dict[str, Any] = {}
        for row in await transfer_rows.account_lists(self.conn, account_id=self.account_id):
            existing.setdefault(row.name, {"id": int(row.id), "description": row.description})
        for imported in bundle.lists:
            await self.one_list(imported, existing)

    async def refresh(self) -> None:
        touched = sorted(self.touched)
        for start in range(0, len(touched), REFRESH_CHUNK):
            await popularity.refresh_titles(self.conn, touched[start : start + REFRESH_CHUNK], now=self.now)


def all_entries(bundle: Bundle) -> list[Entry]:
    """Every entry of a bundle, sections in order."""
    entries = [*bundle.ratings, *bundle.watchlist, *bundle.favorites]
    for imported in bundle.lists:
        entries.extend(imported.entries)
    return entries


async def import_bundle(
    conn: Conn,
    *,
    account_id: int,
    bundle: Bundle,
    replace: bool,
    now: float,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Apply what `bundle` says to the account, inside the caller's write transaction; `progress`
    hears how many entries are done."""
    importer = _Importer(conn, account_id, replace, now, progress)
    importer.report.notes.extend(bundle.notes)
    entries = all_entries(bundle)
    importer.order = {id(entry): float(index) for index, entry in enumerate(entries)}
    refs = list(dict.fromkeys(entry.ref for entry in entries))
    importer.matches = dict(zip(refs, await matching.match_all(conn, refs), strict=True))
    await importer.marks(bundle)
    await importer.lists(bundle)
    await importer.refresh()
    importer.report.lines = [line for _, line in sorted(importer.ordered, key=lambda pair: pair[0])]
    return importer.report


async def import_files(
    db: Database,
    *,
    account_id: int,
    uploads: list[files.Upload],
    replace: bool,
    now: float,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read every file (a malformed one raises ParseError before anything is written), then import
    them in one write transaction: a failure part way leaves nothing of the import behind.
    `progress(done, total)` hears how many entries are done."""
    bundle = files.read_uploads(uploads)
    total = len(all_entries(bundle))
    heard = None if progress is None else (lambda done: progress(done, total))
    async with db.write() as conn:
        return await import_bundle(conn, account_id=account_id, bundle=bundle, replace=replace, now=now, progress=heard)


# --- export ----------------------------------------------------------------------------------------
async def collect(conn: Conn, account: Account) -> UserData:
    """Everything of the account an export holds (titles no longer in the catalog are left out)."""
    stored = await transfer_rows.account_entries(conn, account_id=account.id)
    rows = await transfer_rows.account_lists(conn, account_id=account.id)
    entries = {row.id: await transfer_rows.list_entries(conn, list_id=int(row.id)) for row in rows}
    keys = [_key(t) for kind in stored.values() for t, _, _ in kind]
    keys += [_key(t) for found in entries.values() for t, _, _ in found]
    imdb_ids = await transfer_rows.imdb_ids_of(conn, list(dict.fromkeys(keys)))

    def items(section: str) -> list[Item]:
        return [
            Item(title=t, imdb_id=imdb_ids.get(_key(t)), at=created, rating=value)
            for t, created, value in stored[section]
        ]

    lists = [
        ExportList(
            id=int(row.id),
            name=row.name,
            description=row.description,
            public=bool(row.public),
            created_at=float(row.created_at),
            sort_by=row.sort_by,
            iso_639_1=row.iso_639_1,
            iso_3166_1=row.iso_3166_1,
            items=[
                Item(title=t, imdb_id=imdb_ids.get(_key(t)), at=created, comment=comment)
                for t, comment, created in entries[row.id]
            ],
        )
        for row in rows
    ]
    return UserData(
        username=account.username,
        object_id=account.object_id,
        ratings=items("ratings"),
        watchlist=items("watchlist"),
        favorites=items("favorites"),
        lists=lists,
    )


def render(format_name: str, data: UserData) -> Rendered:
    """The export's files in one format (letterboxd, imdb, trakt, tmdb)."""
    return RENDERERS[format_name](data)


async def export_zip(db: Database, *, account: Account, format_name: str) -> tuple[bytes, list[str]]:
    """The account's data in `format_name` as a zip archive, and what the format could not hold."""
    async with db.read() as conn:
        data = await collect(conn, account)
    rendered = render(format_name, data)
    return files.to_zip(rendered), rendered.notes


__all__ = ["WATCHED_LIST", "Line", "Report", "collect", "export_zip", "import_bundle", "import_files", "render"]
