"""A case's page, the window's steps on it, and the lists of open, due and overdue cases.

The buttons call the window's steps (kiosk/cases/states.py, on
petition.lifecycle); a refused step comes back as a message on the page,
never an error page. The lists are kiosk/cases/listing.py's: this view reads the
filters from the URL and shows one page.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from appkit.forms import posted_step
from petition import lifecycle
from petition.clock import local, local_date, utcnow
from petition.lifecycle import STATUS_LABELS
from petition.privacy import mask_id_number, mask_name, mask_phone
from petition.vocabulary import CATEGORIES, SATISFACTION

from .. import audit
from ..auth.routes import role_required
from ..cases import listing, states
from ..extensions import db
from ..models import Case, Visit
from ..visits import bodies
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
    forms = _forms()
    form = posted_step(forms, transition)
    if form is None:
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


def _filters() -> listing.Filters:
    """The list and filters the URL asks for; a value that is not one of ours is no filter."""
    args = request.args
    show = args.get("show", "open")
    category = args.get("category") or None
    body = (args.get("body") or "").strip()[:100] or None

    def day(name: str):
        try:
            return date.fromisoformat(args.get(name) or "")
        except ValueError:
            return None

    return listing.Filters(show=show if show in listing.LISTS else "open",
                           category=category if category in CATEGORIES else None, body=body,
                           registered_from=day("from"), registered_to=day("to"))


@bp.get("/cases")
@role_required("receptionist")
def cases():
    filters = _filters()
    today = local_date(utcnow())
    found = listing.page(filters, today=today, after=request.args.get("after"),
                         before=request.args.get("before"))
    rows = _lines(found.cases, today)
    query = {"show": filters.show, "category": filters.category, "body": filters.body,
             "from": filters.registered_from.isoformat() if filters.registered_from else None,
             "to": filters.registered_to.isoformat() if filters.registered_to else None}
    query = {name: value for name, value in query.items() if value}
    return render_template("staff/cases.html", rows=rows, show=filters.show, filters=filters,
                           query=query, found=found, bodies=bodies.active_names(filters.body),
                           categories=CATEGORIES)


class Line(NamedTuple):
    """One row of a case list as shown: masked, labelled, dates written out."""

    id: str
    registered_on: str
    name: str
    id_number: str
    phone: str
    category: str
    body: str
    matter: str
    status: str
    due_on: str
    urgency: str | None  # "overdue", "due_soon" or None (lifecycle.urgency, open cases only)


def _lines(rows, today: date) -> list[Line]:
    """A page's rows ready to show; each label is translated once for the page, not once a row."""
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    categories = {code: str(item.label) for code, item in CATEGORIES.items()}
    return [Line(row.id, row.registered_on.isoformat(), mask_name(row.name), mask_id_number(row.id_number),
                 mask_phone(row.phone), categories.get(row.category, ""), row.body_name or "",
                 row.matter or "", statuses.get(row.status, row.status),
                 row.due_on.isoformat() if row.due_on else "",
                 lifecycle.urgency(row.due_on, today) if row.status in lifecycle.OPEN else None)
            for row in rows]
