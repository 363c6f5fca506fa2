"""Case desk views: thin; the rules live in petition.lifecycle, central/cases.py and desk/operations.py."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from appkit.signin import address_limit
from petition import lifecycle
from petition.clock import local_date, utcnow_naive
from petition.lifecycle import STATUS_LABELS
from petition.vocabulary import CATEGORIES, DISPOSITIONS, SATISFACTION

from .. import audit
from .. import cases as office_cases
from ..extensions import db, limiter
from ..operations import CentralError
from . import accounts, bp, operations
from .forms import STEPS, LoginForm, step_forms


def _today():
    return local_date(datetime.now(timezone.utc))


@bp.before_request
def _idle_sign_out():
    if accounts.idle_sign_out(datetime.now(timezone.utc)):
        return redirect(url_for(".login", idle=1))
    return None


@bp.route("/login", methods=["GET", "POST"])
@address_limit(limiter, "CENTRAL_SIGN_IN_ADDRESS_ATTEMPTS", "CENTRAL_SIGN_IN_LOCK_MINUTES")
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        now = datetime.now(timezone.utc)
        try:
            user = accounts.authenticate(form.username.data, form.password.data,
                                         address=request.remote_addr, now=utcnow_naive())
        except accounts.SignInRefused as refused:
            error = (_("Many sign-ins are being checked at this moment; please try again.")
                     if refused.reason == "busy" else
                     _("Too many failed sign-ins: this account is locked from here for a while.")
                     if refused.locked else _("The user name or password is not right."))
        else:
            accounts.sign_in(user, now)
            return redirect(url_for(".cases"))
    return render_template("desk/login.html", form=form, error=error,
                           idle=request.args.get("idle") == "1"), 200 if not error else 401


@bp.post("/logout")
@login_required
def logout():
    accounts.sign_out()
    return redirect(url_for(".login"))


@bp.get("/")
@login_required
def cases():
    args = request.args
    filters = operations.Filters(
        kiosk=args.get("kiosk", "")[:64],
        status=args.get("status", "") if args.get("status", "") in operations.STATUS_FILTERS else "",
        category=args.get("category", "") if args.get("category", "") in CATEGORIES else "",
        due=args.get("due", "") if args.get("due", "") in operations.DUE_FILTERS else "",
        joint=args.get("joint") == "1",
    )
    today = _today()
    rows = operations.list_cases(filters, today)
    return render_template("desk/cases.html", rows=rows, filters=filters, today=today,
                           kiosks=operations.kiosk_ids(), statuses=STATUS_LABELS,
                           categories=CATEGORIES, urgency=lifecycle.urgency)


def _case_page(case_id: str, forms: dict, status: int = 200):
    row, petitioner, visits = operations.case_detail(case_id)
    if row is None:
        abort(404)
    # Every page that shows the petitioner's data is a view, a refused form included.
    audit.record(current_user.username, "view", case_id, now=utcnow_naive())
    db.session.commit()
    today = _today()
    return render_template("desk/case.html", row=row, petitioner=petitioner, visits=visits,
                           forms=forms, allowed=lifecycle.allowed(row, lifecycle.Owner.OFFICE),
                           transitions=lifecycle.TRANSITIONS, urgency=lifecycle.urgency(row.due_on, today),
                           statuses=STATUS_LABELS, categories=CATEGORIES, dispositions=DISPOSITIONS,
                           satisfaction=SATISFACTION, today=today), status


@bp.get("/case/<case_id>")
@login_required
def case(case_id: str):
    return _case_page(case_id[:36], step_forms())


@bp.post("/case/<case_id>/<step>")
@login_required
def case_step(case_id: str, step: str):
    case_id = case_id[:36]
    if step not in STEPS:
        abort(404)
    forms = step_forms()
    form = forms[step]
    if not form.validate():
        flash(_("Please correct the marked fields."), "error")
        return _case_page(case_id, forms, 422)
    try:
        office_cases.step(case_id, step, by=current_user.username, now=utcnow_naive(), **STEPS[step][1](form))
    except CentralError as error:
        abort(error.status)
    except office_cases.IllegalTransition as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for(".case", case_id=case_id))
    flash(_("Saved. The kiosk receives it on its next sync."))
    return redirect(url_for(".case", case_id=case_id))


@bp.get("/kiosks")
@login_required
def kiosks():
    return render_template("desk/kiosks.html", overview=operations.kiosk_overview())
