"""The audit log (审计日志): who saw or changed what, when.

Every view of a person's full data and every change made at the console goes
through these helpers, so the log has one shape: actor, action, entity, id,
the person the record concerns, and for changes every changed field with its
value before and after, together in one row. Entries are added to the
caller's transaction: a change and its audit line commit together or not at
all. The table itself refuses UPDATE and DELETE (migrations 0001 and
0013_compact_audit).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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


def pack_changes(changes: Mapping[str, tuple[str | None, str | None]]) -> str:
    """{"field": [before, after], ...} as compact JSON text; the key "" is a value with no field."""
    return json.dumps({field: [before, after] for field, (before, after) in changes.items()},
                      ensure_ascii=False, separators=(",", ":"))


def person_of(entity: str, record_obj) -> str | None:
    """The person a record concerns (the "by person" filter), from what is already loaded."""
    if entity == "person":
        return record_obj.id
    if hasattr(record_obj, "person_id"):
        return record_obj.person_id
    visit = getattr(record_obj, "visit", None)  # a representative or a material
    return getattr(visit, "person_id", None)


def record(actor: str, action: str, entity: str, entity_id: str | None,
           changes: Mapping[str, tuple[Any, Any]] | None = None, *, person_id: str | None = None,
           now: datetime | None = None) -> AuditEntry:
    """Add one line: `changes` maps each field to its (before, after); none for a view."""
    if person_id is None and entity == "person":
        person_id = entity_id
    packed = pack_changes({field: (_text(before), _text(after))
                           for field, (before, after) in changes.items()}) if changes else None
    entry = AuditEntry(actor=actor, action=action, entity=entity, entity_id=entity_id,
                       person_id=person_id, changes=packed, at=now or utcnow())
    db.session.add(entry)
    return entry


def viewed(actor: str, entity: str, entity_id: str, *, person_id: str | None = None,
           now: datetime | None = None) -> None:
    """A member of staff saw this record's full personal data."""
    record(actor, "view", entity, entity_id, person_id=person_id, now=now)


def change(actor: str, record_obj, entity: str, values: dict[str, Any], *,
           action: str = "change", now: datetime | None = None) -> bool:
    """Set each field that differs, log them in one line, and bump the record's version once.

    Returns whether anything changed, so callers can tell "saved" from "nothing to save".
    """
    changes = {}
    for field, new in values.items():
        old = getattr(record_obj, field)
        if old == new:
            continue
        setattr(record_obj, field, new)
        changes[field] = (old, new)
    if not changes:
        return False
    record(actor, action, entity, record_obj.id, changes, person_id=person_of(entity, record_obj),
           now=now)
    if hasattr(record_obj, "touch"):
        record_obj.touch()
        if now is not None and hasattr(record_obj, "updated_at"):
            record_obj.updated_at = now
    return True
