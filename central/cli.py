"""The office's CLI: `flask --app central kiosk add|revoke|list`, `case step`, `staff add|role|disable`,
`figures fold|rebuild`, `retention`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from appkit.commands import add_commands
from petition import lifecycle, transitions
from petition.clock import utcnow_naive
from petition.vocabulary import SATISFACTION

from . import cases, fleet, staff
from .extensions import db
from .models import Kiosk
from .operations import CentralError, add_kiosk, records_held, revoke_kiosk
from .roles import Role


def init_app(app: Flask) -> None:
    from .history import demo_history
    from .retention import retention_command

    add_commands(app, kiosk_group, case_group, staff_group, figures_group, retention_command,
                 demo_history)


kiosk_group = AppGroup("kiosk", help="Kiosks allowed to sync, and their credentials.")


@kiosk_group.command("add")
@click.argument("kiosk_id")
@click.option("--name", required=True, help="Where the kiosk stands, e.g. 历下区人大信访接待室.")
def kiosk_add(kiosk_id: str, name: str):
    """Register KIOSK_ID and print its credential, once; again for a kiosk issues a new one."""
    kiosk_id = kiosk_id.strip()
    if not kiosk_id or len(kiosk_id) > 64 or not kiosk_id.isprintable() or " " in kiosk_id:
        raise click.BadParameter("1 to 64 printable characters without spaces", param_hint="KIOSK_ID")
    key = add_kiosk(kiosk_id, name.strip(), now=utcnow_naive())
    click.echo(f"kiosk {kiosk_id} registered. Its credential, shown only this once:\n\n  {key}\n")
    click.echo(f"On the kiosk set KIOSK_ID={kiosk_id} and KIOSK_SYNC_KEY=<the credential>.")


@kiosk_group.command("revoke")
@click.argument("kiosk_id")
def kiosk_revoke(kiosk_id: str):
    """End KIOSK_ID's credential: its requests are refused from now on."""
    if not revoke_kiosk(kiosk_id, now=utcnow_naive()):
        raise click.ClickException(f"no kiosk {kiosk_id!r}; see `flask --app central kiosk list`")
    click.echo(f"kiosk {kiosk_id} revoked")


@kiosk_group.command("list")
def kiosk_list():
    for kiosk in db.session.scalars(select(Kiosk).order_by(Kiosk.id)):
        held = records_held(kiosk.id)
        click.echo(f"{kiosk.id:<16} {'active ' if kiosk.active else 'revoked'} {kiosk.name}  "
                   f"last push {kiosk.last_push_at or '-'}  last pull {kiosk.last_pull_at or '-'}  "
                   f"records {sum(held.values())}  last error {kiosk.last_error or '-'}")
        click.echo(f"{'':<16} {fleet.line(kiosk)}")


case_group = AppGroup("case", help="The office's handling of cases.")


@case_group.command("step")
@click.argument("case_id")
@click.argument("step", type=click.Choice([name for name, t in transitions.TRANSITIONS.items()
                                           if t.owner == lifecycle.Owner.OFFICE]))
@click.option("--text", "text", default=None, help="The reply, for `reply`.")
@click.option("--result", default=None, help="The answer, for `decide_review` and `decide_reexam`.")
@click.option("--evaluation", type=click.Choice(sorted(SATISFACTION)), default=None,
              help="The petitioner's evaluation, for `evaluate`.")
@click.option("--by", default="cli", show_default=True, help="Who does it, for the audit log.")
def case_step(case_id: str, step: str, text: str | None, result: str | None,
              evaluation: str | None, by: str):
    """Make one of the office's steps on a case; the kiosk gets it on its next sync."""
    values = {"reply": {"text": text}, "decide_review": {"result": result},
              "decide_reexam": {"result": result}, "evaluate": {"evaluation": evaluation}}
    try:
        version = cases.step(case_id, step, by=by, now=utcnow_naive(), **values.get(step, {}))
    except CentralError as error:
        raise click.ClickException(error.message) from error
    except cases.IllegalTransition as refused:
        raise click.ClickException(str(refused.message)) from refused
    click.echo(f"case {case_id}: {step} (office version {version})")


staff_group = AppGroup("staff", help="Central office staff who sign in to the case desk.")


@staff_group.command("add")
@click.argument("username")
@click.option("--name", required=True, help="The name shown on the desk and in the audit.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.HANDLER.value,
              show_default=True, help="viewer: figures and lists; handler: cases and supervision; "
                                      "admin: accounts and kiosks.")
@click.password_option(help="Asked for when not given.")
def staff_add(username: str, name: str, role: str, password: str):
    """Create a desk user, or set a new password and role and re-activate an existing one."""
    try:
        user = staff.save(username, name=name, role=role, password=password, by="cli",
                          now=utcnow_naive())
    except staff.AccountError as error:
        raise click.BadParameter(str(error)) from error
    click.echo(f"desk user {user.username} ({user.role}) can sign in at /desk/login")


def _user(username: str):
    user = staff.find(username)
    if user is None:
        raise click.ClickException(f"no desk user {username!r}")
    return user


@staff_group.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice([role.value for role in Role]))
def staff_role(username: str, role: str):
    """Give a desk user another role: viewer, handler or admin."""
    staff.set_role(_user(username), role, by="cli", now=utcnow_naive())
    click.echo(f"desk user {username} is now {role}")


@staff_group.command("disable")
@click.argument("username")
def staff_disable(username: str):
    staff.set_active(_user(username), False, by="cli", now=utcnow_naive())
    click.echo(f"desk user {username} disabled (signed out everywhere)")


figures_group = AppGroup("figures", help="The tallies the desk's figures read (PostgreSQL).")


@figures_group.command("fold")
def figures_fold():
    """Move the changes the triggers appended into the tallies (the figures page does it too)."""
    from . import figures

    click.echo("folded" if figures.fold() else "nothing to do here, or another process is folding")


@figures_group.command("rebuild")
def figures_rebuild():
    """Count every case and visit into the tallies again (after loading rows with triggers off)."""
    from . import figures

    figures.rebuild()
    click.echo("tallies rebuilt")
