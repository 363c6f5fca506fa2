"""Sign in, sign out, and the role check every staff view uses."""

from __future__ import annotations

import re
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from appkit.signin import address_limit, end_sessions, fresh_session, mark_active
from petition.clock import utcnow

from ..extensions import db
from . import bp, operations
from .forms import SignInForm, SignOutForm


def role_required(role: str):
    """Signed in, and with at least `role` (receptionist < supervisor < admin)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not operations.has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


# A path of the console and nothing else: no other host, no CR or LF that could split headers.
_CONSOLE_PATH = re.compile(r"/staff(?:/[A-Za-z0-9/_.~%?&=+-]*)?")


def _safe_next(target: str | None) -> str:
    if target and _CONSOLE_PATH.fullmatch(target) and "//" not in target:
        return target
    return url_for("staff.console")


@bp.route("/sign-in", methods=["GET", "POST"])
@address_limit(operations.sign_in_rules, utcnow)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("staff.console"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.username.data, form.password.data,
                                           address=request.remote_addr or "", now=utcnow())
        except operations.SignInRefused as refused:
            if refused.reason == "busy":
                flash(_("Many sign-ins are being checked at this moment; please try again."), "error")
                return render_template("staff/sign_in.html", form=form), 429
            if refused.locked:
                flash(_("Too many failed sign-ins: this account is locked from this computer "
                        "for %(minutes)d minutes.",
                        minutes=int(current_app.config["KIOSK_SIGN_IN_LOCK_MINUTES"])), "error")
            else:
                flash(_("The name or the password is wrong."), "error")
            return render_template("staff/sign_in.html", form=form), 200
        fresh_session()  # nothing from before signing in carries over
        login_user(user)
        mark_active("staff_seen", utcnow())
        return redirect(_safe_next(request.args.get("next")))
    return render_template("staff/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Every session of this user ends, a copy of this cookie included.
            end_sessions(current_user)
            db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for(".sign_in"))
