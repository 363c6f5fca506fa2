"""A case's page, its decision and handling, and the lists of due and overdue cases.

The buttons here call the transitions of kiosk/cases/states.py; a refused
transition comes back as a message on the page, never an error page.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..auth.routes import role_required
from ..cases import states
from ..extensions import db
from ..models import Case, Visit
from petition.privacy import mask_id_number, mask_name, mask_phone
from petition.clock import local, local_date, utcnow
from petition.vocabulary import CASE_STATUS, CATEGORIES
from . import bp
from .forms import AcceptForm, AnswerForm, AssignForm, CloseForm, ExtendForm, ForwardForm, NotAcceptForm
from .visits import body_choices


def _forms() -> dict:
    bodies = body_choices()
    forward, assign = ForwardForm(prefix="forward"), AssignForm(prefix="assign")
    forward.body.choices = assign.body.choices = bodies
    return {"answer": AnswerForm(prefix="answer"), "accept": AcceptForm(prefix="accept"),
            "forward": forward, "assign": assign, "not_accept": NotAcceptForm(prefix="not_accept"),
            "close": CloseForm(prefix="close"), "extend": ExtendForm(prefix="extend")}


def _load(case_id: str) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    return case


def _render(case: Case, forms: dict, status: int = 200):
    now = utcnow()
    audit.viewed(current_user.username, "case", case.id, now=now)
    db.session.commit()
    visits = db.session.scalars(select(Visit).where(Visit.case_id == case.id)
                                .order_by(Visit.created_at)).all()
    return render_template(
        "staff/case.html", case=case, person=case.person, visits=visits, forms=forms,
        allowed=states.allowed(case), states=states, case_status=CASE_STATUS, categories=CATEGORIES,
        today=local_date(now), local=local), status


@bp.get("/cases/<case_id>")
@role_required("receptionist")
def case(case_id: str):
    return _render(_load(case_id), _forms())


@bp.post("/cases/<case_id>/<transition>")
@role_required("receptionist")
def decide(case_id: str, transition: str):
    case = _load(case_id)
    if transition not in states.TRANSITIONS:
        abort(404)
    forms = _forms()
    form = forms.get(transition)
    by, now = current_user.username, utcnow()
    if not form.validate():
        flash(_("Please correct the marked fields."), "error")
        return _render(case, forms, 422)
    try:
        if transition == "answer":
            states.answer(case, by=by, now=now, result=form.result.data, satisfaction=form.satisfaction.data)
        elif transition == "accept":
            states.accept(case, by=by, now=now)
        elif transition == "forward":
            states.forward(case, by=by, now=now, body=form.body.data)
        elif transition == "assign":
            states.assign(case, by=by, now=now, to=form.body.data, due_on=form.due_on.data)
        elif transition == "not_accept":
            states.not_accept(case, by=by, now=now, reason=form.reason.data, channel=form.channel.data)
        elif transition == "close":
            states.close(case, by=by, now=now, result=form.result.data, satisfaction=form.satisfaction.data)
        elif transition == "extend":
            states.extend(case, by=by, now=now, days=form.days.data, reason=form.reason.data)
    except states.IllegalTransition as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for(".case", case_id=case.id))
    db.session.commit()
    flash(_("Saved: %(status)s.", status=CASE_STATUS.get(case.status, case.status)), "info")
    return redirect(url_for(".case", case_id=case.id))


@bp.get("/cases")
@role_required("receptionist")
def cases():
    show = request.args.get("show", "open")
    if show not in ("open", "due_soon", "overdue", "all"):
        show = "open"
    today = local_date(utcnow())
    query = select(Case).options(joinedload(Case.person)).order_by(Case.registered_on.desc())
    if show != "all":
        query = query.where(Case.status.in_(("registered", "accepted", "assigned")))
    rows = []
    for item in db.session.scalars(query.limit(2000)):
        urgency = states.urgency(item, today)
        if show in ("due_soon", "overdue") and urgency != show:
            continue
        rows.append((item, states.due_on(item), urgency))
    if show in ("open", "due_soon", "overdue"):
        rows.sort(key=lambda row: (row[1] is None, row[1]))
    return render_template("staff/cases.html", rows=rows, show=show, today=today,
                           case_status=CASE_STATUS, categories=CATEGORIES, mask_name=mask_name,
                           mask_id_number=mask_id_number, mask_phone=mask_phone)
