"""The `filmshelf` command: serve, db upgrade, users, apps, catalog import, data import/export.

Every mistake a user can make here (bad configuration, a database that is not there, a busy
port, a bad option) ends in one or two lines saying what is wrong and what to do, and a non-zero
exit; see `cli.common`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from filmshelf import __version__
from filmshelf.accounts.users import USERNAME_RULE
from filmshelf.cli.access import access_app
from filmshelf.cli.access import register as register_access
from filmshelf.cli.catalog import catalog_app
from filmshelf.cli.common import (
    USAGE,
    FriendlyGroup,
    console,
    database_location,
    database_to_create,
    errors,
    existing_database,
    fail,
    load_settings,
    run_with_db,
)
from filmshelf.cli.data import data_app
from filmshelf.settings import Settings

if TYPE_CHECKING:
    from filmshelf.demo import DemoCredentials
    from filmshelf.storage.engine import Database

# rich_markup_mode=None: Typer's rich help shows `<bool>` after every flag (--help, --json ...) as
# if it took a value; the plain help shows flags as flags, and errors as plain lines.
_PLAIN = {"rich_markup_mode": None, "pretty_exceptions_enable": False}
app = typer.Typer(
    help="filmshelf: a self-hosted server that speaks TMDB's API v4.",
    no_args_is_help=True,
    add_completion=False,
    cls=FriendlyGroup,
    **_PLAIN,  # type: ignore[arg-type]
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True, **_PLAIN)  # type: ignore[arg-type]
users_app = typer.Typer(help="User accounts.", no_args_is_help=True, **_PLAIN)  # type: ignore[arg-type]
apps_app = typer.Typer(help="Apps (API keys and read access tokens).", no_args_is_help=True, **_PLAIN)  # type: ignore[arg-type]
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(apps_app, name="apps")


def _show_version(value: bool) -> None:
    if value:
        print(f"filmshelf {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_show_version, is_eager=True),
    ] = False,
) -> None:
    """filmshelf: a self-hosted server that speaks TMDB's API v4."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(metavar="N", min=1, max=64, help="Worker processes (above 1 needs PostgreSQL).")
    ] = 1,
    demo: Annotated[
        bool, typer.Option("--demo", help="Create the demo user, app and sample catalog if absent, and print them.")
    ] = False,
    ephemeral: Annotated[
        bool,
        typer.Option(
            "--ephemeral",
            help="Serve a throwaway database (removed at exit) with the sample catalog, a demo user and app; "
            "print their credentials as one JSON line on stdout first (for test scripts).",
        ),
    ] = False,
) -> None:
    """Apply migrations and serve the API and pages.

    The public URL (approval links, redirects) is http://ADDRESS:PORT unless FILMSHELF_PUBLIC_URL is set.
    """
    from filmshelf import serving
    from filmshelf.storage.migrate import upgrade

    if ephemeral:
        serve_ephemeral(host, port, workers)
        return
    derived_public_url = not os.environ.get("FILMSHELF_PUBLIC_URL", "").strip()
    if derived_public_url:
        # Set before the settings are read, here and (through the environment) in every worker.
        os.environ["FILMSHELF_PUBLIC_URL"] = serving.public_url_for(host, port)
    location = database_location()
    if workers > 1 and location.is_sqlite:
        fail(
            "--workers above 1 needs PostgreSQL: SQLite has a single writer and the workers would queue on its lock",
            hint="set FILMSHELF_DATABASE_URL=postgresql://... or use --workers 1",
            code=USAGE,
        )
    database_to_create()  # refused before the data folder and its secret are written
    settings = load_settings(create=True)
    try:
        sock = serving.bind(host, port)  # before anything is printed: a busy port is the first thing said
    except serving.ServeProblem as exc:
        fail(str(exc))
    try:
        upgrade(settings.database_url)
        if demo:
            print_demo(settings)
        listening = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        console.print(f"filmshelf serving on [bold]{listening}[/bold] (public URL {settings.public_url})")
        if derived_public_url and host in serving.WILDCARD_HOSTS:
            console.print("Set FILMSHELF_PUBLIC_URL to the address other machines use to reach this one.")
        sys.stdout.flush()
    except BaseException:
        sock.close()
        raise
    serving.run(settings, sock, workers=workers)


