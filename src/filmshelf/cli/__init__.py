"""The `filmshelf` command: serve, db upgrade, users, apps, catalog import."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from filmshelf.settings import Settings, SettingsError

T = TypeVar("T")

app = typer.Typer(help="filmshelf: a self-hosted server that speaks TMDB's API v4.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
apps_app = typer.Typer(help="Apps (API keys and read access tokens).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(apps_app, name="apps")
console = Console()
errors = Console(stderr=True)


def load_settings() -> Settings:
    """Settings from the environment, or a clear message and exit 2."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        errors.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def run_with_db(settings: Settings, work: Callable[..., Awaitable[T]]) -> T:
    """Open the database, run `work(db)`, close the database."""
    from filmshelf.storage.engine import open_database

    async def runner() -> T:
        db = open_database(settings.database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(runner())


class RedactSecrets(logging.Filter):
    """Strip token values from access-log lines (security checklist B5)."""

    PATTERN = re.compile(r"((?:request_token|session_id|api_key|access_token|guest_session_id|password)=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(
                self.PATTERN.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        record.msg = self.PATTERN.sub(r"\1[redacted]", str(record.msg))
        return True


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only above 1).")] = 1,
    demo: Annotated[bool, typer.Option(help="Create the demo user, app and sample catalog if absent.")] = False,
) -> None:
    """Apply migrations and serve the API and pages."""
    import uvicorn

    from filmshelf.storage.migrate import upgrade

    settings = load_settings()
    if workers > 1 and settings.is_sqlite:
        errors.print(
            "[red]--workers above 1 needs PostgreSQL:[/red] SQLite has a single writer and the workers would "
            "queue on its lock. Set FILMSHELF_DATABASE_URL=postgresql://... or use --workers 1."
        )
        raise typer.Exit(2)
    upgrade(settings.database_url)
    if demo:
        print_demo(settings)
    logging.getLogger("uvicorn.access").addFilter(RedactSecrets())
    console.print(f"filmshelf serving on [bold]http://{host}:{port}[/bold] (public URL {settings.public_url})")
    sys.stdout.flush()
    uvicorn.run(
        "filmshelf.asgi:app",
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=settings.log_requests,
        log_level="info",
        proxy_headers=False,
    )


def print_demo(settings: Settings) -> None:
    """Seed demo data if absent and print its credentials."""
    from filmshelf.auth.tokens import Keys
    from filmshelf.catalog.importer import import_sample_if_empty
    from filmshelf.demo import ensure_demo

    async def work(db: object) -> object:
        added = await import_sample_if_empty(db)  # type: ignore[arg-type]
        if added:
            console.print(f"Loaded the bundled sample catalog: {added} titles.")
        return await ensure_demo(db, settings, Keys.derive(settings.secret_key), now=time.time())  # type: ignore[arg-type]

    creds = run_with_db(settings, work)
    table = Table(title="Demo credentials", show_header=False)
    table.add_column("what", no_wrap=True)
    table.add_column("value", overflow="fold")  # tokens are printed whole, folded, never cut
    for label, value in [
        ("username", creds.username),  # type: ignore[attr-defined]
        ("password", creds.password),  # type: ignore[attr-defined]
        ("v3 API key", creds.api_key),  # type: ignore[attr-defined]
        ("API read access token", creds.read_access_token),  # type: ignore[attr-defined]
        ("account_id (v3)", str(creds.account_id)),  # type: ignore[attr-defined]
        ("account_object_id (v4)", creds.account_object_id),  # type: ignore[attr-defined]
    ]:
        table.add_row(label, value)
    console.print(table, soft_wrap=True)
    console.print(f"DEMO_READ_TOKEN={creds.read_access_token}", soft_wrap=True)  # type: ignore[attr-defined]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    from filmshelf.storage.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    console.print("database is up to date")


@users_app.command("create")
def users_create(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user account (password from --password-stdin or a prompt)."""
    from filmshelf.accounts import passwords, users
    from filmshelf.storage.migrate import upgrade

    settings = load_settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    upgrade(settings.database_url)

    async def work(db: object) -> users.Account:
        return await users.create_account(db, username=username, password=password, now=time.time(), name=name)  # type: ignore[arg-type]

    try:
        account = run_with_db(settings, work)
    except (users.UsernameRejected, passwords.PasswordRejected) as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"created {account.username}: account_id {account.id}, account_object_id {account.object_id}")


@users_app.command("list")
def users_list() -> None:
    """List user accounts."""
    from filmshelf.storage import accounts as account_rows

    settings = load_settings()

    async def work(db: object) -> list[object]:
        async with db.read() as conn:  # type: ignore[attr-defined]
            return await account_rows.all_accounts(conn)  # type: ignore[return-value]

    table = Table("account_id", "account_object_id", "username", "name")
    for row in run_with_db(settings, work):
        table.add_row(str(row.id), row.object_id, row.username, row.name)  # type: ignore[attr-defined]
    console.print(table)


@apps_app.command("create")
def apps_create(
    owner: Annotated[str, typer.Option("--owner", help="Username of the app's owner.")],
    name: Annotated[str, typer.Option("--name", help="The app's name, shown on the approval page.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Register an app and print its v3 API key and API read access token."""
    from filmshelf.accounts import users
    from filmshelf.auth import apps
    from filmshelf.auth.tokens import Keys
    from filmshelf.storage.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)

    async def work(db: object) -> apps.App | None:
        async with db.read() as conn:  # type: ignore[attr-defined]
            account = await users.find_by_username(conn, owner)
        if account is None:
            return None
        return await apps.create_app(db, owner_id=account.id, name=name, now=time.time())  # type: ignore[arg-type]

    created = run_with_db(settings, work)
    if created is None:
        errors.print(f"[red]no such user:[/red] {owner}")
        raise typer.Exit(1)
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
    from filmshelf.storage import auth as auth_rows

    settings = load_settings()

    async def work(db: object) -> list[object]:
        async with db.read() as conn:  # type: ignore[attr-defined]
            return await auth_rows.all_apps(conn)  # type: ignore[return-value]

    table = Table("id", "name", "owner", "api_key", "revoked")
    for row in run_with_db(settings, work):
        table.add_row(str(row.id), row.name, row.owner_username, row.api_key, "yes" if row.revoked_at else "")  # type: ignore[attr-defined]
    console.print(table)


def main() -> None:
    """Entry point of the console script."""
    from filmshelf.cli.catalog import catalog_app

    app.add_typer(catalog_app, name="catalog")
    app()
