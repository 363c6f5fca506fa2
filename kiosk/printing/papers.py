"""The kiosk's records as formal documents: what printer/documents.py is given to lay out.

This is where personal data is masked for paper (保密) and the query code
takes its display form; the printer package prints what it gets. Each
function reads what its document needs in a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from petition import lifecycle, notices, querycode
from petition.clock import local
from petition.privacy import mask_id_number, mask_name, mask_phone
from petition.vocabulary import CATEGORIES, DISPOSITIONS, SATISFACTION
from printer import documents

from ..extensions import db
from ..models import Case, Person, Visit

if TYPE_CHECKING:
    from ..staff.figures import Figures


class NoticeRefused(ValueError):
    """A notice that cannot be issued now; `message` says why, for the console."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def petitioner(person: Person | None) -> documents.Petitioner:
    if person is None:
        return documents.Petitioner(name="")
    return documents.Petitioner(name=mask_name(person.name), id_number=mask_id_number(person.id_number),
                                phone=mask_phone(person.phone))


def summary(case: Case | None) -> str:
    text = ((case.matter if case else "") or "").strip().replace("\n", " ")
    return text if len(text) <= 60 else text[:60] + "…"


def registration_receipt(visit: Visit, *, receptionist: str) -> documents.RegistrationReceipt:
    """登记回执 of a visit registered at the window."""
    return documents.RegistrationReceipt(
        office_name=current_app.config["KIOSK_OFFICE_NAME"],
        query_code=querycode.display(visit.query_code), registered_at=visit.created_at,
        petitioner=petitioner(visit.person), matter_summary=summary(visit.case),
        materials="、".join(f"{m.name}{m.count}份" for m in visit.materials),
        ticket_number=visit.ticket_number, receptionist=receptionist)


def notice(case: Case) -> tuple[str, documents.Notice]:
    """(which notice, its content) for a decided case, or NoticeRefused saying why not."""
    refused = notices.refusal(case, case.person)
    if refused is not None:
        raise NoticeRefused(refused)
    first_visit = db.session.scalars(select(Visit).where(Visit.case_id == case.id)
                                     .order_by(Visit.created_at).limit(1)).first()
    return notices.notice_for(case), documents.Notice(
        office_name=current_app.config["KIOSK_OFFICE_NAME"],
        # 文号: the year and the end of the case's UUID, unique on this kiosk.
        document_number=f"〔{case.decided_on.year}〕{case.id[-6:].upper()}号",
        petitioner=petitioner(case.person), received_on=case.registered_on,
        decided_on=case.decided_on, matter_summary=summary(case),
        query_code=querycode.display(first_visit.query_code) if first_visit else "",
        handling_body=case.body_name or "", reply_due_on=lifecycle.reply_due_on(case),
        reason=case.not_accepted_reason or "", proper_channel=case.proper_channel or "")


def register_rows(day: date) -> list[documents.RegisterRow]:
    """The day's register (接待登记簿): every visit of `day`, masked, in two queries."""
    visits = db.session.scalars(
        select(Visit).options(joinedload(Visit.person), joinedload(Visit.case))
        .where(Visit.service_day == day).order_by(Visit.created_at)).all()
    rows = []
    for serial, visit in enumerate(visits, start=1):
        who, case = petitioner(visit.person), visit.case
        rows.append(documents.RegisterRow(
            serial=serial, time=local(visit.created_at).strftime("%H:%M"),
            ticket_number=visit.ticket_number, name=who.name, id_number=who.id_number,
            phone=who.phone,
            category=str(CATEGORIES[visit.category].label) if visit.category in CATEGORIES else "",
            matter_summary=summary(case),
            disposition=str(DISPOSITIONS.get(case.disposition, "")) if case else "",
            receptionist=visit.received_by or ""))
    return rows


def monthly_statistics(result: Figures) -> documents.MonthlyStatistics:
    """The month's figures as the statistics report lays them out."""

    def percent(value):
        return f"{value * 100:.1f}%" if value is not None else "—"

    def named(counter: Counter, labels):
        return [(str(labels.get(key, key)) if key else _("(not recorded)"), count)
                for key, count in counter.most_common()]

    return documents.MonthlyStatistics(
        office_name=current_app.config["KIOSK_OFFICE_NAME"], year=result.start.year,
        month=result.start.month,
        totals=[(_("Visits"), result.visits), (_("People"), result.people), (_("Cases"), result.cases),
                (_("Share closed"), percent(result.closed_rate)),
                (_("Closed on time"), percent(result.on_time_rate))],
        sections=[(_("By category"), named(result.by_category, {c: x.label for c, x in CATEGORIES.items()})),
                  (_("By disposition"), named(result.by_disposition, DISPOSITIONS)),
                  (_("By body concerned"), named(result.by_body, {})),
                  (_("Satisfaction"), named(result.satisfaction, SATISFACTION))])


def load_visit(visit_id: str) -> Visit | None:
    """A visit with what its receipt shows, or None."""
    return db.session.scalars(select(Visit).options(
        joinedload(Visit.person), joinedload(Visit.case), selectinload(Visit.materials))
        .where(Visit.id == visit_id)).first()
