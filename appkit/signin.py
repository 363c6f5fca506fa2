"""Sign-in rules shared by the kiosk's staff console and the central office's case desk.

Repeated failed sign-ins lock an account from that address for a while,
counted in each app's own database table (so a restart does not reset
them); a signed-in page left alone too long is signed out at its next
request. Each app passes its own session, failure model and settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import session
from flask_login import current_user, logout_user
from sqlalchemy import delete, func, select


@dataclass(frozen=True)
class SignInLock:
    """`failure` is a model with `username`, `address` and `at` columns."""

    db_session: Any
    failure: type
    attempts: int
    minutes: int

    def _since(self, now: datetime) -> datetime:
        return now - timedelta(minutes=self.minutes)

    def is_locked(self, username: str, address: str, now: datetime) -> bool:
        model = self.failure
        failures = self.db_session.scalar(
            select(func.count()).select_from(model).where(
                model.username == username, model.address == address, model.at > self._since(now)))
        return failures >= self.attempts

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


def idle_signed_out(key: str, minutes: int, now: datetime, *, passive: bool = False) -> bool:
    """Sign out a user idle longer than `minutes`; True when that happened.

    `key` names the session entry of the last activity; a `passive` request
    (a page polling by itself) neither counts as activity nor keeps anyone in.
    """
    if not current_user.is_authenticated:
        return False
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
