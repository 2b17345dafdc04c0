"""The dashboard: `reportbox serve`, and its accounts: `reportbox user add|list|passwd|role|disable|enable`."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from models import users
from models.schema import UserRole
from reportbox.cli.base import Obj, cli, console, plain
from reportbox.errors import UsageError
from reportbox.timefmt import local_short


@cli.command()
@click.option("--host", help="Address to listen on (default [web] host, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default [web] port, 8000).")
@click.pass_obj
def serve(obj: Obj, host: str | None, port: int | None) -> None:
    """The planners' dashboard, until SIGTERM or Ctrl-C."""
    from web.server import serve_dashboard

    config = obj.config("web")
    serve_dashboard(config, host=host or config.web.host, port=port or config.web.port)


@cli.group()
def user() -> None:
    """Dashboard accounts: readers look; reviewers also decide the review queue and adjust units."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


_role = click.option("--role", type=click.Choice(UserRole.ALL), default=UserRole.READER, show_default=True)
_stdin = click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")


@user.command("add")
@click.argument("username")
@_role
@click.option("--name", "full_name", help="The person's name, as the dashboard shows it.")
@_stdin
@click.option("--proxy-only", is_flag=True, help="No password: signs in only through [web] trusted_user_header.")
@click.pass_obj
def user_add(obj: Obj, username: str, role: str, full_name: str | None, password_stdin: bool, proxy_only: bool) -> None:
    """Create an account (asks for its password twice)."""
    if proxy_only and password_stdin:
        raise UsageError("--proxy-only takes no password")
    password = None if proxy_only else _password(password_stdin)
    with obj.app() as app, app.sessions.begin() as session:
        account = users.add_user(session, username, role, password, full_name)
        click.echo(f"user {account.username} added ({account.role})")


def _change(obj: Obj, change, done: str) -> None:
    """Apply one change to an account, in its own transaction, and say what was done."""
    with obj.app() as app, app.sessions.begin() as session:
        change(session)
    click.echo(done)


@user.command("passwd")
@click.argument("username")
@_stdin
@click.pass_obj
def user_passwd(obj: Obj, username: str, password_stdin: bool) -> None:
    """Set a new password."""
    password = _password(password_stdin)
    _change(obj, lambda session: users.set_password(session, username, password), f"user {username}: password changed")


@user.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(UserRole.ALL))
@click.pass_obj
def user_role(obj: Obj, username: str, role: str) -> None:
    """Change what an account may do (takes effect at its next page)."""
    _change(obj, lambda session: users.set_role(session, username, role), f"user {username}: {role}")


@user.command("disable")
@click.argument("username")
@click.pass_obj
def user_disable(obj: Obj, username: str) -> None:
    """Stop an account from signing in; its open sessions end at their next page."""
    _change(obj, lambda session: users.set_disabled(session, username, True), f"user {username} disabled")


@user.command("enable")
@click.argument("username")
@click.pass_obj
def user_enable(obj: Obj, username: str) -> None:
    """Let a disabled account sign in again."""
    _change(obj, lambda session: users.set_disabled(session, username, False), f"user {username} enabled")


@user.command("list")
@click.pass_obj
def user_list(obj: Obj) -> None:
    """Every account, its role and its last sign-in."""
    with obj.app() as app, app.sessions() as session:
        accounts = users.list_users(session)
    table = Table(box=None, pad_edge=False)
    for column in ("user", "name", "role", "password", "state", "last sign-in"):
        table.add_column(column)
    for a in accounts:
        table.add_row(plain(a.username), plain(a.full_name), a.role, "set" if a.password_hash else "proxy only",
                      "disabled" if a.disabled else "active", local_short(a.last_login_at))
    console().print(table)
