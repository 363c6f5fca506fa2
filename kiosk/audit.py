"""The audit log (审计日志): who saw or changed what, when.

Every view of a person's full data and every change made at the console goes
through these helpers, so the log has one shape: actor, action, entity, id,
and for changes the field with its value before and after. Entries are added
to the caller's transaction: a change and its audit line commit together or
not at all. The table itself refuses UPDATE and DELETE (migration 0001).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from petition.clock import utcnow

from .extensions import db
from .models import AuditEntry


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def record(actor: str, action: str, entity: str, entity_id: str | None, *,
           field: str | None = None, before: Any = None, after: Any = None,
           now: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id,
                       field=field, before=_text(before), after=_text(after), at=now or utcnow())
    db.session.add(entry)
    return entry


def viewed(actor: str, entity: str, entity_id: str, *, now: datetime | None = None) -> None:
    """A member of staff saw this record's full personal data."""
    record(actor, "view", entity, entity_id, now=now)


def change(actor: str, record_obj, entity: str, values: dict[str, Any], *,
           now: datetime | None = None) -> bool:
    """Set each field that differs, log it, and bump the record's version once.

    Returns whether anything changed, so callers can tell "saved" from "nothing to save".
    """
    changed = False
    for field, new in values.items():
        old = getattr(record_obj, field)
        if old == new:
            continue
        setattr(record_obj, field, new)
        record(actor, "change", entity, record_obj.id, field=field, before=old, after=new, now=now)
        changed = True
    if changed and hasattr(record_obj, "touch"):
        record_obj.touch()
        if now is not None and hasattr(record_obj, "updated_at"):
            record_obj.updated_at = now
    return changed
