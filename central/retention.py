"""The office's own retention for closed cases (default: keep every record).

Petition files are archives: the office keeps a closed case and hands it to the
archive on the archive's schedule, so CENTRAL_RETENTION_CLOSED_DAYS is 0 (keep)
unless the office's archive rules give its database copy a period. Then the
personal fields (name, ID number, phone, address) of people whose every case
the office closed more than that many days ago are removed from the office's
copy; `--dry-run` counts and changes nothing. Each purge is one line in the
desk's audit, with counts only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import and_, exists, not_, select, update

from petition import lifecycle

from .extensions import db
from .models import MIRRORS, DeskAudit, case

PERSONAL = ("name", "id_number", "phone", "address")


def eligible(cutoff: date):
    person = MIRRORS["person"]
    closed = and_(case.c.status == lifecycle.Status.CLOSED, case.c.office_closed_on <= cutoff)
    return select(person.c.id).where(
        person.c.name.is_not(None) | person.c.id_number.is_not(None) | person.c.phone.is_not(None),
        exists().where(case.c.person_id == person.c.id),
        ~exists().where(case.c.person_id == person.c.id, not_(closed)))


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@with_appcontext
def retention_command(dry_run: bool):
    """Remove personal fields of long-closed cases, if CENTRAL_RETENTION_CLOSED_DAYS says so."""
    days = current_app.config["CENTRAL_RETENTION_CLOSED_DAYS"]
    if days <= 0:
        click.echo("CENTRAL_RETENTION_CLOSED_DAYS is 0: the office keeps every record")
        return
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    ids = list(db.session.scalars(eligible(now.date() - timedelta(days=days))))
    if dry_run:
        click.echo(f"would remove the personal data of {len(ids)} people; dry run: nothing changed")
        return
    person = MIRRORS["person"]
    for start in range(0, len(ids), 500):
        db.session.execute(update(person).where(person.c.id.in_(ids[start:start + 500]))
                           .values(**{field: None for field in PERSONAL}))
    db.session.add(DeskAudit(at=now, actor="system", action="retention", case_id="-",
                             detail=f"people {len(ids)}"))
    db.session.commit()
    click.echo(f"removed the personal data of {len(ids)} people")