def serve_ephemeral(host: str, port: int, workers: int) -> None:
    """`serve --ephemeral`: a temporary SQLite database, seeded, its credentials as JSON, removed at exit.

    FILMSHELF_DATABASE_URL and FILMSHELF_DATA_DIR are ignored (the database is always new); the
    rate limit is off unless FILMSHELF_RATE_LIMIT is set; passwords use cheap argon2 parameters
    (the database is thrown away). Stdout carries the JSON line only; the rest goes to stderr.
    """
    import shutil
    import tempfile

    from filmshelf import serving
    from filmshelf.app import create_app
    from filmshelf.settings import Argon2Params
    from filmshelf.storage.migrate import upgrade

    if workers > 1:
        fail("--ephemeral serves one process", hint="leave out --workers", code=USAGE)
    folder = tempfile.mkdtemp(prefix="filmshelf-ephemeral-")
    try:
        os.environ["FILMSHELF_DATA_DIR"] = folder
        os.environ["FILMSHELF_DATABASE_URL"] = f"sqlite:///{folder}/filmshelf.sqlite3"
        os.environ.setdefault("FILMSHELF_RATE_LIMIT", "0")
        try:
            sock = serving.bind(host, port)
        except serving.ServeProblem as exc:
            fail(str(exc))
        bound_port = sock.getsockname()[1]
        if not os.environ.get("FILMSHELF_PUBLIC_URL", "").strip():
            os.environ["FILMSHELF_PUBLIC_URL"] = serving.public_url_for(host, bound_port)
        try:
            settings = load_settings(create=True).with_(argon2=Argon2Params.cheap())
            upgrade(settings.database_url)
            creds = seed_demo(settings)
            listening = f"http://[{host}]:{bound_port}" if ":" in host else f"http://{host}:{bound_port}"
            line = {
                "base_url": listening,
                "public_url": settings.public_url,
                "api_key": creds.api_key,
                "read_access_token": creds.read_access_token,
                "username": creds.username,
                "password": creds.password,
                "account_id": creds.account_id,
                "account_object_id": creds.account_object_id,
                "database": settings.database_url,
            }
            # Listening before the line is printed: a script may connect at once (the connection
            # waits in the backlog until the app has started).
            sock.listen(2048)
            print(json.dumps(line), flush=True)
            errors.print(
                f"filmshelf (ephemeral) serving on {listening}; the database is removed at exit", highlight=False
            )
        except BaseException:
            sock.close()
            raise
        # uvicorn re-raises SIGTERM after its graceful shutdown; as KeyboardInterrupt (which
        # serving.run takes as the end) it lets the folder below be removed.
        signal.signal(signal.SIGTERM, _interrupt)
        serving.run(settings, sock, workers=1, app=create_app(settings))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def seed_demo(settings: Settings) -> DemoCredentials:
    """Load the sample catalog if the catalog is empty, and make sure the demo user and app exist."""
    from filmshelf.auth.tokens import Keys
    from filmshelf.catalog.importer import import_sample_if_empty
    from filmshelf.demo import ensure_demo

    async def work(db: Database) -> DemoCredentials:
        await import_sample_if_empty(db)
        return await ensure_demo(db, settings, Keys.derive(settings.secret_key), now=time.time())

    return run_with_db(settings.database_url, work)


