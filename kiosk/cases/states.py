"""The window's steps on a case, applied at the kiosk: `petition.lifecycle`, audited.

Every step takes `now` and the member of staff doing it; the domain checks it
and says which facts change, this module sets them with one audit line per
changed field, bumps the case's version (so sync sends it) and stores the
case's derived status and due date again. An illegal step raises
`IllegalTransition` with a message the console shows. Callers commit.

The office's steps arrive by sync (kiosk/sync_agent/agent.py) and go through
`refresh` too, so a case shows what both sides have done.
"""

from __future__ import annotations

from datetime import date, datetime

from petition import lifecycle, transitions
from petition.clock import local_date
from petition.lifecycle import Owner
from petition.transitions import IllegalTransition  # noqa: F401  (raised to the views)

from .. import audit
from ..models import Case


def refresh(case: Case) -> None:
    """Store the status and due date the case's facts give (derived, never audited)."""
    stage = lifecycle.stage(case)
    case.status, case.due_on = stage.status, stage.due_on


def allowed(case: Case) -> list[str]:
    """The window's steps open to this case now (what the console offers)."""
    return transitions.allowed(case, Owner.WINDOW)


def _step(name: str, case: Case, by: str, now: datetime, **values) -> None:
    facts = transitions.apply(case, name, owner=Owner.WINDOW, today=local_date(now), **values)
    audit.change(by, case, "case", facts, now=now)
    refresh(case)


def answer(case: Case, *, by: str, now: datetime, result: str, satisfaction: str | None = None):
    _step("answer", case, by, now, result=result, satisfaction=satisfaction)


def accept(case: Case, *, by: str, now: datetime):
    _step("accept", case, by, now)


def extend(case: Case, *, by: str, now: datetime, days: int, reason: str):
    _step("extend", case, by, now, days=days, reason=reason)


def forward(case: Case, *, by: str, now: datetime, body: str):
    _step("forward", case, by, now, body=body)


def assign(case: Case, *, by: str, now: datetime, to: str, due_on: date | None):
    _step("assign", case, by, now, to=to, due_on=due_on)


def not_accept(case: Case, *, by: str, now: datetime, reason: str, channel: str):
    _step("not_accept", case, by, now, reason=reason, channel=channel)


def close(case: Case, *, by: str, now: datetime, result: str, satisfaction: str | None = None):
    _step("close", case, by, now, result=result, satisfaction=satisfaction)
