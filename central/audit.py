"""The desk's audit log (审计日志): who at the office saw or changed which case, when.

Every page that shows a petitioner's data is a view; every office step is a
change, with what it set; so is every supervision record (督办, 催办, a body's
answer) and an admin's change of an account or a kiosk. Lines join the caller's transaction, so a change
and its line commit together.
"""

from __future__ import annotations

from datetime import date, datetime

from .extensions import db
from .models import DeskAudit


def _text(value) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def record(actor: str, action: str, case_id: str | None, *, now: datetime,
           detail: str | None = None) -> None:
    """One line; `case_id` is None for what concerns no case (an account, a kiosk, a report)."""
    db.session.add(DeskAudit(at=now, actor=actor, action=action, case_id=case_id,
                             detail=detail[:2000] if detail else None))


def changed(actor: str, step: str, case_id: str, facts: dict, *, now: datetime) -> None:
    """An office step and the facts it set, in one line."""
    record(actor, step, case_id, now=now,
           detail="; ".join(f"{name}={_text(value)}" for name, value in facts.items()))
