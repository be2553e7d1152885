"""Reading the files of an import: archives opened, each file's format recognised from its content.

Entries are taken in the order of the files given (and of an archive's members); Trakt's JSON files
of one archive, or loose ones given one after another, are read together so that a list's items
find the list's name in lists-lists.json.

A file given on its own that is not one of the known formats is refused; a file inside an archive
that is not (a Letterboxd zip holds profile.csv, comments.csv ...) is noted and left out.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from filmshelf.transfer import imdb, letterboxd, tmdb, trakt
from filmshelf.transfer.model import Bundle, ParseError, Rendered, at
from filmshelf.transfer.text import csv_rows, decode, load_json

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# Letterboxd's archive keeps deleted and orphaned entries apart: they are not the member's data.
_SKIPPED_FOLDERS = ("deleted/", "orphaned/", "__macosx/")
_LETTERBOXD_SKIPPED = ("diary.csv", "reviews.csv", "comments.csv", "profile.csv")


@dataclass(frozen=True, slots=True)
class Upload:
    """One file as given: its name (for reports) and bytes."""

    name: str
    data: bytes


def _members(upload: Upload) -> list[tuple[Upload, bool]]:
    """(file, came from an archive) for an upload: a zip's files in archive order, else itself."""
    if not upload.data.startswith(b"PK\x03\x04") and not upload.data.startswith(b"PK\x05\x06"):
        return [(upload, False)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise ParseError(at(upload.name, 1), f"more than {MAX_MEMBERS} files in the archive")
        total = 0
        found = []
        for info in infos:
            if any(part in info.filename.lower() for part in _SKIPPED_FOLDERS):
                continue
            total += info.file_size
            if info.file_size > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
                raise ParseError(at(f"{upload.name}/{info.filename}", 1), "too large to import")
            with archive.open(info) as member:
                data = member.read(MAX_FILE_BYTES + 1)  # the header's size may lie: count what comes out
            total += len(data) - info.file_size
            if len(data) > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
                raise ParseError(at(f"{upload.name}/{info.filename}", 1), "too large to import")
            found.append((Upload(f"{upload.name}/{info.filename}", data), True))
        return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise ParseError(at(upload.name, 1), f"not a readable zip archive ({exc})") from exc


def read_uploads(uploads: list[Upload]) -> Bundle:
    """Everything the files say, or ParseError (file:line) for the first file that is malformed."""
    bundle = Bundle()
    trakt_files: list[tuple[str, str, Any]] = []
    for upload in uploads:
        if len(upload.data) > MAX_TOTAL_BYTES:
            raise ParseError(at(upload.name, 1), "too large to import")
        members = _members(upload)
        if trakt_files and any(archived for _, archived in members):
            trakt.read(trakt_files, bundle)  # loose Trakt files given before this archive
            trakt_files = []
        for member, archived in members:
            name = member.name
            text = decode(name, member.data)
            stripped = text.lstrip()
            if not stripped:
                bundle.notes.append(f"{name}: empty, nothing to import")
                continue
            if stripped[0] in "[{":
                value = load_json(name, text)
                if tmdb.is_list(value):
                    tmdb.read_list(name, text, value, bundle)
                elif tmdb.is_account_page(value):
                    tmdb.read_account_page(name, text, value, bundle)
                elif isinstance(value, list):
                    trakt_files.append((name, text, value))
                elif archived:
                    bundle.notes.append(f"{name}: left out (not a Trakt, TMDB list or TMDB account file)")
                else:
                    raise ParseError(
                        at(name, 1), "JSON that is not a Trakt export file, a TMDB v4 list or account page"
                    )
                continue
            first = next(csv_rows(name, text), None)
            header = [cell.strip() for cell in first[1]] if first else []
            base = name.rsplit("/", 1)[-1].lower()
            if header[:1] == [letterboxd.LIST_BANNER] or "Letterboxd URI" in header:
                if base in _LETTERBOXD_SKIPPED or "Watched Date" in header or "Review" in header:
                    bundle.notes.append(f"{name}: left out (diary entries and reviews are not imported)")
                    continue
                letterboxd.read(name, text, header, bundle)
            elif "Const" in header:
                imdb.read(name, text, header, bundle)
            elif archived:
                bundle.notes.append(f"{name}: left out (not a file this import reads)")
            else:
                shown = ",".join(header)[:80]
                raise ParseError(
                    at(name, first[0] if first else 1),
                    f"not a Letterboxd, IMDb, Trakt or TMDB export file (first row: {shown!r})",
                )
        if trakt_files and any(archived for _, archived in members):
            trakt.read(trakt_files, bundle)  # an archive's Trakt files together (lists find lists-lists.json)
            trakt_files = []
    if trakt_files:
        trakt.read(trakt_files, bundle)
    return bundle


def to_zip(rendered: Rendered) -> bytes:
    """An export's files as a zip, byte-for-byte the same for the same files (fixed member times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in rendered.files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
