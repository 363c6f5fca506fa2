"""Signing in to the case desk and out of it, and the idle sign-out before every desk request.

The rules (lockout, idle minutes) live in desk/accounts.py and appkit.signin.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from appkit.signin import address_limit
from petition.clock import utcnow_naive

from . import accounts, bp
from .access import open_view
from .forms import LoginForm


@bp.before_request
def _idle_sign_out():
    if accounts.idle_sign_out(datetime.now(timezone.utc)):
        return redirect(url_for(".login", idle=1))
    return None


@bp.route("/login", methods=["GET", "POST"])
@open_view
@address_limit(accounts.sign_in_rules, utcnow_naive)
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
@open_view
def logout():
    accounts.sign_out()
    return redirect(url_for(".login"))
