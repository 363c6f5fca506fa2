"""Supervision (督查督办): the office chases the bodies that have forwarded and assigned cases.

For a case the window forwarded (转送) or assigned (交办), the office records which
body has it and by when it must answer; joint supervision (联合督查) charges several
bodies, each with its own due date and answer. Reminders (催办) are recorded with
their date and a note; a body's answer closes its supervision. Lists: open
supervisions due within N days, overdue ones, and the overdue counted by body.

These are the office's own records: they stay in the office's database and
never travel to the kiosks. Every change is a line of the desk's audit log,
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from petition import lifecycle, limits
from petition.clock import local_date

from . import audit
from .extensions import db
from .models import Reminder, Supervision, case
from .operations import CentralError

#: The statuses in which a case is with a body the office can chase.
SUPERVISABLE = frozenset({lifecycle.Status.FORWARDED, lifecycle.Status.ASSIGNED})
#: Supervisions whose case is still open; a concluded case's leftovers leave the lists.
_OPEN_CASE = case.c.status.in_([status.value for status in lifecycle.OPEN])
MAX_BODIES = 10


class SupervisionRefused(ValueError):
    """A supervision step that cannot be made; `message` (lazy) says why, for the desk."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _case(case_id: str):
    row = db.session.execute(select(case).where(case.c.id == case_id)).first()
    if row is None:
        raise CentralError(404, "unknown_case", f"no case {case_id!r}")
    return row


def _text(value: str | None, limit: int, message) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise SupervisionRefused(message)
    return value


def suggested(row, today: date) -> tuple[str, date]:
    """The body and due date a new supervision of this case starts from: the window's."""
    body = row.assigned_to or row.forwarded_to or row.body_name or ""
    return body, row.due_on or row.assigned_due_on or today + timedelta(days=limits.HANDLING_DAYS)


def supervise(case_id: str, bodies: list[str], *, due_on: date | None, note: str | None, by: str,
              now: datetime) -> list[Supervision]:
    """Charge one body (督办) or several (联合督查) with a forwarded or assigned case; commits."""
    row, today = _case(case_id), local_date(now)
    if row.status not in SUPERVISABLE:
        raise SupervisionRefused(_l("Only a forwarded or assigned case can be supervised."))
    names = list(dict.fromkeys(_text(name, 100, _l("Name each body in 1 to 100 characters."))
                               for name in bodies if (name or "").strip()))
    if not names or len(names) > MAX_BODIES:
        raise SupervisionRefused(_l("Name 1 to 10 bodies."))
    if due_on is None or due_on < today or due_on > today + timedelta(days=limits.HANDLING_DAYS):
        raise SupervisionRefused(_l("The due date lies between today and 60 days from today."))
    taken = set(db.session.scalars(select(Supervision.body_name).where(
        Supervision.case_id == case_id, Supervision.body_name.in_(names))))
    if taken:
        raise SupervisionRefused(_l("%(bodies)s already supervise this case.", bodies="、".join(sorted(taken))))
    note = (note or "").strip()[:2000] or None
    made = [Supervision(case_id=case_id, body_name=name, due_on=due_on, note=note, opened_on=today,
                        opened_by=by) for name in names]
    db.session.add_all(made)
    audit.changed(by, "supervise", case_id, {"bodies": "、".join(names), "due_on": due_on}, now=now)
    db.session.commit()
    return made


def _open_supervision(supervision_id: int) -> Supervision:
    supervision = db.session.get(Supervision, supervision_id)
    if supervision is None:
        raise CentralError(404, "unknown_supervision", f"no supervision {supervision_id}")
    if supervision.answered_on is not None:
        raise SupervisionRefused(_l("This body has answered; its supervision is closed."))
    return supervision


