"""Sign-in rules shared by the kiosk's staff console and the central office's case desk.

- Repeated failed sign-ins lock an account from that address for a while,
  counted in each app's own database table (a restart does not reset them).
- Many failed sign-ins from one address, whatever the names tried, refuse
  every sign-in from there for the same while (`address_limit`). They are
  counted in the same table, so every process of an app (the office's
  several workers) sees the same count. That check comes before anything
  else, so a flood of made-up names costs a few hashes and then one indexed
  count each; appkit.passwords also bounds how many hashes run at once.
- Every session cookie carries the user's `session_token` besides their id
  (`session_id`); signing out, disabling the user or setting a new password
  draws a new token, which ends every session of that user, in every browser,
  even a cookie copied before. Signing in starts from an empty session.
- A signed-in page left alone too long is signed out at its next request.

Each app passes its own database session, failure model, user lookup and settings.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import Response, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from markupsafe import escape
from sqlalchemy import Boolean, Index, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from . import passwords


class SignInRefused(Exception):
    """Signing in failed: `reason` is "wrong" (name or password), "locked" (this account from
    this address, or this address altogether) or "busy" (too many sign-ins being checked)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def locked(self) -> bool:
        return self.reason == "locked"


# --- sessions that end everywhere ---------------------------------------------------------

def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def session_id(user_id: Any, token: str) -> str:
    """What Flask-Login keeps in the session cookie for a user: their id and session token."""
    return f"{user_id}:{token}"


def load_session_user(value: str, find: Callable[[str], Any]) -> Any:
    """The user a session cookie names, or None when the user is gone or disabled, or the
    cookie's token is not the user's current one (signed out, disabled, password changed)."""
    user_id, _, token = (value or "").partition(":")
    if not token:
        return None
    user = find(user_id)
    if user is None or not user.active or not user.session_token:
        return None
    return user if hmac.compare_digest(user.session_token.encode(), token.encode()) else None


def end_sessions(user) -> None:
    """End every session of `user`, in every browser (the caller commits)."""
    user.session_token = new_session_token()


class SignInUser:
    """The columns and Flask-Login methods of a user who signs in with a name and a password
    (`SignInLock.authenticate`); each app's model adds its table, `id`, role and the rest."""

    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Part of every session cookie of this user (`session_id`): drawn anew at sign-out,
    # disabling and a new password, which ends every session made before, in any browser.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False, default="",
                                               server_default="")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return session_id(self.id, self.session_token)


# --- failed sign-ins ----------------------------------------------------------------------

