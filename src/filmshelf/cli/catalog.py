"""`filmshelf catalog import` (TMDB export files, detail-object files, the bundled sample) and `catalog fetch`."""

from __future__ import annotations

import asyncio
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
from filmshelf.cli.common import (
    USAGE,
    check_output_file,
    console,
    errors,
    existing_database,
    fail,
    load_settings,
    run_with_db,
)

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
            metavar="PATH",
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


@catalog_app.command("fetch")
def fetch_command(
    targets: Annotated[
        list[str],
        typer.Argument(
            metavar="TARGET",
            help="movie:ID, tv:ID, or a catalog path with its query (/3/movie/550/credits?language=en-US).",
            show_default=False,
        ),
    ],
    append_to_response: Annotated[
        str | None,
        typer.Option(
            metavar="NAMES", help="append_to_response for the movie:ID and tv:ID targets, e.g. credits,images."
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option(metavar="LANGUAGE", help="language for the movie:ID and tv:ID targets, e.g. en-US.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ask the upstream even for answers still fresh.")] = False,
    concurrency: Annotated[int, typer.Option(metavar="N", help="Upstream calls at once.", min=1, max=16)] = 4,
) -> None:
    """Warm the upstream store: fetch catalog reads from FILMSHELF_UPSTREAM_URL ahead of time."""
    from urllib.parse import urlencode

    from filmshelf.clock import SystemClock
    from filmshelf.storage.migrate import upgrade
    from filmshelf.upstream import rules
    from filmshelf.upstream.cache import Answer, Source, Upstream

    location = existing_database()
    settings = load_settings(create=False)
    if settings.upstream_mode != "online" or settings.upstream_url is None:
        fail(
            "catalog fetch needs an upstream",
            hint="set FILMSHELF_UPSTREAM_URL and FILMSHELF_UPSTREAM_TOKEN "
            "(and leave FILMSHELF_UPSTREAM_MODE unset or online)",
            code=USAGE,
        )
    extra = urlencode(
        [(name, value) for name, value in (("append_to_response", append_to_response), ("language", language)) if value]
    )
    plans: list[tuple[str, rules.Plan]] = []
    refused: list[str] = []
    for target in targets:
        plan = rules.title_target(target)
        if plan is not None and extra and not target.startswith("/"):
            plan = rules.plan(plan.path, extra)
        if plan is None:
            refused.append(target)
        else:
            plans.append((target, plan))
    if refused:
        for target in refused:
            errors.print(f"[red]not a catalog read filmshelf may fetch:[/red] {target}", highlight=False)
        fail(
            "nothing was fetched",
            hint="targets are movie:ID, tv:ID or an allow-listed /3/... path (README, Upstream mode)",
            code=USAGE,
        )
    upgrade(location.url)

    progress = Progress(
        TextColumn("fetching"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=errors,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task("fetch", total=len(plans))
    tally = {"fetched": 0, "fresh": 0, "not found": 0, "failed": 0}

    def report(target: str, answer: Answer) -> None:
        if answer.source in {Source.MISS, Source.REVALIDATED} and answer.status == 200:
            tally["fetched"] += 1
        elif answer.source == Source.HIT and answer.status == 200:
            tally["fresh"] += 1
        elif answer.status == 404:
            tally["not found"] += 1
            progress.console.print(f"not found upstream: {target}", markup=False, highlight=False)
        else:
            tally["failed"] += 1
            why = answer.error_detail or f"HTTP {answer.status}"
            progress.console.print(f"failed: {target}: {why} ({answer.source})", markup=False, highlight=False)
        progress.advance(task)

    async def work(db: Database) -> None:
        upstream = Upstream(settings, db, SystemClock())
        gate = asyncio.Semaphore(concurrency)

        async def one(target: str, plan: rules.Plan) -> None:
            async with gate:
                answer = await upstream.fetch(plan, force=force)
                # Rate-limited (429): wait as long as the upstream asked, then try again (5 times at most).
                for _ in range(5):
                    if answer.source not in {Source.BACKOFF, Source.STALE} or not upstream.backing_off():
                        break
                    await asyncio.sleep(upstream.paused_for())
                    answer = await upstream.fetch(plan, force=force)
                report(target, answer)

        try:
            await asyncio.gather(*(one(target, plan) for target, plan in plans))
        finally:
            await upstream.aclose()

    started = time.perf_counter()
    with progress:
        run_with_db(location.url, work)
    took = time.perf_counter() - started
    summary = ", ".join(f"{name} {count}" for name, count in tally.items())
    console.print(f"catalog fetch: {summary}; {len(plans)} in {took:.1f} s", highlight=False, soft_wrap=True)
    if tally["failed"]:
        raise typer.Exit(1)


@catalog_app.command("export-answers")
def export_answers_command(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="File to write (JSON lines; gzip when it ends in .gz).")],
) -> None:
    """Write the upstream answers stored in this database to a file (for offline replay in CI)."""
    from filmshelf.storage.migrate import upgrade
    from filmshelf.upstream.recordings import export_answers

    check_output_file(path, what="PATH", example="answers.jsonl.gz")
    location = existing_database()
    upgrade(location.url)

    async def work(db: Database) -> int:
        return await export_answers(db, path)

    try:
        count = run_with_db(location.url, work)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}", hint="nothing was written")
    console.print(f"exported {count} upstream answers to {path}", highlight=False, soft_wrap=True)


@catalog_app.command("import-answers")
def import_answers_command(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="A file written by export-answers.", exists=True, dir_okay=False, readable=True
        ),
    ],
) -> None:
    """Store the upstream answers of a file (then FILMSHELF_UPSTREAM_MODE=offline replays them)."""
    from filmshelf.storage.migrate import upgrade
    from filmshelf.upstream.recordings import LoadCounts, import_answers

    location = existing_database()
    upgrade(location.url)

    def on_bad_line(number: int, reason: str) -> None:
        errors.print(f"bad line {path}:{number}: {reason}", markup=False, highlight=False, soft_wrap=True)

    async def work(db: Database) -> LoadCounts:
        return await import_answers(db, path, on_bad_line=on_bad_line)

    counts = run_with_db(location.url, work)
    console.print(
        f"imported {counts.stored} upstream answers ({counts.titles} catalog titles written), "
        f"skipped {counts.skipped} bad lines",
        highlight=False,
        soft_wrap=True,
    )
    if counts.unreadable:
        kept = f"the {counts.stored} answers before the damage were stored; " if counts.stored else ""
        fail(
            f"{path} could not be read to the end: {counts.unreadable}",
            hint=f"{kept}give a file written by `filmshelf catalog export-answers` (export it again)",
        )
    if counts.skipped and not counts.stored:
        raise typer.Exit(1)


@catalog_app.command("refresh-stats")
def refresh_stats_command(
    everything: Annotated[
        bool, typer.Option("--all", help="Refresh every title, not only those with recent activity.")
    ] = False,
) -> None:
    """Recompute votes, activity and popularity (docs/popularity.md); the server also does it every minute."""
    from filmshelf.catalog import popularity

    location = existing_database()

    async def work(db: Database) -> int:
        return await popularity.refresh_recent(db, now=time.time(), everything=everything)

    refreshed = run_with_db(location.url, work)
    console.print(f"refreshed {refreshed} titles")