def remind(supervision_id: int, *, sent_on: date | None, note: str, by: str, now: datetime) -> Reminder:
    """Record a reminder (催办) sent to the body, on `sent_on` (empty: today); commits."""
    supervision, today = _open_supervision(supervision_id), local_date(now)
    sent_on = sent_on or today
    if sent_on > today or sent_on < supervision.opened_on:
        raise SupervisionRefused(_l("A reminder's date lies between the supervision's start and today."))
    reminder = Reminder(supervision_id=supervision.id, sent_on=sent_on, sent_by=by,
                        note=_text(note, 2000, _l("Write down how and what was reminded.")))
    db.session.add(reminder)
    audit.changed(by, "remind", supervision.case_id,
                  {"body": supervision.body_name, "sent_on": sent_on, "note": reminder.note}, now=now)
    db.session.commit()
    return reminder


def answer(supervision_id: int, *, text: str, answered_on: date | None, by: str, now: datetime) -> None:
    """Record the body's answer, which closes its supervision; commits."""
    supervision, today = _open_supervision(supervision_id), local_date(now)
    answered_on = answered_on or today
    if answered_on > today or answered_on < supervision.opened_on:
        raise SupervisionRefused(_l("An answer's date lies between the supervision's start and today."))
    supervision.answer = _text(text, 5000, _l("Write down the body's answer."))
    supervision.answered_on, supervision.answered_by = answered_on, by
    audit.changed(by, "answer", supervision.case_id,
                  {"body": supervision.body_name, "answered_on": answered_on}, now=now)
    db.session.commit()


def of_case(case_id: str) -> list[Supervision]:
    return list(db.session.scalars(select(Supervision).where(Supervision.case_id == case_id)
                                   .order_by(Supervision.id)))


# --- lists ---------------------------------------------------------------------------------

def _reminders():
    return (select(Reminder.supervision_id, func.count().label("reminders"),
                   func.max(Reminder.sent_on).label("last_reminded_on"))
            .group_by(Reminder.supervision_id).subquery())


def open_supervisions(today: date, *, overdue: bool = False, within_days: int | None = None,
                      body: str | None = None, limit: int = 500) -> list:
    """Open supervisions of open cases: overdue, or due within `within_days`; soonest due first."""
    reminded = _reminders()
    query = (select(Supervision.id, Supervision.case_id, Supervision.body_name, Supervision.due_on,
                    Supervision.opened_on, case.c.kiosk_id, case.c.category, case.c.registered_on,
                    case.c.status, func.coalesce(reminded.c.reminders, 0).label("reminders"),
                    reminded.c.last_reminded_on)
             .join(case, case.c.id == Supervision.case_id)
             .outerjoin(reminded, reminded.c.supervision_id == Supervision.id)
             .where(Supervision.answered_on.is_(None), _OPEN_CASE))
    if overdue:
        query = query.where(Supervision.due_on < today)
    if within_days is not None:
        query = query.where(Supervision.due_on.between(today, today + timedelta(days=within_days)))
    if body:
        query = query.where(Supervision.body_name == body)
    return db.session.execute(query.order_by(Supervision.due_on, Supervision.id).limit(limit)).all()


@dataclass(frozen=True)
class BodyOverdue:
    """One body's overdue supervisions (逾期未办结), for the list counted by body."""

    body_name: str
    overdue: int
    oldest_due_on: date
    reminders: int
    last_reminded_on: date | None

    def days_overdue(self, today: date) -> int:
        return (today - self.oldest_due_on).days


def overdue_by_body(today: date) -> list[BodyOverdue]:
    """Each body with overdue open supervisions, most overdue first."""
    reminded = _reminders()
    rows = db.session.execute(
        select(Supervision.body_name, func.count().label("overdue"),
               func.min(Supervision.due_on).label("oldest_due_on"),
               func.coalesce(func.sum(reminded.c.reminders), 0).label("reminders"),
               func.max(reminded.c.last_reminded_on).label("last_reminded_on"))
        .join(case, case.c.id == Supervision.case_id)
        .outerjoin(reminded, reminded.c.supervision_id == Supervision.id)
        .where(Supervision.answered_on.is_(None), Supervision.due_on < today, _OPEN_CASE)
        .group_by(Supervision.body_name)
        .order_by(func.min(Supervision.due_on), Supervision.body_name)).all()
    return [BodyOverdue(row.body_name, row.overdue, row.oldest_due_on, int(row.reminders),
                        row.last_reminded_on) for row in rows]
