"""The office's steps on a case: petition.lifecycle's office side, audited and fed back to the kiosk.

`step` locks the case, lets the domain check the step and say which facts
change, sets them with the case's new derived stage and office version,
numbers the change for the kiosk's pull feed, and writes the desk's audit
line: one transaction. A refused step raises `IllegalTransition` with the
reason for the desk.

`progress` is what the public lookup shows of a case: its status and dates.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select, update

from petition import lifecycle, transitions
from petition.clock import local_date
from petition.lifecycle import Owner
from petition.transitions import IllegalTransition  # noqa: F401  (raised to the desk and CLI)

from . import audit, feed
from .extensions import db
from .models import MIRRORS, case
from .operations import CentralError


def step(case_id: str, name: str, *, by: str, now: datetime, commit: bool = True, **values) -> int:
    """Make office step `name` on the case; its new office version. `commit=False` leaves the
    transaction open (tests use it to hold a writer)."""
    query = select(case).where(case.c.id == case_id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    row = db.session.execute(query).first()
    if row is None:
        raise CentralError(404, "unknown_case", f"no case {case_id!r}")
    # The office's calendar day in Asia/Shanghai, not the UTC date.
    facts = transitions.apply(row, name, owner=Owner.OFFICE, today=local_date(now), **values)
    version = row.office_version + 1
    db.session.execute(update(case).where(case.c.id == case_id).values(
        **facts, **derived({**row._asdict(), **facts}), office_version=version, office_updated_at=now))
    feed.record_change(case_id, row.kiosk_id, now=now)
    audit.changed(by, name, case_id, facts, now=now)
    if commit:
        db.session.commit()
    return version


def derived(facts: dict, *, window_only: bool = False) -> dict:
    """What the office stores beside a case's facts, all from petition.lifecycle: its status and
    next due date (for the lists), when its handling ended and whether on time (for the figures).
    `window_only`: the facts are a push's, without the office's (see ingest)."""
    ns = SimpleNamespace(**facts)
    stage = lifecycle.window_stage(ns) if window_only else lifecycle.stage(ns)
    return {"status": stage.status.value, "due_on": stage.due_on,
            "concluded_on": lifecycle.concluded_on(ns), "on_time": lifecycle.on_time(ns)}


def refresh_derived(case_ids: list[str]) -> None:
    """Derive again, from all their facts, the cases the office has replied to (caller commits)."""
    for row in db.session.execute(select(case).where(case.c.id.in_(case_ids),
                                                     case.c.replied_on.is_not(None))):
        db.session.execute(update(case).where(case.c.id == row.id).values(**derived(row._asdict())))


def progress(query_code: str):
    """Status and milestone dates of the case behind a query code, and nothing personal."""
    visit = MIRRORS["visit"]
    return db.session.execute(
        select(case.c.status, *(case.c[name] for name, _label in lifecycle.MILESTONES))
        .select_from(visit.join(case, case.c.id == visit.c.case_id))
        .where(visit.c.query_code == query_code)).first()
