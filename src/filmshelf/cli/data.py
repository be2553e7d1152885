"""`filmshelf data import` and `filmshelf data export`: a user's lists, favorites, watchlist and
ratings from and to Letterboxd, IMDb, Trakt and TMDB files (docs/import-export.md)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from filmshelf.cli.common import USAGE, check_output_file, console, errors, existing_database, fail, run_with_db

if TYPE_CHECKING:
    from filmshelf.accounts.users import Account
    from filmshelf.storage.engine import Database
    from filmshelf.transfer.service import Report

data_app = typer.Typer(
    help="Import and export a user's lists, favorites, watchlist and ratings.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
FORMATS = ("letterboxd", "imdb", "trakt", "tmdb")
SHOWN = ("unmatched", "kept", "refused", "removed")


@data_app.callback()
def data() -> None:
    """Import and export a user's lists, favorites, watchlist and ratings."""


async def _account(db: Database, username: str) -> Account:
    from filmshelf.accounts import users

    async with db.read() as conn:
        account = await users.find_by_username(conn, username)
    if account is None:
        fail(f"no such user: {username}", hint="see `filmshelf users list`")
    return account


def _show(report: Report, username: str) -> None:
    counts = report.counts()
    table = Table("section", *[name for name in counts if name != "removed" or counts["removed"]], title=None)
    sections: dict[str, dict[str, int]] = {}
    for line in report.lines:
        sections.setdefault(line.section, dict.fromkeys(counts, 0))[line.outcome] += 1
    for section, counted in sections.items():
        table.add_row(
            escape(section), *[str(counted[name]) for name in counts if name != "removed" or counts["removed"]]
        )
    console.print(f"imported for {escape(username)}: " + ", ".join(f"{n} {name}" for name, n in counts.items() if n))
    if sections:
        console.print(table)
    for line in report.lines:
        if line.outcome in SHOWN:
            where = f"{line.where}  " if line.where else ""
            console.print(
                f"{line.outcome}: {escape(where)}{escape(line.title)}  [dim]{escape(line.detail)}[/dim]",
                soft_wrap=True,
                highlight=False,
            )
    for note in report.notes:
        console.print(f"note: {escape(note)}", soft_wrap=True, highlight=False)


@data_app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Letterboxd export zip or CSVs, IMDb ratings or list CSVs, Trakt export zip or JSON files, "
            "TMDB v4 list or account-page JSON. The format is recognised from each file's content.",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ],
    user: Annotated[str, typer.Option("--user", metavar="NAME", help="The account to import into.")],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Overwrite what is stored: ratings of another value, item comments, list descriptions, "
            "and the items and order of lists named in the files.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Import files into a user's account; nothing is half-imported, and importing twice changes nothing."""
    from filmshelf.transfer import files, service
    from filmshelf.transfer.model import ParseError

    location = existing_database()
    uploads = []
    for path in paths:
        try:
            uploads.append(files.Upload(path.name if len(paths) == 1 else str(path), path.read_bytes()))
        except OSError as exc:
            fail(f"cannot read {path}: {exc.strerror}")
    progress = Progress(
        TextColumn("importing"), BarColumn(), TaskProgressColumn(), TextColumn("{task.completed}/{task.total}"),
        console=errors, transient=True, disable=as_json or not errors.is_terminal,
    )  # fmt: skip
    task = progress.add_task("import", total=None)

    def heard(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    async def work(db: Database) -> Report:
        account = await _account(db, user)
        return await service.import_files(
            db, account_id=account.id, uploads=uploads, replace=replace, now=time.time(), progress=heard
        )

    try:
        with progress:
            report = run_with_db(location.url, work)
    except ParseError as exc:
        fail(str(exc), hint="nothing was imported; fix the file (or leave it out) and run the import again")
    if as_json:
        print(json.dumps({"user": user, "replace": replace, **report.as_json()}, ensure_ascii=False))
        return
    _show(report, user)


@data_app.command("export")
def export_command(
    user: Annotated[str, typer.Option("--user", metavar="NAME", help="The account to export.")],
    format_name: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="letterboxd, imdb, trakt or tmdb.", show_default=False)
    ],
    output: Annotated[Path, typer.Option("--output", metavar="PATH", help="The zip archive to write.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as one JSON object.")] = False,
) -> None:
    """Write a user's lists, favorites, watchlist and ratings as a zip of the format's files."""
    from filmshelf.transfer import service

    if format_name not in FORMATS:
        fail(
            f"--format: {format_name!r} is not one of {', '.join(FORMATS)}", hint="e.g. --format letterboxd", code=USAGE
        )
    check_output_file(output, what="--output", example=f"{format_name}-export.zip")
    location = existing_database()

    async def work(db: Database) -> tuple[bytes, list[str]]:
        account = await _account(db, user)
        return await service.export_zip(db, account=account, format_name=format_name)

    archive, notes = run_with_db(location.url, work)
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(archive)
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {output}: {exc.strerror}")
    summary: dict[str, Any] = {"user": user, "format": format_name, "output": str(output), "bytes": len(archive)}
    if as_json:
        print(json.dumps({**summary, "notes": notes}, ensure_ascii=False))
        return
    console.print(
        f"wrote {escape(str(output))} ({format_name}, {len(archive):,} bytes)", soft_wrap=True, highlight=False
    )
    for note in notes:
        console.print(f"note: {escape(note)}", soft_wrap=True, highlight=False)
