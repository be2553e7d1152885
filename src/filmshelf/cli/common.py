"""What every `filmshelf` command shares: output, clear failures, settings and the database.

A mistake at the command line ends in one or two lines on stderr (what is wrong, what to do)
and a non-zero exit, never a traceback: exit 2 for configuration and usage, 1 for everything
else. Only `serve` and `db upgrade` may create a database; every other command looks for an
existing one and says where it looked when there is none.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from filmshelf.settings import (
    DatabaseLocation,
    Settings,
    SettingsError,
    database_from_env,
    database_url_refused,
    tighten_data_dir,
)
from filmshelf.storage.preflight import DatabaseProblem, DatabaseState, DatabaseUrlProblem, inspect_database

if TYPE_CHECKING:
    from filmshelf.storage.engine import Database

T = TypeVar("T")

console = Console()
errors = Console(stderr=True)

USAGE = 2
FAILURE = 1


def say_failure(message: str, hint: str | None = None) -> None:
    """Print a failure: `error: message` and, indented below, what to do."""
    errors.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    if hint:
        errors.print(f"  {escape(hint)}", soft_wrap=True, highlight=False)


def fail(message: str, *, hint: str | None = None, code: int = FAILURE) -> NoReturn:
    """Stop the command with a message (and a hint) on stderr and a non-zero exit."""
    say_failure(message, hint)
    raise typer.Exit(code)


class FriendlyGroup(TyperGroup):
    """The root command: known mistakes raised anywhere below become a short message, not a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            fail(f"configuration: {exc}", code=USAGE)
        except DatabaseProblem as exc:
            fail(str(exc))
        except typer.BadParameter as exc:
            # An option value out of range or of the wrong type: one line, not click's usage block.
            where = exc.ctx.command_path if exc.ctx is not None else "filmshelf"
            fail(exc.format_message(), hint=f"see `{where} --help`", code=USAGE)


def check_output_file(path: Path, *, what: str, example: str) -> None:
    """Refuse (exit 2) a file to write that cannot be: a folder, or in a folder that is missing or not writable.

    `what` names the argument in the message (`--output`, `PATH`); `example` is a file name that would do.
    Checked before any work, so the mistake is said at once; a failure while writing is the caller's.
    """
    folder = path.absolute().parent
    if path.is_dir():
        fail(f"{what}: {path} is a folder", hint=f"name the file to write, e.g. {path / example}", code=USAGE)
    if not folder.exists():
        fail(
            f"{what}: the folder {folder} does not exist",
            hint="create it first, or name a file in a folder that exists",
            code=USAGE,
        )
    if not folder.is_dir():
        fail(f"{what}: {folder} is not a folder", hint="name a file in a folder that exists", code=USAGE)
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(
            f"{what}: cannot write into the folder {folder} (permission denied)",
            hint="name a file in a folder you can write to",
            code=USAGE,
        )


def load_settings(*, create: bool) -> Settings:
    """Settings from the environment (see `Settings.from_env` for what `create` allows)."""
    try:
        return Settings.from_env(create=create)
    except SettingsError as exc:
        fail(f"configuration: {exc}", code=USAGE)


def check_settings() -> None:
    """Check the whole configuration as `load_settings(create=True)` will read it, creating nothing."""
    try:
        Settings.check_env()
    except SettingsError as exc:
        fail(f"configuration: {exc}", code=USAGE)


def database_location() -> DatabaseLocation:
    """The configured database, its URL checked; the data folder, if it is filmshelf's, tightened.

    Every command comes here first, so a data folder an older filmshelf left 0755 (and its 0644
    secret_key) ends 0700 (and 0600) whichever command runs next (issue 9 §1.4).
    """
    try:
        location = database_from_env()
    except SettingsError as exc:
        fail(f"configuration: {exc}", code=USAGE)
    tighten_data_dir(location.data_dir)
    return location


def existing_database() -> DatabaseLocation:
    """The configured database, which must exist and hold filmshelf's tables (nothing is created)."""
    location = database_location()
    state = inspect(location)
    if not state.exists:
        fail(
            f"no filmshelf database at {location.describe()}",
            hint="run this from the folder where `filmshelf serve` runs, set FILMSHELF_DATABASE_URL "
            "(or FILMSHELF_DATA_DIR), or create a database there with `filmshelf db upgrade`",
        )
    if not state.has_schema:
        fail(
            f"the database at {location.describe()} holds no filmshelf tables",
            hint="run `filmshelf db upgrade` to create them, or point FILMSHELF_DATABASE_URL at filmshelf's database",
        )
    return location


def database_to_create() -> DatabaseLocation:
    """The database for `serve` and `db upgrade`, which may create it.

    Called before anything is written (the data folder, its secret), so that a refusal here leaves
    nothing behind. An SQLite file's folder must exist, or be the data folder (made next).
    """
    check_settings()
    location = database_location()
    state = inspect(location)
    path = location.sqlite_path
    in_data_dir = path is not None and path.parent == location.data_dir.absolute()
    if not state.exists and path is not None and not path.parent.is_dir() and not in_data_dir:
        fail(
            f"the folder {path.parent} for the SQLite database does not exist",
            hint="create it, or fix the path in FILMSHELF_DATABASE_URL",
        )
    return location


def inspect(location: DatabaseLocation) -> DatabaseState:
    """Look at the database; a problem becomes a clear failure."""
    try:
        return inspect_database(location.url)
    except DatabaseUrlProblem as exc:
        fail(f"configuration: {database_url_refused(location.url, str(exc))}", code=USAGE)
    except DatabaseProblem as exc:
        fail(str(exc))


def run_with_db(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the database, run `work(db)`, close the database."""
    from filmshelf.storage.engine import open_database

    async def runner() -> T:
        db = open_database(url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(runner())
