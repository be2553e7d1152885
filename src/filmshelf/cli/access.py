"""`filmshelf users passwd/disable`, `apps show/revoke/delete`, `access list/revoke` (each with --json).

The same domain functions as the web pages (`accounts.users`, `auth.access`), so a revocation
made here ends tokens and sessions at once on every running instance (they are checked in the
database); a running instance may accept a revoked app's read token for up to 10 more seconds
(its per-process cache, `auth.apps.VerifiedAppTokens`).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated, Any

import typer
from rich.table import Table

from filmshelf.cli.common import console, existing_database, fail, load_settings, run_with_db

access_app = typer.Typer(help="Apps that users approved: list and revoke their access.", no_args_is_help=True)


def register(users_app: typer.Typer, apps_app: typer.Typer) -> None:
    """Add `users passwd/disable` and `apps show/revoke/delete` to the command's groups."""
    users_app.command("passwd")(users_passwd)
    users_app.command("disable")(users_disable)
    apps_app.command("show")(apps_show)
    apps_app.command("revoke")(apps_revoke)
    apps_app.command("delete")(apps_delete)


def _emit(as_json: bool, data: Any, text: str) -> None:
    if as_json:
        print(json.dumps(data))
    else:
        console.print(text, soft_wrap=True)


def _account(db: Any, username: str) -> Any:
    from filmshelf.accounts import users

    async def find() -> Any:
        async with db.read() as conn:
            return await users.find_by_username(conn, username)

    return find()


def _app_id(db: Any, key_or_id: str) -> Any:
    """An app by numeric id or API key (revoked apps too), or None."""
    from filmshelf.storage import access as access_rows

    async def find() -> int | None:
        async with db.read() as conn:
            if key_or_id.isdigit() and len(key_or_id) <= 10:
                row = await access_rows.app_by_id(conn, int(key_or_id))
                return None if row is None else int(row.id)
            for app in await access_rows.all_apps(conn):
                if app.api_key == key_or_id:
                    return int(app.id)
        return None

    return find()


def users_passwd(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The account whose password changes.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Set a user's password; their browser sessions, access tokens and v3 sessions made from them end."""
    from filmshelf.accounts import passwords, users

    location = existing_database()
    settings = load_settings(create=False)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)

    async def work(db: Any) -> bool:
        account = await _account(db, username)
        if account is None:
            return False
        hasher = passwords.Hasher(settings.argon2)
        await users.change_password(db, hasher=hasher, account_id=account.id, password=password, now=time.time())
        return True

    try:
        found = run_with_db(location.url, work)
    except passwords.PasswordRejected as exc:
        fail(f"refused: {exc}")
    if not found:
        fail(f"no such user: {username}")
    _emit(as_json, {"username": username, "password_changed": True}, f"password of {username} changed")


