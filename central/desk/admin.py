"""The admin's pages: desk accounts with their roles, and kiosks' credentials (registered, revoked).

Every change is audited (central/staff.py, and here for kiosks). The office keeps
at least one active admin: the last one can be neither demoted nor disabled.
A new kiosk's credential is shown once, in the answer to the form, and never
stored or put in a cookie.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from appkit.views import found_or_404
from petition.clock import utcnow_naive

from .. import audit, staff
from ..extensions import db
from ..models import StaffUser
from ..operations import add_kiosk, revoke_kiosk
from ..roles import ROLE_LABELS, Permission, Role
from . import bp
from .access import requires

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class AccountForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name shown on the desk"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.VIEWER.value)
    password = PasswordField(_l("Password (at least 10 characters)"),
                             validators=[DataRequired(), Length(min=staff.MIN_PASSWORD, max=200)])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class KioskForm(FlaskForm):
    kiosk_id = StringField(_l("Kiosk id"), validators=[
        DataRequired(), Length(max=64),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, dot, dash and underscore only."))])
    name = StringField(_l("Where it stands"), validators=[DataRequired(), Length(max=100)])


def _accounts_page(form: AccountForm, status: int = 200):
    return render_template("desk/accounts.html", users=staff.everyone(), form=form, roles=ROLE_LABELS,
                           role_form=RoleForm()), status


def _other_active_admins(user: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == Role.ADMIN.value, StaffUser.active.is_(True), StaffUser.id != user.id)) or 0


def _account(username: str) -> StaffUser:
    return found_or_404(staff.find(username[:64]))


@bp.get("/admin/accounts")
@requires(Permission.ACCOUNTS)
def accounts():
    return _accounts_page(AccountForm())


@bp.post("/admin/accounts")
@requires(Permission.ACCOUNTS)
def account_save():
    form = AccountForm()
    if not form.validate():
        return _accounts_page(form, 422)
    existing = staff.find(form.username.data.strip())
    if existing is not None and existing.role == Role.ADMIN.value and form.role.data != Role.ADMIN.value \
            and not _other_active_admins(existing):
        flash(_("The office keeps at least one active administrator."), "error")
        return _accounts_page(form, 422)
    try:
        staff.save(form.username.data, name=form.display_name.data, role=form.role.data,
                   password=form.password.data, by=current_user.username, now=utcnow_naive())
    except staff.AccountError:
        flash(_("Please correct the marked fields."), "error")
        return _accounts_page(form, 422)
    flash(_("Saved."))
    return redirect(url_for(".accounts"))


@bp.post("/admin/accounts/<username>/role")
@requires(Permission.ACCOUNTS)
def account_role(username: str):
    user, form = _account(username), RoleForm()
    if not form.validate():
        abort(400)
    if user.role == Role.ADMIN.value and form.role.data != Role.ADMIN.value and not _other_active_admins(user):
        flash(_("The office keeps at least one active administrator."), "error")
    else:
        staff.set_role(user, form.role.data, by=current_user.username, now=utcnow_naive())
        flash(_("Saved."))
    return redirect(url_for(".accounts"))


@bp.post("/admin/accounts/<username>/disable")
@requires(Permission.ACCOUNTS)
def account_disable(username: str):
    user = _account(username)
    if not FlaskForm().validate():
        abort(400)
    if user.role == Role.ADMIN.value and not _other_active_admins(user):
        flash(_("The office keeps at least one active administrator."), "error")
    else:
        staff.set_active(user, False, by=current_user.username, now=utcnow_naive())
        flash(_("Saved."))
    return redirect(url_for(".accounts"))


@bp.post("/admin/kiosks")
@requires(Permission.KIOSKS)
def kiosk_register():
    form = KioskForm()
    if not form.validate():
        flash(_("Please correct the marked fields."), "error")
        return redirect(url_for(".kiosks"))
    now = utcnow_naive()
    kiosk_id = form.kiosk_id.data.strip()
    key = add_kiosk(kiosk_id, form.name.data.strip(), now=now)
    audit.record(current_user.username, "kiosk", None, now=now, detail=f"{kiosk_id}: credential issued")
    db.session.commit()
    return render_template("desk/kiosk_credential.html", kiosk_id=kiosk_id, key=key)


@bp.post("/admin/kiosks/<kiosk_id>/revoke")
@requires(Permission.KIOSKS)
def kiosk_revoke(kiosk_id: str):
    if not FlaskForm().validate():
        abort(400)
    now = utcnow_naive()
    if not revoke_kiosk(kiosk_id[:64], now=now):
        abort(404)
    audit.record(current_user.username, "kiosk", None, now=now, detail=f"{kiosk_id[:64]}: revoked")
    db.session.commit()
    flash(_("Kiosk %(id)s can no longer sync.", id=kiosk_id[:64]))
    return redirect(url_for(".kiosks"))
