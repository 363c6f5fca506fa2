"""The case desk's lists and pages: every kiosk's cases by stage, filtered in SQL.

Each case's status and next due date are derived by petition.lifecycle and
stored on the row (the receiver and every office step keep them current), so
the overdue and due-soon lists are plain indexed comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from petition import lifecycle, limits

from ..extensions import db
from ..models import MIRRORS, Kiosk, case
from ..operations import records_held

person, visit = MIRRORS["person"], MIRRORS["visit"]
STATUS_FILTERS = ("open", *(status.value for status in lifecycle.Status))
DUE_FILTERS = ("overdue", "due_soon")


@dataclass
class Filters:
    kiosk: str = ""
    status: str = ""      # "" any, "open" (still waiting on someone), or one lifecycle status
    category: str = ""
    due: str = ""         # "" any, "overdue", "due_soon" (within DUE_SOON_DAYS)
    joint: bool = False   # joint supervision (联合督办) only


def list_cases(filters: Filters, today: date, limit: int = 300) -> list:
    query = select(case, Kiosk.name.label("kiosk_name")).join(
        Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
    if filters.kiosk:
        query = query.where(case.c.kiosk_id == filters.kiosk)
    if filters.status == "open":
        query = query.where(case.c.status.in_([status.value for status in lifecycle.OPEN]))
    elif filters.status:
        query = query.where(case.c.status == filters.status)
    if filters.category:
        query = query.where(case.c.category == filters.category)
    if filters.joint:
        query = query.where(case.c.joint_supervision.is_(True))
    if filters.due == "overdue":
        query = query.where(case.c.due_on < today)
    elif filters.due == "due_soon":
        query = query.where(case.c.due_on.between(today, today + timedelta(days=limits.DUE_SOON_DAYS)))
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


def kiosk_overview() -> list[dict]:
    kiosks = db.session.scalars(select(Kiosk).order_by(Kiosk.id)).all()
    return [{"kiosk": kiosk, "held": records_held(kiosk.id)} for kiosk in kiosks]


def kiosk_ids() -> list[str]:
    return list(db.session.scalars(select(Kiosk.id).order_by(Kiosk.id)))
