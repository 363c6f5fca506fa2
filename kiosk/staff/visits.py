"""A called ticket's page: the registration at the window, with the person's history.

This page shows the person's full data, so each GET is written to the audit
log as a view; lists elsewhere show only masked values.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from kiosk.calling import operations as queue
from petition.clock import local, local_date, utcnow
from petition.lifecycle import STATUS_LABELS
from petition.vocabulary import CATEGORIES, MAX_REPRESENTATIVES, SERVICES

from .. import audit
from ..auth.routes import role_required
from ..extensions import db
from ..models import Visit
from ..printing.operations import latest_ticket_job
from ..visits import bodies
from ..visits import states as visit_states
from . import bp, operations
from .console import my_window
from .forms import ActionForm, LinkCaseForm, RegistrationForm, TransferForm


def body_choices(keep: str | None = None) -> list[SelectChoice]:
    """The active bodies, plus `keep` (a hidden body an earlier entry chose)."""
    return [SelectChoice("", "—")] + [SelectChoice(name) for name in bodies.active_names(keep)]


def _form_data(visit: Visit) -> dict:
    person, case = visit.person, visit.case
    reps = [{"name": r.name, "id_number": r.id_number, "phone": r.phone} for r in visit.representatives]
    materials = [{"name": m.name, "count": m.count} for m in visit.materials]
    return {
        "name": person.name, "gender": person.gender or "", "id_number": person.id_number,
        "phone": person.phone, "address": person.address, "is_deputy": person.is_deputy,
        "category": case.category or visit.category, "body_name": case.body_name or visit.body_name or "",
        "matter": case.matter, "request": case.request, "group_size": visit.group_size,
        "representatives": reps, "materials": materials,
        "urgent": case.urgent, "joint_supervision": case.joint_supervision,
    }


def _entry(form: RegistrationForm, visit: Visit) -> operations.Registration:
    strip = lambda value: (value or "").strip() or None  # noqa: E731
    group = visit.service == "group"
    return operations.Registration(
        person={"name": strip(form.name.data), "gender": form.gender.data or None,
                "id_number": form.id_number.data, "phone": form.phone.data,
                "address": strip(form.address.data), "is_deputy": bool(form.is_deputy.data)},
        case={"category": form.category.data, "body_name": form.body_name.data or None,
              "matter": strip(form.matter.data), "request": strip(form.request.data),
              "urgent": bool(form.urgent.data), "joint_supervision": bool(form.joint_supervision.data)},
        visit={"category": form.category.data, "body_name": form.body_name.data or None,
               "group_size": (form.group_size.data or 1) if group else 1},
        representatives=[{"name": strip(rep.form.name.data), "id_number": rep.form.id_number.data or None,
                          "phone": rep.form.phone.data or None} for rep in form.representatives]
        if group else [],
        materials=[{"name": strip(m.form.name.data), "count": m.form.count.data} for m in form.materials],
    )


def _load(visit_id: str) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.person is None or visit.case is None:
        abort(404)
    return visit


@bp.route("/visits/<visit_id>", methods=["GET", "POST"])
@role_required("receptionist")
def visit(visit_id: str):
    visit = _load(visit_id)
    now = utcnow()
    form = RegistrationForm(data=None if request.method == "POST" else _form_data(visit))
    form.body_name.choices = body_choices(keep=visit.case.body_name or visit.body_name)
    if request.method == "POST":
        if form.validate():
            changed = operations.save_registration(visit, _entry(form, visit),
                                                   by=current_user.username, now=now)
            flash(_("The registration is saved.") if changed else _("Nothing was changed."), "info")
            return redirect(url_for(".visit", visit_id=visit.id))
        flash(_("Please correct the marked fields."), "error")
    else:
        queue.receive(visit, by=current_user.username, now=now)
    audit.viewed(current_user.username, "person", visit.person.id, now=now)
    db.session.commit()
    return render_template(
        "staff/visit.html", visit=visit, case=visit.case, person=visit.person, form=form,
        earlier=operations.earlier_visits(visit), link_form=LinkCaseForm(), action=ActionForm(),
        transfer=TransferForm(), services=SERVICES, categories=CATEGORIES, case_status=STATUS_LABELS,
        visit_status=visit_states.LABELS, local=local, group=visit.service == "group",
        max_reps=MAX_REPRESENTATIVES, window=my_window(), due=visit.case.due_on if visit.case else None,
        today=local_date(now), ticket_job=latest_ticket_job(visit)), 422 if form.errors else 200


@bp.post("/visits/<visit_id>/link-case")
@role_required("receptionist")
def link_case(visit_id: str):
    visit = _load(visit_id)
    form = LinkCaseForm()
    if form.validate():
        try:
            case = operations.link_case(visit, form.case_id.data, by=current_user.username, now=utcnow())
            flash(_("This visit is now a repeat visit of the earlier case."), "info")
            return redirect(url_for(".case", case_id=case.id))
        except operations.RegistrationError:
            flash(_("That case cannot be linked to this visit."), "error")
    return redirect(url_for(".visit", visit_id=visit.id))
