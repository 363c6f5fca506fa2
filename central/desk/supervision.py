"""Supervision pages (督查督办): the lists, a case's supervision with its forms, and the 督办单.

Thin views over central/supervision.py. The lists show no personal data; a
case's supervision page and its 督办单 are views of the case, audited.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from appkit.views import found_or_404
from petition.clock import local_date, utcnow_naive
from petition.lifecycle import STATUS_LABELS
from petition.privacy import mask_name
from petition.vocabulary import CATEGORIES
from printer.supervision import ChargedBody, SupervisionSheet, supervision_sheet_pdf

from .. import audit
from .. import supervision as ops
from ..extensions import db
from ..models import MIRRORS, Kiosk
from ..operations import CentralError
from ..roles import Permission
from . import bp
from .access import requires

WITHIN_DEFAULT, WITHIN_MAX = 7, 90


class SuperviseForm(FlaskForm):
    bodies = TextAreaField(_l("Bodies charged, one a line (several: joint supervision)"),
                           validators=[DataRequired(), Length(max=1200)])
    due_on = DateField(_l("Answer due on"), validators=[DataRequired()])
    note = TextAreaField(_l("Requirements (optional)"), validators=[Optional(), Length(max=2000)])


class ReminderForm(FlaskForm):
    sent_on = DateField(_l("Reminded on (empty: today)"), validators=[Optional()])
    note = TextAreaField(_l("How and what was reminded"), validators=[DataRequired(), Length(max=2000)])


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("The body's answer"), validators=[DataRequired(), Length(max=5000)])
    answered_on = DateField(_l("Answered on (empty: today)"), validators=[Optional()])


def _today():
    return local_date(datetime.now(timezone.utc))


@bp.get("/supervision")
@requires(Permission.LISTS)
def supervision():
    today, view = _today(), request.args.get("view", "overdue")
    body = (request.args.get("body") or "")[:100]
    within = min(max(request.args.get("within", WITHIN_DEFAULT, type=int) or WITHIN_DEFAULT, 1), WITHIN_MAX)
    if view == "by_body":
        return render_template("desk/supervision_list.html", view=view, bodies=ops.overdue_by_body(today),
                               today=today, within=within)
    if view != "due":
        view = "overdue"
    rows = ops.open_supervisions(today, overdue=view == "overdue",
                                 within_days=within if view == "due" else None, body=body or None)
    halls = dict(db.session.execute(select(Kiosk.id, Kiosk.name)).all())
    return render_template("desk/supervision_list.html", view=view, rows=rows, today=today, body=body,
                           within=within, halls=halls, categories=CATEGORIES, statuses=STATUS_LABELS)


def _case_row(case_id: str):
    case = MIRRORS["case"]
    row = db.session.execute(select(case, Kiosk.name.label("kiosk_name"))
                             .join(Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
                             .where(case.c.id == case_id)).first()
    if row is None:
        abort(404)
    return row


def _page(case_id: str, forms: dict | None = None, status: int = 200):
    row, today = _case_row(case_id), _today()
    audit.record(current_user.username, "view_supervision", case_id, now=utcnow_naive())
    db.session.commit()
    forms = forms or {}
    body, due_on = ops.suggested(row, today)
    supervise_form = forms.get("supervise") or SuperviseForm(formdata=None, bodies=body, due_on=due_on)
    return render_template(
        "desk/supervision_case.html", row=row, supervisions=ops.of_case(case_id), today=today,
        supervisable=row.status in ops.SUPERVISABLE, supervise_form=supervise_form,
        reminder_form=forms.get("remind") or ReminderForm(formdata=None),
        answer_form=forms.get("answer") or AnswerForm(formdata=None), failed=forms.get("failed"),
        statuses=STATUS_LABELS, categories=CATEGORIES), status


@bp.get("/case/<case_id>/supervision")
@requires(Permission.SUPERVISION)
def case_supervision(case_id: str):
    return _page(case_id[:36])


def _refused(case_id: str, refusal: ops.SupervisionRefused):
    db.session.rollback()
    flash(str(refusal.message), "error")
    return redirect(url_for(".case_supervision", case_id=case_id))


@bp.post("/case/<case_id>/supervision")
@requires(Permission.SUPERVISION)
def supervise(case_id: str):
    case_id, form = case_id[:36], SuperviseForm()
    if not form.validate():
        return _page(case_id, {"supervise": form}, 422)
    try:
        ops.supervise(case_id, form.bodies.data.splitlines(), due_on=form.due_on.data,
                      note=form.note.data, by=current_user.username, now=utcnow_naive())
    except CentralError as error:
        abort(error.status)
    except ops.SupervisionRefused as refusal:
        return _refused(case_id, refusal)
    flash(_("Supervision recorded."))
    return redirect(url_for(".case_supervision", case_id=case_id))


# The steps on one body's supervision: its form and how the form's fields become the step's arguments.
STEPS = {
    "remind": (ReminderForm, ops.remind, lambda form: {"sent_on": form.sent_on.data, "note": form.note.data}),
    "answer": (AnswerForm, ops.answer, lambda form: {"text": form.text.data,
                                                     "answered_on": form.answered_on.data}),
}


@bp.post("/supervision/<int:supervision_id>/<step>")
@requires(Permission.SUPERVISION)
def supervision_step(supervision_id: int, step: str):
    """A reminder sent (催办) or the body's answer, on one body's supervision."""
    if step not in STEPS:
        abort(404)
    supervision = found_or_404(db.session.get(ops.Supervision, supervision_id))
    form_class, operation, arguments = STEPS[step]
    form = form_class()
    if not form.validate():
        return _page(supervision.case_id, {step: form, "failed": supervision_id}, 422)
    try:
        operation(supervision_id, by=current_user.username, now=utcnow_naive(), **arguments(form))
    except ops.SupervisionRefused as refusal:
        return _refused(supervision.case_id, refusal)
    flash(_("Saved."))
    return redirect(url_for(".case_supervision", case_id=supervision.case_id))


def sheet(row, supervisions: list, today) -> SupervisionSheet:
    """The 督办单's data, masked: the petitioner's name only, as 张*三."""
    person = MIRRORS["person"]
    name = db.session.scalar(select(person.c.name).where(person.c.id == row.person_id)) \
        if row.person_id else None
    with force_locale("zh_Hans_CN"):
        category = str(CATEGORIES[row.category].label) if row.category in CATEGORIES else (row.category or "")
    if row.disposition == "assigned":
        disposition = f"交办：{row.assigned_to or ''}" + (f"，限{row.assigned_due_on.isoformat()}前办结"
                                                         if row.assigned_due_on else "")
    else:
        disposition = f"转送：{row.forwarded_to or ''}"
    matter = (row.matter or "").strip()
    return SupervisionSheet(
        office_name=current_app.config["CENTRAL_OFFICE_NAME"],
        document_number=f"督办〔{today.year}〕{supervisions[0].id}号", petitioner=mask_name(name) or "—",
        registered_on=row.registered_on, hall=row.kiosk_name or row.kiosk_id, category=category,
        matter_summary=matter[:300] + ("……" if len(matter) > 300 else ""), disposition=disposition,
        issued_on=today, joint=len(supervisions) > 1, requirements=supervisions[0].note or "",
        bodies=[ChargedBody(s.body_name, s.due_on, [(r.sent_on, r.note) for r in s.reminders],
                            s.answer or "", s.answered_on) for s in supervisions])


@bp.get("/case/<case_id>/supervision.pdf")
@requires(Permission.SUPERVISION)
def supervision_pdf(case_id: str):
    case_id = case_id[:36]
    row, supervisions = _case_row(case_id), ops.of_case(case_id)
    if not supervisions:
        abort(404)
    audit.record(current_user.username, "print_supervision", case_id, now=utcnow_naive())
    db.session.commit()
    pdf = supervision_sheet_pdf(sheet(row, supervisions, _today()),
                                font_path=current_app.config["CENTRAL_PDF_FONT"] or None)
    return pdf, 200, {"Content-Type": "application/pdf",
                      "Content-Disposition": f'inline; filename="supervision-{case_id}.pdf"'}