def print_demo(settings: Settings) -> None:
    """Seed demo data if absent and print its credentials."""
    from filmshelf.auth.tokens import Keys
    from filmshelf.catalog.importer import import_sample_if_empty
    from filmshelf.demo import ensure_demo

    async def work(db: Database) -> DemoCredentials:
        added = await import_sample_if_empty(db)
        if added:
            console.print(f"Loaded the bundled sample catalog: {added} titles.")
        return await ensure_demo(db, settings, Keys.derive(settings.secret_key), now=time.time())

    creds = run_with_db(settings.database_url, work)
    table = Table(title="Demo credentials", show_header=False)
    table.add_column("what", no_wrap=True)
    table.add_column("value", overflow="fold")  # tokens are printed whole, folded, never cut
    for label, value in [
        ("username", creds.username),
        ("password", creds.password),
        ("v3 API key", creds.api_key),
        ("API read access token", creds.read_access_token),
        ("account_id (v3)", str(creds.account_id)),
        ("account_object_id (v4)", creds.account_object_id),
    ]:
        table.add_row(label, value)
    console.print(table, soft_wrap=True)
    console.print(f"DEMO_READ_TOKEN={creds.read_access_token}", soft_wrap=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed and apply every pending migration."""
    from filmshelf.storage.migrate import upgrade

    location = database_to_create()  # refused before the data folder and its secret are written
    settings = load_settings(create=True)
    upgrade(settings.database_url)
    console.print(f"database is up to date: {location.describe()}", soft_wrap=True, highlight=False)


@users_app.command("create")
def users_create(
    username: Annotated[
        str, typer.Argument(metavar="USERNAME", help=f"{USERNAME_RULE[0].upper()}{USERNAME_RULE[1:]}.")
    ],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    name: Annotated[str, typer.Option(metavar="NAME", help="Display name.")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Make the account an administrator.")] = False,
) -> None:
    """Create a user account (password from --password-stdin or a prompt)."""
    from filmshelf.accounts import passwords, users
    from filmshelf.storage.migrate import upgrade

    location = existing_database()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    upgrade(location.url)

    settings = load_settings(create=False)

    async def work(db: Database) -> users.Account:
        return await users.create_account(
            db,
            hasher=passwords.Hasher(settings.argon2),
            username=username,
            password=password,
            now=time.time(),
            name=name,
            admin=True if admin else None,
        )

    try:
        account = run_with_db(location.url, work)
    except (users.UsernameRejected, passwords.PasswordRejected) as exc:
        fail(f"refused: {exc}")
    console.print(f"created {account.username}: account_id {account.id}, account_object_id {account.object_id}")


@users_app.command("list")
def users_list() -> None:
    """List user accounts."""
    from filmshelf.storage import accounts as account_rows

    location = existing_database()

    async def work(db: Database) -> list[Any]:
        async with db.read() as conn:
            return await account_rows.all_accounts(conn)

    table = Table("account_id", "account_object_id", "username", "name")
    for row in run_with_db(location.url, work):
        table.add_row(str(row.id), row.object_id, row.username, row.name)
    console.print(table)


@apps_app.command("create")
def apps_create(
    owner: Annotated[str, typer.Option("--owner", metavar="USERNAME", help="Username of the app's owner.")],
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help="The app's name, shown on the approval page (1 to 128).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Register an app and print its v3 API key and API read access token."""
    from filmshelf.accounts import users
    from filmshelf.auth import apps
    from filmshelf.auth.tokens import Keys
    from filmshelf.storage.migrate import upgrade

    try:
        name = apps.check_app_name(name)
    except apps.AppNameRejected as exc:
        fail(f"--name: {exc}", hint='give the app a name people will recognise, e.g. --name "My film app"', code=USAGE)
    location = existing_database()
    settings = load_settings(create=False)  # the server's secret: tokens signed with another would not work
    upgrade(location.url)

    async def work(db: Database) -> apps.App | None:
        async with db.read() as conn:
            account = await users.find_by_username(conn, owner)
        if account is None:
            return None
        return await apps.create_app(db, owner_id=account.id, name=name, now=time.time())

    created = run_with_db(location.url, work)
    if created is None:
        fail(f"no such user: {owner}", hint="see `filmshelf users list`, or create one with `filmshelf users create`")
    token = apps.read_access_token(created, Keys.derive(settings.secret_key))
    if as_json:
        print(json.dumps({"api_key": created.api_key, "read_access_token": token}))
        return
    console.print(f"app {created.name!r} (owner {owner})")
    console.print(f"v3 API key:            {created.api_key}", soft_wrap=True)
    console.print(f"API read access token: {token}", soft_wrap=True)


@apps_app.command("list")
def apps_list() -> None:
    """List apps with their owners and API keys."""
    from filmshelf.storage import access as access_rows

    location = existing_database()

    async def work(db: Database) -> list[Any]:
        async with db.read() as conn:
            return await access_rows.all_apps(conn)

    table = Table("id", "name", "owner", "api_key", "revoked")
    for row in run_with_db(location.url, work):
        table.add_row(str(row.id), row.name, row.owner_username, row.api_key, "yes" if row.revoked_at else "")
    console.print(table)


app.add_typer(catalog_app, name="catalog")

# `users passwd/disable`, `apps show/revoke/delete` (cli/access.py) on the groups above, and `access`.
register_access(users_app, apps_app)
app.add_typer(access_app, name="access")
app.add_typer(data_app, name="data")


def main() -> None:
    """Entry point of the console script."""
    app()
