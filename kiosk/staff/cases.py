"""A case's page, the window's steps on it, and the lists of open, due and overdue cases.

The buttons call the window's steps (kiosk/cases/states.py, on
petition.lifecycle); a refused step comes back as a message on the page,
never an error page. The lists filter in SQL on each case's stored stage.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from petition import lifecycle, limits
from petition.clock import local, local_date, utcnow
from petition.lifecycle import STATUS_LABELS
from petition.privacy import mask_id_number, mask_name, mask_phone
from petition.vocabulary import CATEGORIES, SATISFACTION

from .. import audit
from ..auth.routes import role_required
from ..cases import states
from ..extensions import db
from ..models import Case, Visit
from . import bp
from .forms import AcceptForm, AnswerForm, AssignForm, CloseForm, ExtendForm, ForwardForm, NotAcceptForm
from .visits import body_choices

# Each window step: its form and how the form's fields become the step's arguments.
STEPS = {
    "answer": (AnswerForm, lambda f: {"result": f.result.data, "satisfaction": f.satisfaction.data}),
    "accept": (AcceptForm, lambda f: {}),
    "forward": (ForwardForm, lambda f: {"body": f.body.data}),
    "assign": (AssignForm, lambda f: {"to": f.body.data, "due_on": f.due_on.data}),
    "not_accept": (NotAcceptForm, lambda f: {"reason": f.reason.data, "channel": f.channel.data}),
    "close": (CloseForm, lambda f: {"result": f.result.data, "satisfaction": f.satisfaction.data}),
    "extend": (ExtendForm, lambda f: {"days": f.days.data, "reason": f.reason.data}),
}
LISTS = ("open", "due_soon", "overdue", "all")
LIST_LIMIT = 500


def _forms() -> dict:
    forms = {name: form_class(prefix=name) for name, (form_class, _args) in STEPS.items()}
    forms["forward"].body.choices = forms["assign"].body.choices = body_choices()
    return forms


def _load(case_id: str) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    return case


def _render(case: Case, forms: dict, status: int = 200):
    now = utcnow()
    audit.viewed(current_user.username, "case", case.id, person_id=case.person_id, now=now)
    db.session.commit()
    visits = db.session.scalars(select(Visit).where(Visit.case_id == case.id)
                                .order_by(Visit.created_at)).all()
    today = local_date(now)
    # The office may name an earlier case of this hall, or of another it alone can see.
    same_matter = db.session.get(Case, case.same_matter_as) if case.same_matter_as else None
    return render_template(
        "staff/case.html", case=case, person=case.person, visits=visits, forms=forms,
        same_matter=same_matter,
        allowed=states.allowed(case), lifecycle=lifecycle, case_status=STATUS_LABELS,
        satisfaction=SATISFACTION, categories=CATEGORIES, today=today,
        urgency=lifecycle.urgency(case.due_on, today), local=local), status


@bp.get("/cases/<case_id>")
@role_required("receptionist")
def case(case_id: str):
    return _render(_load(case_id), _forms())


@bp.post("/cases/<case_id>/<transition>")
@role_required("receptionist")
def decide(case_id: str, transition: str):
    case = _load(case_id)
    if transition not in STEPS:
        abort(404)
    forms = _forms()
    form = forms[transition]
    if not form.validate():
        flash(_("Please correct the marked fields."), "error")
        return _render(case, forms, 422)
    step = getattr(states, transition)
    try:
        step(case, by=current_user.username, now=utcnow(), **STEPS[transition][1](form))
    except states.IllegalTransition as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for(".case", case_id=case.id))
    db.session.commit()
    flash(_("Saved: %(status)s.", status=STATUS_LABELS.get(case.status, case.status)), "info")
    return redirect(url_for(".case", case_id=case.id))


def _list_query(show: str, today):
    query = select(Case).options(joinedload(Case.person))
    if show == "all":
        return query.order_by(Case.registered_on.desc(), Case.id.desc())
    query = query.where(Case.status.in_(lifecycle.OPEN))
    if show == "overdue":
        query = query.where(Case.due_on < today)
    elif show == "due_soon":
        query = query.where(Case.due_on.between(today, today + timedelta(days=limits.DUE_SOON_DAYS)))
    return query.order_by(Case.due_on.is_(None), Case.due_on, Case.id)


@bp.get("/cases")
@role_required("receptionist")
def cases():
    show = request.args.get("show", "open")
    if show not in LISTS:
        show = "open"
    today = local_date(utcnow())
    rows = [(item, item.due_on, lifecycle.urgency(item.due_on, today)
             if item.status in lifecycle.OPEN else None)
            for item in db.session.scalars(_list_query(show, today).limit(LIST_LIMIT))]
    return render_template("staff/cases.html", rows=rows, show=show, today=today,
                           case_status=STATUS_LABELS, categories=CATEGORIES, mask_name=mask_name,
                           mask_id_number=mask_id_number, mask_phone=mask_phone)
