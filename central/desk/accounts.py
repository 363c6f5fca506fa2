"""Signing in to the case desk, with the console's rules (appkit.signin).

Five failed sign-ins (CENTRAL_SIGN_IN_ATTEMPTS) lock that account from that
address for 15 minutes (CENTRAL_SIGN_IN_LOCK_MINUTES), and
CENTRAL_SIGN_IN_ADDRESS_ATTEMPTS failures from one address, whatever the
names, lock that address (the limit on the login view); a desk left alone for CENTRAL_STAFF_IDLE_MINUTES is
signed out at its next request. Signing in starts a fresh session; signing
out, disabling a user or a new password ends the user's sessions everywhere.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from appkit.signin import SignInLock, SignInRefused, end_sessions, fresh_session, idle_signed_out, mark_active

from ..extensions import db
from ..models import DeskSignInFailure, StaffUser

SEEN = "desk_seen"
__all__ = ["SignInRefused"]


def sign_in_rules() -> SignInLock:
    config = current_app.config
    return SignInLock(db.session, DeskSignInFailure, config["CENTRAL_SIGN_IN_ATTEMPTS"],
                      config["CENTRAL_SIGN_IN_LOCK_MINUTES"], config["CENTRAL_SIGN_IN_ADDRESS_ATTEMPTS"])


def _find(username: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(StaffUser.username == username)).first()


def authenticate(username: str, password: str, *, address: str, now: datetime) -> StaffUser:
    """The desk user if the name and password are right and nothing is locked; commits."""
    return sign_in_rules().authenticate(username, password, address=address, now=now, find=_find)


def sign_in(user: StaffUser, now: datetime) -> None:
    """Sign `user` in to a fresh session: nothing from before carries over."""
    fresh_session()
    login_user(user)
    mark_active(SEEN, now)


def sign_out() -> None:
    """Sign out here and everywhere else: every session of this user ends (a copied cookie too)."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()


def idle_sign_out(now: datetime) -> bool:
    """Sign out a desk left alone too long; True when that happened."""
    return idle_signed_out(SEEN, current_app.config["CENTRAL_STAFF_IDLE_MINUTES"], now)


def signed_in(now: datetime) -> None:
    mark_active(SEEN, now)
