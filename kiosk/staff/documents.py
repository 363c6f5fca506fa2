"""The console's print buttons: the formal PDFs of printer/documents.py, served inline.

登记回执 for a visit, 受理告知书 / 不予受理告知书 for a decided case, the day's
register and the monthly statistics for supervisors. The documents mask
personal data themselves; each print is still written to the audit log.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from printer import documents

from .. import audit
from ..auth.routes import role_required
from ..cases import states
from ..extensions import db
from ..models import Case, Visit
from petition.clock import local, local_date, utcnow
from petition.vocabulary import CATEGORIES
from . import bp
from .figures import figures, month_bounds


def _pdf(content: bytes, name: str):
    response = make_response(content)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _render(make, *args, back: str):
    try:
        return make(*args, font_path=current_app.config["KIOSK_PDF_FONT"] or None)
    except documents.FontNotFoundError:
        flash(_("No Chinese font for PDF documents is installed; see KIOSK_PDF_FONT."), "error")
        return redirect(back)


def _petitioner(person) -> documents.Petitioner:
    return documents.Petitioner(name=person.name or "", id_number=person.id_number or "",
                                phone=person.phone or "")


def _summary(case: Case) -> str:
    text = (case.matter or "").strip().replace("\n", " ")
    return text if len(text) <= 60 else text[:60] + "…"


@bp.get("/visits/<visit_id>/receipt.pdf")
@role_required("receptionist")
def receipt_pdf(visit_id: str):
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.person is None or visit.case is None:
        abort(404)
    data = documents.RegistrationReceipt(
        office_name=current_app.config["KIOSK_OFFICE_NAME"], query_code=visit.query_code,
        registered_at=visit.created_at, petitioner=_petitioner(visit.person),
        matter_summary=_summary(visit.case),
        materials="、".join(f"{m.name}{m.count}份" for m in visit.materials),
        ticket_number=visit.ticket_number, receptionist=current_user.username)
    content = _render(documents.registration_receipt_pdf, data,
                      back=url_for(".visit", visit_id=visit.id))
    if not isinstance(content, bytes):
        return content
    audit.record(current_user.username, "print", "visit", visit.id, field="receipt", now=utcnow())
    db.session.commit()
    return _pdf(content, f"receipt-{visit.ticket_number}.pdf")


@bp.get("/cases/<case_id>/notice.pdf")
@role_required("receptionist")
def notice_pdf(case_id: str):
    case = db.session.get(Case, case_id)
    if case is None or case.person is None:
        abort(404)
    back = url_for(".case", case_id=case.id)
    if case.disposition not in ("accepted", "not_accepted"):
        flash(_("A written notice exists only for an accepted or a not-accepted case."), "error")
        return redirect(back)
    first_visit = db.session.scalars(select(Visit).where(Visit.case_id == case.id)
                                     .order_by(Visit.created_at).limit(1)).first()
    data = documents.Notice(
        office_name=current_app.config["KIOSK_OFFICE_NAME"],
        # 文号: the year and the end of the case's UUID, unique on this kiosk.
        document_number=f"〔{case.decided_on.year}〕{case.id[-6:].upper()}号",
        petitioner=_petitioner(case.person), received_on=case.registered_on,
        decided_on=case.decided_on, matter_summary=_summary(case),
        query_code=first_visit.query_code if first_visit else "",
        handling_body=case.body_name or "", reply_due_on=states.reply_due_on(case),
        reason=case.not_accepted_reason or "", proper_channel=case.proper_channel or "")
    make = documents.acceptance_notice_pdf if case.disposition == "accepted" else \
        documents.not_accepted_notice_pdf
    content = _render(make, data, back=back)
    if not isinstance(content, bytes):
        return content
    audit.record(current_user.username, "print", "case", case.id, field=case.disposition, now=utcnow())
    db.session.commit()
    return _pdf(content, f"notice-{case.id[-6:]}.pdf")


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else local_date(utcnow())
    except ValueError:
        abort(404)


@bp.get("/register.pdf")
@role_required("supervisor")
def register_pdf():
    day = _day(request.args.get("day"))
    visits = db.session.scalars(select(Visit).where(Visit.service_day == day)
                                .order_by(Visit.created_at)).all()
    rows = []
    for serial, visit in enumerate(visits, start=1):
        person, case = visit.person, visit.case
        rows.append(documents.RegisterRow(
            serial=serial, time=local(visit.created_at).strftime("%H:%M"), ticket_number=visit.ticket_number,
            name=(person.name or "") if person else "", id_number=(person.id_number or "") if person else "",
            phone=(person.phone or "") if person else "",
            category=str(CATEGORIES[visit.category].label) if visit.category in CATEGORIES else "",
            matter_summary=_summary(case) if case else "",
            disposition=str(states.DISPOSITIONS.get(case.disposition, "")) if case else "",
            receptionist=visit.received_by or ""))
    content = _render(documents.day_register_pdf, current_app.config["KIOSK_OFFICE_NAME"], day, rows,
                      back=url_for(".figures_page"))
    if not isinstance(content, bytes):
        return content
    return _pdf(content, f"register-{day.isoformat()}.pdf")


@bp.get("/figures/monthly.pdf")
@role_required("supervisor")
def monthly_pdf():
    today = local_date(utcnow())
    start, end = month_bounds(today)
    result = figures(start, end, kiosk_id=current_app.config["KIOSK_ID"])

    def percent(value):
        return f"{value * 100:.1f}%" if value is not None else "—"

    def named(counter, labels):
        return [(str(labels.get(key, key)) if key else _("(not recorded)"), count)
                for key, count in counter.most_common()]

    data = documents.MonthlyStatistics(
        office_name=current_app.config["KIOSK_OFFICE_NAME"], year=start.year, month=start.month,
        totals=[(_("Visits"), result.visits), (_("People"), result.people), (_("Cases"), result.cases),
                (_("Share closed"), percent(result.closed_rate)),
                (_("Closed on time"), percent(result.on_time_rate))],
        sections=[(_("By category"), named(result.by_category, {c: x.label for c, x in CATEGORIES.items()})),
                  (_("By disposition"), named(result.by_disposition, states.DISPOSITIONS)),
                  (_("By body concerned"), named(result.by_body, {})),
                  (_("Satisfaction"), named(result.satisfaction, states.SATISFACTION))])
    content = _render(documents.monthly_statistics_pdf, data, back=url_for(".figures_page"))
    if not isinstance(content, bytes):
        return content
    return _pdf(content, f"monthly-{start:%Y-%m}.pdf")
