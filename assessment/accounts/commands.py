"""Console accounts: created, listed, granted jurisdictions, disabled, their passwords set."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..commandline import one_transaction
from ..services import lookups
from ..vocabulary import Role
from . import accounts

user_cli = AppGroup("user", help="Manage console accounts.")


def _read_password() -> str:
    """Prompted (twice, hidden) at a terminal, after the rule it must meet; read from the first line of standard
    input otherwise."""
    if sys.stdin.isatty():
        click.echo(accounts.PASSWORD_RULE)
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@one_transaction
def create_user(email, role):
    """Create an account; the password is prompted, or read from standard input."""
    user = accounts.create_user(email, _read_password(), role)
    click.echo(f"Created {user.role.label.lower()} {user.email}.")


@user_cli.command("list")
@one_transaction
def list_users():
    """Every account with its role, whether it is enabled, and the jurisdictions it may see."""
    users = accounts.list_users()
    if not users:
        click.echo("No accounts yet.")
        return
    width = max(len(u.email) for u in users)
    click.echo(f"{'EMAIL':<{width}}  {'ROLE':<11}  {'STATUS':<8}  JURISDICTIONS")
    for user in users:
        places = ("every jurisdiction" if user.is_admin
                  else ", ".join(sorted(g.jurisdiction.name for g in user.grants)) or "none")
        status = "enabled" if user.is_active else "disabled"
        click.echo(f"{user.email:<{width}}  {user.role.value:<11}  {status:<8}  {places}")


def _user_and_place(email: str, jurisdiction: str):
    return accounts.get_user(email), lookups.find_jurisdiction(jurisdiction)


@user_cli.command("grant")
@click.argument("email")
@click.argument("jurisdiction")
@one_transaction
def grant_user(email, jurisdiction):
    """Give a facilitator access to a jurisdiction."""
    user, place = _user_and_place(email, jurisdiction)
    if accounts.grant(user, place):
        click.echo(f"{user.email} can now see {place.name}.")
    else:
        click.echo(f"{user.email} could already see {place.name}.")


@user_cli.command("revoke")
@click.argument("email")
@click.argument("jurisdiction")
@one_transaction
def revoke_user(email, jurisdiction):
    """Take a jurisdiction away from a facilitator, from their next request on."""
    user, place = _user_and_place(email, jurisdiction)
    if accounts.revoke(user, place):
        click.echo(f"{user.email} can no longer see {place.name}.")
    else:
        click.echo(f"{user.email} could not see {place.name}.")


@user_cli.command("disable")
@click.argument("email")
@one_transaction
def disable_user(email):
    """Stop an account from signing in; its sessions end at once."""
    user = accounts.get_user(email)
    accounts.disable(user)
    click.echo(f"{user.email} is disabled: signed out everywhere, and cannot sign in until enabled.")


@user_cli.command("enable")
@click.argument("email")
@one_transaction
def enable_user(email):
    """Let a disabled account sign in again, with the grants it had."""
    user = accounts.get_user(email)
    accounts.enable(user)
    click.echo(f"{user.email} is enabled and can sign in again.")


@user_cli.command("set-password")
@click.argument("email")
@one_transaction
def set_user_password(email):
    """Give an account a new password (prompted, or read from standard input); its sessions end."""
    user = accounts.get_user(email)
    accounts.set_password(user, _read_password())
    click.echo(f"New password set for {user.email}; its sessions have ended.")
