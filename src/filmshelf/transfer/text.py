"""Strict reading helpers shared by the parsers: CSV rows with their line, JSON, dates, years."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from filmshelf.transfer.model import ParseError, at

MAX_TEXT = 1000  # longest name, comment or description read from a file


def decode(name: str, data: bytes) -> str:
    """A file's text: UTF-8 (a byte-order mark is dropped); anything else is refused at line 1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(at(name, line), "not UTF-8 text") from exc


def csv_rows(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) of every non-blank row; broken quoting is refused."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError(at(name, reader.line_num or start), f"malformed CSV: {exc}") from exc
        last = reader.line_num
        if row and any(cell.strip() for cell in row):
            if any("\x00" in cell for cell in row):
                raise ParseError(at(name, start), "a NUL character in the data")
            yield start, row


class Table:
    """A CSV table: its header, then rows read as {column: value}, each row exactly as wide."""

    def __init__(self, name: str, header_line: int, header: list[str], required: tuple[str, ...]) -> None:
        self.name = name
        self.header = [cell.strip() for cell in header]
        missing = [column for column in required if column not in self.header]
        if missing:
            raise ParseError(at(name, header_line), f"missing column(s): {', '.join(missing)}")

    def record(self, line: int, row: list[str]) -> dict[str, str]:
        """One row as {column: value}; a row of another width is refused."""
        if len(row) != len(self.header):
            raise ParseError(at(self.name, line), f"{len(row)} fields where the header has {len(self.header)}")
        return dict(zip(self.header, (cell.strip() for cell in row), strict=True))


def load_json(name: str, text: str) -> Any:
    """Parsed JSON; a syntax error is refused at its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(at(name, exc.lineno), f"malformed JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise ParseError(at(name, 1), "JSON nested too deeply") from exc


def bounded(where: str, value: str, what: str, *, required: bool = False) -> str:
    """Text read from a file: at most MAX_TEXT characters; `required` refuses an empty value."""
    if required and not value.strip():
        raise ParseError(where, f"{what} is empty")
    if len(value) > MAX_TEXT:
        raise ParseError(where, f"{what} is longer than {MAX_TEXT} characters")
    return value


def year_of(where: str, raw: str | int | None) -> int | None:
    """A year 1-9999 (text or number), or None when empty."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not (isinstance(raw, int) or (raw.isascii() and raw.isdigit())):
        raise ParseError(where, f"year {str(raw)[:20]!r} is not a year")
    value = int(raw)
    if not 1 <= value <= 9999:
        raise ParseError(where, f"year {value} is not a year")
    return value


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_of(where: str, raw: str) -> float | None:
    """A `YYYY-MM-DD` date as Unix seconds (midnight UTC), or None when empty."""
    if not raw:
        return None
    if not _DAY.match(raw):
        raise ParseError(where, f"date {raw[:30]!r} is not YYYY-MM-DD")
    try:
        return float(calendar.timegm(time.strptime(raw, "%Y-%m-%d")))
    except ValueError as exc:
        raise ParseError(where, f"date {raw!r} does not exist") from exc


def moment_of(where: str, raw: object) -> float | None:
    """An ISO-8601 time (`2024-05-01T12:34:56.000Z`, or a plain date) as Unix seconds, or None."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise ParseError(where, "a time must be ISO-8601 text")
    if _DAY.match(raw):
        return day_of(where, raw)
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ParseError(where, f"time {raw!r} is not ISO-8601") from exc
    if parsed.tzinfo is None:
        raise ParseError(where, f"time {raw!r} has no time zone")
    return round(parsed.timestamp(), 3)


def csv_text(rows: list[list[str]]) -> bytes:
    """Rows as CSV (RFC 4180 quoting, \\n line ends), UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def json_text(value: Any) -> bytes:
    """Indented JSON, UTF-8 (so that a malformed hand edit is reported on its own line)."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def slug(name: str) -> str:
    """A file-name-safe slug of a list name."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60] or "list"