def address_limit(lock: Callable[[], SignInLock], now: Callable[[], datetime]):
    """Decorate a sign-in view: once the address has failed `lock().address_attempts` times in
    the lock's minutes, whatever the names, its POSTs get 429 before the form is even read."""
    def decorate(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method == "POST":
                rules = lock()
                if rules.address_locked((request.remote_addr or "unknown")[:64], now()):
                    return _address_refused(rules.minutes)
            return view(*args, **kwargs)
        return limited
    return decorate


def _address_refused(minutes: int) -> Response:
    # A one-line page, not the app's error page: under a flood, refusing must cost next to
    # nothing, so the touch screen's requests queued behind these stay fast.
    message = _l("Too many failed sign-ins from this computer. Please wait %(minutes)d minutes.",
                 minutes=minutes)
    return Response(f"<!doctype html><meta charset=utf-8><p>{escape(str(message))}</p>", 429,
                    {"Cache-Control": "no-store"}, mimetype="text/html")


class FailedSignIn:
    """The columns of a failed sign-in, kept so repeated failures lock the account from that
    address (`SignInLock`); each app's model adds its table and its `at` column."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    address: Mapped[str] = mapped_column(String(64), nullable=False)

    @staticmethod
    def indexes(table: str) -> tuple[Index, Index]:
        """By name and address (the per-account lock), by address alone (the per-address limit)."""
        return (Index(f"ix_{table}_lookup", "username", "address", "at"),
                Index(f"ix_{table}_address", "address", "at"))


#: Locked addresses and when each lock ends at the earliest, per database and failure table.
_locked_until: dict[tuple[str, str, str], datetime] = {}
LOCKED_REMEMBERED = 10_000


@dataclass(frozen=True)
class SignInLock:
    """`failure` is a model with `username`, `address` and `at` columns: `attempts` failures
    for one name from one address lock that name from there; `address_attempts` failures from
    one address, whatever the names, lock every sign-in from there."""

    db_session: Any
    failure: type
    attempts: int
    minutes: int
    address_attempts: int

    def _since(self, now: datetime) -> datetime:
        return now - timedelta(minutes=self.minutes)

    def is_locked(self, username: str, address: str, now: datetime) -> bool:
        model = self.failure
        failures = self.db_session.scalar(
            select(func.count()).select_from(model).where(
                model.username == username, model.address == address, model.at > self._since(now)))
        return failures >= self.attempts

    def address_locked(self, address: str, now: datetime) -> bool:
        """Whether `address_attempts` failures from the address fall in the lock's window.

        Once it is, nothing from there is counted (its POSTs are refused before the form
        is read), so it stays locked at least until the newest of those failures but
        `address_attempts - 1` leaves the window. That moment is remembered in this
        process: under a flood, a refusal then costs no query.
        """
        key = (str(self.db_session.get_bind().url), self.failure.__tablename__, address)
        until = _locked_until.get(key)
        if until is not None and now < until:
            return True
        model = self.failure
        newest = self.db_session.scalars(
            select(model.at).where(model.address == address, model.at > self._since(now))
            .order_by(model.at.desc()).limit(self.address_attempts)).all()
        if len(newest) < self.address_attempts:
            _locked_until.pop(key, None)
            return False
        if len(_locked_until) >= LOCKED_REMEMBERED:
            _locked_until.clear()
        _locked_until[key] = newest[-1] + timedelta(minutes=self.minutes)
        return True

    def failed(self, username: str, address: str, now: datetime) -> bool:
        """Record a failure and commit; True when the account is now locked from there."""
        model = self.failure
        # Failures older than the lock window no longer count: drop them so the table stays small.
        self.db_session.execute(delete(model).where(model.at <= self._since(now)))
        self.db_session.add(model(username=username, address=address, at=now))
        self.db_session.commit()
        return self.is_locked(username, address, now)

    def succeeded(self, username: str, address: str) -> None:
        """Forget this address's failures for the account (the caller commits)."""
        model = self.failure
        self.db_session.execute(delete(model).where(model.username == username,
                                                    model.address == address))

    def authenticate(self, username: str, password: str, *, address: str, now: datetime,
                     find: Callable[[str], Any]) -> Any:
        """The user `find(username)` if the password is theirs, they are active and nothing is
        locked; else SignInRefused. Commits (the failure, or a stronger hash and a token)."""
        username, address = (username or "").strip()[:64], (address or "unknown")[:64]
        if self.is_locked(username, address, now):
            raise SignInRefused("locked")
        user = find(username)
        try:
            matches = passwords.check(user.password_hash if user else None, password)
        except passwords.Busy:
            # A failed attempt all the same (and its 429 counts for the address's limit too), so
            # a flood reaches its lock after a handful of requests, not after as many hashes.
            self.failed(username, address, now)
            raise SignInRefused("busy") from None
        if not (matches and user.active):
            raise SignInRefused("locked" if self.failed(username, address, now) else "wrong")
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        if not user.session_token:  # an account from before session tokens
            user.session_token = new_session_token()
        self.succeeded(username, address)
        self.db_session.commit()
        return user


def idle_signed_out(key: str, minutes: int, now: datetime, *, passive: bool = False) -> bool:
    """Sign out a user idle longer than `minutes`; True when that happened.

    `key` names the session entry of the last activity; a `passive` request
    (a page polling by itself) neither counts as activity nor keeps anyone in.
    """
    if "_user_id" not in session or not current_user.is_authenticated:
        return False  # Flask-Login keeps the signed-in user under "_user_id": none, no lookup
    seen = session.get(key)
    if not isinstance(seen, (int, float)) or now.timestamp() - seen > minutes * 60:
        logout_user()
        session.clear()
        return True
    if not passive:
        session[key] = now.timestamp()
    return False


def mark_active(key: str, now: datetime) -> None:
    session[key] = now.timestamp()


def fresh_session() -> None:
    """Start a signed-in session from nothing: what the browser carried before signing in
    (another visitor's leftovers, a fixed session) does not carry over."""
    session.clear()
