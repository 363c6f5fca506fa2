"""`flask --app kiosk user add NAME --role ROLE`: accounts from the command line.

The password is asked for (hidden, typed twice), never taken as an argument,
so it does not land in the shell history.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import StaffUser
from . import operations

user = AppGroup("user", help="Staff accounts of the console.")


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(operations.ROLES), default="receptionist",
              show_default=True)
@click.password_option("--password", prompt="Password", confirmation_prompt=True,
                       help="Asked for when not given (hidden, twice).")
def user_add(name: str, role: str, password: str):
    try:
        operations.create_user(name, password, role)
    except operations.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"added {role}: {name.strip()}")


@user.command("list")
def user_list():
    for account in db.session.scalars(select(StaffUser).order_by(StaffUser.username)):
        click.echo(f"{account.username:<20} {account.role:<13} {'active' if account.active else 'disabled'}")


@user.command("disable")
@click.argument("name")
def user_disable(name: str):
    account = db.session.scalars(select(StaffUser).where(StaffUser.username == name)).first()
    if account is None:
        raise click.ClickException(f"no account named {name!r}")
    operations.disable(account)
    db.session.commit()
    click.echo(f"disabled: {name} (signed out everywhere)")


@user.command("password")
@click.argument("name")
@click.password_option("--password", prompt="New password", confirmation_prompt=True,
                       help="Asked for when not given (hidden, twice).")
def user_password(name: str, password: str):
    """Give NAME a new password; their sessions end everywhere."""
    account = db.session.scalars(select(StaffUser).where(StaffUser.username == name)).first()
    if account is None:
        raise click.ClickException(f"no account named {name!r}")
    try:
        operations.set_password(account, password)
    except operations.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"new password for {name} (signed out everywhere)")
