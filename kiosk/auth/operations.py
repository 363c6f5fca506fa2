"""Staff accounts and signing in: argon2 password hashes, roles, the sign-in lock.

Five failed sign-ins for one account from one address within
KIOSK_SIGN_IN_LOCK_MINUTES lock that account from that address until the
oldest of them is older than that. The failures are rows in the database, so
a restart of the kiosk does not reset the count, and every waitress thread
sees the same count. An unknown name is counted and answered exactly like a
wrong password, so the form does not tell which names exist.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from appkit import passwords
from appkit.signin import SignInLock

from ..extensions import db
from ..models import SignInFailure, StaffUser

ROLES = ("receptionist", "supervisor", "admin")
# Each role may do what the roles before it may.
ROLE_LEVEL = {role: level for level, role in enumerate(ROLES)}

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


class SignInRefused(Exception):
    """Signing in failed: `locked` tells a lock from a wrong name or password."""

    def __init__(self, locked: bool):
        super().__init__("locked" if locked else "wrong name or password")
        self.locked = locked


def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and \
        ROLE_LEVEL.get(user.role, -1) >= ROLE_LEVEL[role]


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
    user = StaffUser(username=username, password_hash=passwords.hash_password(password), role=role, active=True)
    db.session.add(user)
    return user


def _lock() -> SignInLock:
    config = current_app.config
    return SignInLock(db.session, SignInFailure, config["KIOSK_SIGN_IN_ATTEMPTS"],
                      config["KIOSK_SIGN_IN_LOCK_MINUTES"])


def is_locked(username: str, address: str, now: datetime) -> bool:
    return _lock().is_locked(username, address, now)


def authenticate(username: str, password: str, *, address: str, now: datetime) -> StaffUser:
    """The account if the name and password are right and it is not locked; commits."""
    username = (username or "").strip()[:64]
    address = (address or "unknown")[:64]
    lock = _lock()
    if lock.is_locked(username, address, now):
        raise SignInRefused(locked=True)
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    if not (passwords.check(user.password_hash if user else None, password) and user.active):
        raise SignInRefused(locked=lock.failed(username, address, now))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    lock.succeeded(username, address)
    db.session.commit()
    return user
