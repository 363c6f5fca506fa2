"""The console's print buttons: the formal PDFs of printer/documents.py, served inline.

登记回执 for a visit, 受理告知书 / 不予受理告知书 for a decided case, the day's
register and the monthly statistics for supervisors. kiosk/printing/papers.py
turns records into what each document prints (masked); every print of a
petitioner's document is written to the audit log.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from petition.clock import local_date, utcnow
from printer import documents

from .. import audit
from ..auth.routes import role_required
from ..extensions import db
from ..models import Case
from ..printing import papers
from . import bp
from .figures import figures, month_bounds

_NOTICE_PDF = {"acceptance": documents.acceptance_notice_pdf,
               "not_accepted": documents.not_accepted_notice_pdf}


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


@bp.get("/visits/<visit_id>/receipt.pdf")
@role_required("receptionist")
def receipt_pdf(visit_id: str):
    visit = papers.load_visit(visit_id)
    if visit is None or visit.person is None or visit.case is None:
        abort(404)
    data = papers.registration_receipt(visit, receptionist=current_user.username)
    content = _render(documents.registration_receipt_pdf, data,
                      back=url_for(".visit", visit_id=visit.id))
    if not isinstance(content, bytes):
        return content
    audit.record(current_user.username, "print", "visit", visit.id, {"receipt": (None, None)},
                 person_id=visit.person_id, now=utcnow())
    db.session.commit()
    return _pdf(content, f"receipt-{visit.ticket_number}.pdf")


@bp.get("/cases/<case_id>/notice.pdf")
@role_required("receptionist")
def notice_pdf(case_id: str):
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    back = url_for(".case", case_id=case.id)
    try:
        kind, data = papers.notice(case)
    except papers.NoticeRefused as refused:
        flash(str(refused.message), "error")
        return redirect(back)
    content = _render(_NOTICE_PDF[kind], data, back=back)
    if not isinstance(content, bytes):
        return content
    audit.record(current_user.username, "print", "case", case.id, {"notice": (None, case.disposition)},
                 person_id=case.person_id, now=utcnow())
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
    content = _render(documents.day_register_pdf, current_app.config["KIOSK_OFFICE_NAME"], day,
                      papers.register_rows(day), back=url_for(".figures_page"))
    if not isinstance(content, bytes):
        return content
    return _pdf(content, f"register-{day.isoformat()}.pdf")


@bp.get("/figures/monthly.pdf")
@role_required("supervisor")
def monthly_pdf():
    start, end = month_bounds(local_date(utcnow()))
    result = figures(start, end, kiosk_id=current_app.config["KIOSK_ID"])
    content = _render(documents.monthly_statistics_pdf, papers.monthly_statistics(result),
                      back=url_for(".figures_page"))
    if not isinstance(content, bytes):
        return content
    return _pdf(content, f"monthly-{start:%Y-%m}.pdf")
