"""The desk's accounts (the office's staff): made, given a role, disabled; every change audited.

The CLI (`flask --app central staff …`) and the desk's admin page both come here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from appkit import passwords
from appkit.signin import end_sessions

from . import audit
from .extensions import db
from .models import StaffUser
from .roles import Role

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A refused account change; the message names what to fix."""


def find(username: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()


def save(username: str, *, name: str, role: str, password: str, by: str, now: datetime) -> StaffUser:
    """Create a desk user, or set a new name, role and password and re-activate one; commits."""
    username, name = (username or "").strip(), (name or "").strip()
    if not username or len(username) > 64 or not username.isprintable():
        raise AccountError("the user name is 1 to 64 printable characters")
    if not name or len(name) > 100:
        raise AccountError("the name is 1 to 100 characters")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password is at least {MIN_PASSWORD} characters")
    role = Role(role)
    user = find(username)
    if user is None:
        user = StaffUser(username=username, created_at=now, display_name=name, password_hash="")
        db.session.add(user)
    user.display_name, user.active, user.role = name, True, role.value
    user.password_hash = passwords.hash_password(password)
    end_sessions(user)  # a new password signs out every session made with the old one
    audit.record(by, "account", None, now=now, detail=f"{username}: {role.value}, active, password set")
    db.session.commit()
    return user


def set_role(user: StaffUser, role: str, *, by: str, now: datetime) -> None:
    user.role = Role(role).value
    audit.record(by, "account", None, now=now, detail=f"{user.username}: {user.role}")
    db.session.commit()


def set_active(user: StaffUser, active: bool, *, by: str, now: datetime) -> None:
    user.active = active
    end_sessions(user)  # disabled: signed out everywhere at once
    audit.record(by, "account", None, now=now,
                 detail=f"{user.username}: {'active' if active else 'disabled'}")
    db.session.commit()


def everyone() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.username)))
