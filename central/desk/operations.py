"""The case desk's rules: which cases are due or overdue, the lists, the audit of every look.

Time limits (信访工作条例): the office decides within 15 days of registration
whether to accept; an accepted or assigned matter is handled within 60 days
of acceptance. Due dates are calendar days in Asia/Shanghai, computed from the
record, never stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, cast, func, or_, select

from ..extensions import db
from ..models import MIRRORS, DeskAudit, Kiosk, case
from ..operations import records_held

DECISION_DAYS = 15
HANDLING_DAYS = 60
OPEN_HANDLING = ("accepted", "assigned")

person, visit = MIRRORS["person"], MIRRORS["visit"]


def due_on(row) -> date | None:
    """The next date the office must meet for this case, or None when nothing is due.

    An accepted matter is due 60 days after acceptance plus the one extension
    the window may have granted (`extension_days`, synced from the kiosk).
    """
    if row.central_status is None:
        return row.registered_on + timedelta(days=DECISION_DAYS)
    if row.central_status in OPEN_HANDLING and row.central_accepted_on is not None:
        return row.central_accepted_on + timedelta(days=HANDLING_DAYS + (row.extension_days or 0))
    return None


def _handling_due():
    """SQL for an accepted case's reply due date (acceptance + 60 + extension days)."""
    days = HANDLING_DAYS + func.coalesce(case.c.extension_days, 0)
    if db.engine.dialect.name == "postgresql":
        return case.c.central_accepted_on + days
    # SQLite keeps dates as ISO text; date() adds the days and gives ISO text back.
    return func.date(case.c.central_accepted_on, "+" + cast(days, String) + " days")


def _overdue_clause(today: date):
    return or_(
        and_(case.c.central_status.is_(None),
             case.c.registered_on < today - timedelta(days=DECISION_DAYS)),
        and_(case.c.central_status.in_(OPEN_HANDLING), _handling_due() < today))


@dataclass
class Filters:
    kiosk: str = ""
    status: str = ""      # "" any, "new" not yet decided, or a central status
    category: str = ""
    due: str = ""         # "" any, "overdue", "week" (due within 7 days)
    joint: bool = False   # joint supervision (联合督办) only


def list_cases(filters: Filters, today: date, limit: int = 300) -> list:
    query = select(case, Kiosk.name.label("kiosk_name")).join(
        Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
    if filters.kiosk:
        query = query.where(case.c.kiosk_id == filters.kiosk)
    if filters.status == "new":
        query = query.where(case.c.central_status.is_(None))
    elif filters.status:
        query = query.where(case.c.central_status == filters.status)
    if filters.category:
        query = query.where(case.c.category == filters.category)
    if filters.joint:
        query = query.where(case.c.joint_supervision.is_(True))
    if filters.due == "overdue":
        query = query.where(_overdue_clause(today))
    elif filters.due == "week":
        soon = today + timedelta(days=7)
        query = query.where(or_(
            and_(case.c.central_status.is_(None),
                 case.c.registered_on.between(today - timedelta(days=DECISION_DAYS),
                                              soon - timedelta(days=DECISION_DAYS))),
            and_(case.c.central_status.in_(OPEN_HANDLING), _handling_due().between(today, soon))))
    query = query.order_by(case.c.registered_on, case.c.id).limit(limit)
    return db.session.execute(query).all()


def case_detail(case_id: str):
    """The case with its petitioner and visits, in full (the viewer is signed-in staff)."""
    row = db.session.execute(
        select(case, Kiosk.name.label("kiosk_name"))
        .join(Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
        .where(case.c.id == case_id)).first()
    if row is None:
        return None, None, []
    petitioner = db.session.execute(select(person).where(person.c.id == row.person_id)).first() \
        if row.person_id else None
    visits = db.session.execute(select(visit).where(visit.c.case_id == case_id)
                                .order_by(visit.c.service_day)).all()
    return row, petitioner, visits


def record(actor: str, action: str, case_id: str, *, detail: str | None = None,
           now: datetime, commit: bool = True) -> None:
    db.session.add(DeskAudit(at=now, actor=actor, action=action, case_id=case_id, detail=detail))
    if commit:
        db.session.commit()


def kiosk_overview() -> list[dict]:
    kiosks = db.session.scalars(select(Kiosk).order_by(Kiosk.id)).all()
    return [{"kiosk": kiosk, "held": records_held(kiosk.id)} for kiosk in kiosks]


def kiosk_ids() -> list[str]:
    return list(db.session.scalars(select(Kiosk.id).order_by(Kiosk.id)))
