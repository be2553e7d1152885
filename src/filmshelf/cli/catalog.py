"""`filmshelf catalog import`: load TMDB export files, detail-object files or the bundled sample."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from filmshelf.catalog import importer
from filmshelf.cli.common import USAGE, console, errors, existing_database, fail, run_with_db

if TYPE_CHECKING:
    from filmshelf.storage.engine import Database

catalog_app = typer.Typer(
    help="The catalog of movies and TV shows.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@catalog_app.callback()
def catalog() -> None:
    """The catalog of movies and TV shows."""


@catalog_app.command("import")
def import_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH...",
            help="TMDB daily ID export files (.json.gz) or files of /3/movie or /3/tv detail objects, "
            "one JSON object a line, gzip or not.",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Import the bundled sample catalog.")] = False,
    batch_size: Annotated[
        int, typer.Option(metavar="ROWS", help="Rows written per transaction.", min=100, max=50_000)
    ] = importer.BATCH_SIZE,
) -> None:
    """Upsert titles into the catalog; bad lines are reported on stderr and skipped.

    Exits 1 when a file is not an import file (named .gz but not gzip, not JSON lines), when a
    file could not be read to its end, or when not one line could be imported.
    """
    from filmshelf.storage.migrate import upgrade

    files = list(paths or [])
    if sample:
        missing = [str(path) for path in importer.SAMPLE_FILES if not path.is_file()]
        if missing:
            fail(f"the bundled sample catalog is missing: {', '.join(missing)}", hint="reinstall filmshelf")
        files = [*importer.SAMPLE_FILES, *files]
    if not files:
        fail("nothing to import", hint="give export or detail files, or --sample", code=USAGE)
    for path in files:
        try:
            importer.check_file(path)
        except importer.NotAnImportFile as exc:
            fail(
                f"{path} is not an import file: {exc}",
                hint="give TMDB daily ID exports (.json.gz) or files of detail objects, one JSON object a line; "
                "nothing was imported",
            )
    location = existing_database()
    upgrade(location.url)
    total = sum(path.stat().st_size for path in files)

    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[lines]:>12,} lines"),
        TimeRemainingColumn(),
        console=errors,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task("import", total=total, lines=0)

    def on_bad_line(bad: importer.BadLine) -> None:
        progress.console.print(f"bad line {bad}", markup=False, highlight=False, soft_wrap=True)

    counts = importer.ImportCounts()

    def on_progress(advance: int) -> None:
        progress.update(task, advance=advance, lines=counts.lines)

    async def work(db: Database) -> importer.ImportCounts:
        return await importer.import_files(
            db,
            files,
            on_bad_line=on_bad_line,
            on_progress=on_progress,
            batch_size=batch_size,
            counts=counts,
        )

    started = time.perf_counter()
    with progress:
        run_with_db(location.url, work)
    took = time.perf_counter() - started
    rate = counts.lines / took if took > 0 else 0.0
    console.print(
        f"catalog import: {counts.summary()}; {counts.lines:,} lines in {took:.1f} s ({rate:,.0f} lines/s)",
        highlight=False,
        soft_wrap=True,
    )
    if counts.unreadable:
        fail(
            f"{counts.unreadable} file(s) could not be read to the end (see the 'cannot read further' lines above)",
            hint="the lines before the damage were imported; fetch the file again and re-import it",
        )
    if not counts.imported:
        fail(
            "nothing could be imported: no line of the given files became a title",
            hint="see the bad lines above; a line is one JSON object with an id and a title, original_title or "
            "original_name",
        )
