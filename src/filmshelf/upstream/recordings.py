"""Stored upstream answers to and from a file, so that CI can replay them offline.

One JSON object a line (gzip when the file name ends in `.gz`; read either way):
`{"path": "/3/movie/550", "query": "language=en-US", "status": 200, "etag": null,
"fetched_at": 1790000000.0, "body": {...}}`. `query` is the normalised query (`rules.Plan.query`).
Importing a line stores it as a fetch would (the key is recomputed from path and query, which
must be an allow-listed catalog read in normalised form; a title's details also become its
catalog row), so a recording cannot smuggle in anything a live upstream could not have answered.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import msgspec

from filmshelf.storage import upstream as store
from filmshelf.storage.engine import Database
from filmshelf.upstream import rules
from filmshelf.upstream.cache import store_answer

_GZIP_MAGIC = b"\x1f\x8b"


class Recording(msgspec.Struct, omit_defaults=False):
    """One stored answer as a line of a recordings file."""

    path: str
    query: str
    status: int
    fetched_at: float
    body: msgspec.Raw
    etag: str | None = None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Recording)


@dataclass(slots=True)
class LoadCounts:
    """What an import of recordings did."""

    stored: int = 0
    titles: int = 0
    skipped: int = 0
    # Why the file could not be read to its end (a damaged gzip stream), or None.
    unreadable: str | None = None


def _compact(body: bytes) -> bytes:
    # A line must be one line: re-encode the rare pretty-printed body (JSON strings hold no raw newline).
    return body if b"\n" not in body and b"\r" not in body else _encoder.encode(msgspec.json.decode(body))


async def export_answers(db: Database, path: Path) -> int:
    """Write every stored answer to `path`; return how many.

    The file is written beside `path` and renamed at the end: a failure leaves no half file.
    """
    written = 0
    partial = path.with_name(f".{path.name}.partial")
    try:
        with ExitStack() as stack:
            raw = stack.enter_context(partial.open("wb"))
            out: gzip.GzipFile | BinaryIO = (
                stack.enter_context(gzip.GzipFile(fileobj=raw, mode="wb")) if path.name.endswith(".gz") else raw
            )
            async with db.read() as conn:
                async for answer in store.all_answers(conn):
                    line = Recording(
                        path=answer.path,
                        query=answer.query,
                        status=answer.status,
                        fetched_at=answer.fetched_at,
                        body=msgspec.Raw(_compact(answer.body)),
                        etag=answer.etag,
                    )
                    out.write(_encoder.encode(line) + b"\n")
                    written += 1
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _check(line: bytes) -> tuple[rules.Plan, Recording]:
    try:
        recording = _decoder.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(str(exc)) from None
    plan = rules.plan(recording.path, recording.query)
    if plan is None or plan.query != recording.query:
        raise ValueError(f"not an allow-listed catalog read in normalised form: {recording.path}?{recording.query}")
    if recording.status not in {200, 404}:
        raise ValueError(f"status {recording.status} is never stored (200 or 404 only)")
    body = bytes(recording.body)
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise ValueError("body is not JSON") from None
    if not isinstance(decoded, dict):
        raise ValueError("body is not a JSON object")
    return plan, recording


async def import_answers(db: Database, path: Path, *, on_bad_line: Callable[[int, str], None]) -> LoadCounts:
    """Store every answer of a recordings file (see the module docstring); bad lines are reported."""
    counts = LoadCounts()
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        source: gzip.GzipFile | BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if magic == _GZIP_MAGIC else raw
        lines = iter(source)
        number = 0
        while True:
            try:
                line = next(lines, None)
            except (OSError, EOFError, zlib.error) as exc:
                # The answers before the damage are stored; the caller says the file is damaged.
                why = str(exc) or type(exc).__name__
                gzipped = magic == _GZIP_MAGIC
                start = (
                    "it is not a readable gzip file"
                    if gzipped and number == 0
                    else f"it cannot be read past line {number}"
                )
                counts.unreadable = f"{start} ({why})"
                break
            if line is None:
                break
            number += 1
            if not line.strip():
                continue
            try:
                plan, recording = _check(line)
            except ValueError as exc:
                counts.skipped += 1
                on_bad_line(number, str(exc))
                continue
            wrote_title = await store_answer(
                db,
                plan,
                status=recording.status,
                body=bytes(recording.body),
                etag=recording.etag,
                fetched_at=recording.fetched_at,
            )
            counts.stored += 1
            counts.titles += int(wrote_title)
    return counts