def users_disable(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The account to disable (or enable).")],
    enable: Annotated[bool, typer.Option("--enable", help="Enable the account again instead.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Disable a user: no sign-in; their access tokens, v3 sessions and browser sessions end now."""
    from filmshelf.accounts import users

    location = existing_database()

    async def work(db: Any) -> bool:
        account = await _account(db, username)
        if account is None:
            return False
        return await users.set_disabled(db, account_id=account.id, disabled=not enable, now=time.time())

    if not run_with_db(location.url, work):
        fail(f"no such user: {username}")
    state = "enabled" if enable else "disabled"
    _emit(as_json, {"username": username, "disabled": not enable}, f"{username} {state}")


def _app_json(app: Any) -> dict[str, Any]:
    return {
        "id": app.id,
        "name": app.name,
        "owner": app.owner_username,
        "api_key": app.api_key,
        "read_access_token": app.read_access_token,
        "revoked": app.revoked,
        "created_at": app.created_at,
    }


def _with_app(key_or_id: str, action: Any) -> Any:
    from filmshelf.auth.tokens import Keys

    location = existing_database()
    settings = load_settings(create=False)
    keys = Keys.derive(settings.secret_key)

    async def work(db: Any) -> Any:
        app_id = await _app_id(db, key_or_id)
        if app_id is None:
            return None
        return await action(db, app_id, keys)

    found = run_with_db(location.url, work)
    if found is None:
        fail(f"no such app: {key_or_id}")
    return found


def apps_show(
    app: Annotated[str, typer.Argument(metavar="APP", help="The app's id or v3 API key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show an app: owner, API key and read access token (none once revoked)."""
    from filmshelf.auth import access

    async def show(db: Any, app_id: int, keys: Any) -> Any:
        async with db.read() as conn:
            return await access.owned_app(conn, app_id=app_id, owner_id=None, keys=keys)

    found = _with_app(app, show)
    text = (
        f"app {found.id} {found.name!r} (owner {found.owner_username}){' REVOKED' if found.revoked else ''}\n"
        f"v3 API key:            {found.api_key}\nAPI read access token: {found.read_access_token or '-'}"
    )
    _emit(as_json, _app_json(found), text)


def apps_revoke(
    app: Annotated[str, typer.Argument(metavar="APP", help="The app's id or v3 API key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Revoke an app: its key, read token, user access tokens and v3 sessions stop working."""
    from filmshelf.auth import access

    async def revoke(db: Any, app_id: int, keys: Any) -> Any:
        await access.revoke_app(db, app_id=app_id, owner_id=None, keys=keys, now=time.time())
        return app_id

    app_id = _with_app(app, revoke)
    _emit(as_json, {"id": app_id, "revoked": True}, f"app {app_id} revoked")


def apps_delete(
    app: Annotated[str, typer.Argument(metavar="APP", help="The app's id or v3 API key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Delete an app and everything issued for it."""
    from filmshelf.auth import access

    async def remove(db: Any, app_id: int, keys: Any) -> Any:
        await access.delete_app(db, app_id=app_id, owner_id=None, keys=keys)
        return app_id

    app_id = _with_app(app, remove)
    _emit(as_json, {"id": app_id, "deleted": True}, f"app {app_id} deleted")


@access_app.command("list")
def access_list(
    username: Annotated[str, typer.Option("--user", metavar="USERNAME", help="Whose approved apps.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array.")] = False,
) -> None:
    """The apps holding a live access token or v3 session of a user."""
    from filmshelf.auth import access

    location = existing_database()

    async def work(db: Any) -> Any:
        account = await _account(db, username)
        if account is None:
            return None
        return await access.approved_apps(db, account_id=account.id, now=time.time())

    granted = run_with_db(location.url, work)
    if granted is None:
        fail(f"no such user: {username}")
    rows = [
        {
            "app_id": g.app_id,
            "name": g.name,
            "owner": g.owner_username,
            "access_tokens": g.tokens,
            "v3_sessions": g.sessions,
        }
        for g in granted
    ]
    if as_json:
        print(json.dumps(rows))
        return
    table = Table("app_id", "name", "owner", "access tokens", "v3 sessions")
    for row in rows:
        table.add_row(str(row["app_id"]), row["name"], row["owner"], str(row["access_tokens"]), str(row["v3_sessions"]))
    console.print(table)


@access_app.command("revoke")
def access_revoke(
    username: Annotated[str, typer.Option("--user", metavar="USERNAME", help="Whose access to take back.")],
    app: Annotated[str, typer.Option("--app", metavar="APP", help="The app's id or v3 API key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """End every access token and v3 session a user gave an app."""
    from filmshelf.auth import access

    location = existing_database()

    async def work(db: Any) -> Any:
        account = await _account(db, username)
        app_id = await _app_id(db, app)
        if account is None or app_id is None:
            return None
        return app_id, await access.revoke_access(db, account_id=account.id, app_id=app_id, now=time.time())

    done = run_with_db(location.url, work)
    if done is None:
        fail(f"no such user or app: {username} / {app}")
    app_id, ended = done
    _emit(as_json, {"username": username, "app_id": app_id, "ended": ended}, f"ended {ended} grant(s) of app {app_id}")
