"""Signing in to the case desk, with the console's rules (kiosk/auth).

Five failed sign-ins (CENTRAL_SIGN_IN_ATTEMPTS) lock that account from that
address for 15 minutes (CENTRAL_SIGN_IN_LOCK_MINUTES), counted in the
database so a restart does not reset them; a desk left alone for
CENTRAL_STAFF_IDLE_MINUTES is signed out at its next request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import current_user, logout_user
from sqlalchemy import delete, func, select

from kiosk.auth import passwords

from ..extensions import db
from ..models import DeskSignInFailure, StaffUser


class SignInRefused(Exception):
    def __init__(self, locked: bool):
        super().__init__("locked" if locked else "wrong name or password")
        self.locked = locked


def _since(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["CENTRAL_SIGN_IN_LOCK_MINUTES"])


def is_locked(username: str, address: str, now: datetime) -> bool:
    failures = db.session.scalar(
        select(func.count()).select_from(DeskSignInFailure).where(
            DeskSignInFailure.username == username, DeskSignInFailure.address == address,
            DeskSignInFailure.at > _since(now)))
    return failures >= current_app.config["CENTRAL_SIGN_IN_ATTEMPTS"]


def authenticate(username: str, password: str, *, address: str, now: datetime) -> StaffUser:
    """The desk user if the name and password are right and not locked out; commits."""
    username, address = (username or "").strip()[:64], (address or "unknown")[:64]
    if is_locked(username, address, now):
        raise SignInRefused(locked=True)
    user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    if not (passwords.check(user.password_hash if user else None, password) and user.active):
        db.session.execute(delete(DeskSignInFailure).where(DeskSignInFailure.at <= _since(now)))
        db.session.add(DeskSignInFailure(username=username, address=address, at=now))
        db.session.commit()
        raise SignInRefused(locked=is_locked(username, address, now))
    db.session.execute(delete(DeskSignInFailure).where(DeskSignInFailure.username == username,
                                                       DeskSignInFailure.address == address))
    db.session.commit()
    return user


def idle_sign_out(now: datetime) -> bool:
    """Sign out a desk left alone too long; True when that happened."""
    if not current_user.is_authenticated:
        return False
    seen = session.get("desk_seen")
    limit = timedelta(minutes=current_app.config["CENTRAL_STAFF_IDLE_MINUTES"]).total_seconds()
    if not isinstance(seen, (int, float)) or now.timestamp() - seen > limit:
        logout_user()
        session.clear()
        return True
    session["desk_seen"] = now.timestamp()
    return False


def signed_in(now: datetime) -> None:
    session["desk_seen"] = now.timestamp()
