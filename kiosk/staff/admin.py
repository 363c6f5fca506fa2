"""The admin's page: staff accounts (the CLI `flask --app kiosk user add` does the same)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from petition.clock import utcnow

from .. import audit
from ..auth import operations as accounts
from ..auth.forms import ROLE_LABELS, UserForm
from ..auth.routes import role_required
from ..extensions import db
from . import bp


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.username.data, form.password.data, form.role.data)
            db.session.flush()
            audit.record(current_user.username, "add", "staff_user", user.id, {"role": (None, user.role)},
                         now=utcnow())
            db.session.commit()
            flash(_("Account %(name)s added.", name=user.username), "info")
            return redirect(url_for(".users"))
        except accounts.AccountError:
            db.session.rollback()
            flash(_("There is already an account with that name."), "error")
    return render_template("staff/users.html", form=form, users=accounts.all_users(), role_labels=ROLE_LABELS)
