"""Staff accounts and signing in: argon2 password hashes, roles, the sign-in lock.

Five failed sign-ins for one account from one address within
KIOSK_SIGN_IN_LOCK_MINUTES lock that account from that address until the
oldest of them is older than that; KIOSK_SIGN_IN_ADDRESS_ATTEMPTS failures
from one address, whatever the names, lock that address (appkit.signin's
address limit, on the sign-in view). The
failures are rows in the database, so a restart of the kiosk does not reset
the count, and every waitress thread sees the same count. An unknown name is
counted and answered exactly like a wrong password, so the form does not
tell which names exist. Signing out, disabling an account or giving it a new
password ends its sessions everywhere.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from appkit import passwords
from appkit.signin import SignInLock, SignInRefused, end_sessions, new_session_token

from ..extensions import db
from ..models import SignInFailure, StaffUser

ROLES = ("receptionist", "supervisor", "admin")
# Each role may do what the roles before it may.
ROLE_LEVEL = {role: level for level, role in enumerate(ROLES)}

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


__all__ = ["SignInRefused"]


def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and \
        ROLE_LEVEL.get(user.role, -1) >= ROLE_LEVEL[role]


def all_users() -> list[StaffUser]:
    """Every console account, by name (the admin's list, the audit page's filter)."""
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.username)))


def create_user(username: str, password: str, role: str) -> StaffUser:
    """Add an account; the caller commits."""
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise AccountError("a name of 1 to 64 characters")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password of at least {MIN_PASSWORD} characters")
    if db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first():
        raise AccountError(f"there is already an account named {username!r}")
    user = StaffUser(username=username, password_hash=passwords.hash_password(password), role=role,
                     active=True, session_token=new_session_token())
    db.session.add(user)
    return user


def sign_in_rules() -> SignInLock:
    config = current_app.config
    return SignInLock(db.session, SignInFailure, config["KIOSK_SIGN_IN_ATTEMPTS"],
                      config["KIOSK_SIGN_IN_LOCK_MINUTES"], config["KIOSK_SIGN_IN_ADDRESS_ATTEMPTS"])


def is_locked(username: str, address: str, now: datetime) -> bool:
    return sign_in_rules().is_locked(username, address, now)


def find_user(username: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()


def authenticate(username: str, password: str, *, address: str, now: datetime) -> StaffUser:
    """The account if the name and password are right and nothing is locked; commits."""
    return sign_in_rules().authenticate(username, password, address=address, now=now, find=find_user)


def disable(user: StaffUser) -> None:
    """Disable an account and end its sessions everywhere; the caller commits."""
    user.active = False
    end_sessions(user)


def set_password(user: StaffUser, password: str) -> None:
    """A new password, which ends the account's sessions everywhere; the caller commits."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password of at least {MIN_PASSWORD} characters")
    user.password_hash = passwords.hash_password(password)
    end_sessions(user)
