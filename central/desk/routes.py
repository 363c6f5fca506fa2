"""Case desk views: thin; the rules live in desk/operations.py and central/operations.py."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from petition.clock import local_date
from petition.vocabulary import CASE_STATUS, CATEGORIES
from sync.protocol import CENTRAL_STATUSES

from ..operations import CentralError, set_handling
from . import accounts, bp, operations
from .forms import HandlingForm, LoginForm



def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _today():
    return local_date(datetime.now(timezone.utc))


@bp.before_request
def _idle_sign_out():
    if accounts.idle_sign_out(datetime.now(timezone.utc)):
        return redirect(url_for(".login", idle=1))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        now = datetime.now(timezone.utc)
        try:
            user = accounts.authenticate(form.username.data, form.password.data,
                                         address=request.remote_addr, now=_now())
        except accounts.SignInRefused as refused:
            error = (_("Too many failed sign-ins: this account is locked from here for a while.")
                     if refused.locked else _("The user name or password is not right."))
        else:
            login_user(user)
            accounts.signed_in(now)
            return redirect(url_for(".cases"))
    return render_template("desk/login.html", form=form, error=error,
                           idle=request.args.get("idle") == "1"), 200 if not error else 401


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for(".login"))


@bp.get("/")
@login_required
def cases():
    args = request.args
    filters = operations.Filters(
        kiosk=args.get("kiosk", "")[:64],
        status=args.get("status", "") if args.get("status", "") in ("new", *CENTRAL_STATUSES) else "",
        category=args.get("category", "") if args.get("category", "") in CATEGORIES else "",
        due=args.get("due", "") if args.get("due", "") in ("overdue", "week") else "",
        joint=args.get("joint") == "1",
    )
    today = _today()
    rows = operations.list_cases(filters, today)
    return render_template("desk/cases.html", rows=rows, filters=filters, today=today,
                           due_on=operations.due_on, kiosks=operations.kiosk_ids(),
                           statuses=CASE_STATUS, central_statuses=CENTRAL_STATUSES,
                           categories=CATEGORIES)


@bp.route("/case/<case_id>", methods=["GET", "POST"])
@login_required
def case(case_id: str):
    row, petitioner, visits = operations.case_detail(case_id[:36])
    if row is None:
        abort(404)
    form = HandlingForm(status=row.central_status or "accepted", reply=row.reply_text or "")
    if form.validate_on_submit():
        try:
            set_handling(case_id, form.status.data, reply_text=form.reply.data.strip() or None,
                         now=_now(), commit=False)
        except CentralError as error:
            abort(error.status)
        operations.record(current_user.username, "handle", case_id, now=_now(),
                          detail=form.status.data)  # commits the change and its audit together
        flash(_("Saved. The kiosk receives it on its next sync."))
        return redirect(url_for(".case", case_id=case_id))
    # Every page that shows the petitioner's data is a view, a refused form included.
    operations.record(current_user.username, "view", case_id, now=_now())
    return render_template("desk/case.html", row=row, petitioner=petitioner, visits=visits,
                           form=form, due=operations.due_on(row), today=_today(),
                           statuses=CASE_STATUS, categories=CATEGORIES)


@bp.get("/kiosks")
@login_required
def kiosks():
    return render_template("desk/kiosks.html", overview=operations.kiosk_overview())
