"""Signing in to the case desk, with the console's rules (kiosk/auth/rules.py).

Five failed sign-ins (CENTRAL_SIGN_IN_ATTEMPTS) lock that account from that
address for 15 minutes (CENTRAL_SIGN_IN_LOCK_MINUTES); a desk left alone for
CENTRAL_STAFF_IDLE_MINUTES is signed out at its next request.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from appkit import passwords
from appkit.signin import SignInLock, idle_signed_out, mark_active

from ..extensions import db
from ..models import DeskSignInFailure, StaffUser

SEEN = "desk_seen"


class SignInRefused(Exception):
    def __init__(self, locked: bool):
        super().__init__("locked" if locked else "wrong name or password")
        self.locked = locked


def _lock() -> SignInLock:
    config = current_app.config
    return SignInLock(db.session, DeskSignInFailure, config["CENTRAL_SIGN_IN_ATTEMPTS"],
                      config["CENTRAL_SIGN_IN_LOCK_MINUTES"])


def authenticate(username: str, password: str, *, address: str, now: datetime) -> StaffUser:
    """The desk user if the name and password are right and not locked out; commits."""
    username, address = (username or "").strip()[:64], (address or "unknown")[:64]
    lock = _lock()
    if lock.is_locked(username, address, now):
        raise SignInRefused(locked=True)
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    if not (passwords.check(user.password_hash if user else None, password) and user.active):
        raise SignInRefused(locked=lock.failed(username, address, now))
    lock.succeeded(username, address)
    db.session.commit()
    return user


def idle_sign_out(now: datetime) -> bool:
    """Sign out a desk left alone too long; True when that happened."""
    return idle_signed_out(SEEN, current_app.config["CENTRAL_STAFF_IDLE_MINUTES"], now)


def signed_in(now: datetime) -> None:
    mark_active(SEEN, now)
