"""Records held aside: what the office refused (or the agent's own check did), and why.

One broken record (a NUL in a name, typed before the forms refused it) must
not block every record behind it. The agent checks each record with the
protocol's rules before sending it and sends the rest; a record the office
refuses all the same is named in its answer and set aside too. Each held
record stays here, with the field and the reason, until a corrected version
of it is delivered (staff correct it at the window, which gives it a new
version and so a new change number) or it is deleted.

`shown` is what the console lists: which visit the record belongs to and why
it was refused, so staff know which registration to open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select

from sync import protocol

from ..extensions import db
from ..models import GroupRepresentative, Material, Visit
from .records import SyncHeld


def hold(refusals: list[protocol.Refusal], table: str, records: list[dict], *, now: datetime) -> None:
    """Remember each refused record of `records` (matched by change number); the caller commits."""
    by_seq = {record["sync_seq"]: record for record in records}
    for refusal in refusals:
        record = by_seq.get(refusal.sync_seq)
        if record is None:
            continue
        row_id = str(record.get("id"))[:36]
        name = record.get("table_name") if table == protocol.DELETIONS else table
        entry = db.session.get(SyncHeld, (str(name)[:32], row_id))
        if entry is None:
            entry = SyncHeld(table_name=str(name)[:32], row_id=row_id)
            db.session.add(entry)
        entry.sync_seq, entry.field = refusal.sync_seq, refusal.field[:64] or "-"
        entry.code, entry.message, entry.held_at = refusal.code[:32] or "refused", refusal.message, now


def release(table: str, records: list[dict]) -> None:
    """Delivered: these records (or deletions of them) are held no more; the caller commits."""
    if not records:
        return
    if table == protocol.DELETIONS:
        pairs = [(record["table_name"], record["id"]) for record in records]
        db.session.execute(delete(SyncHeld).where(or_(*(
            (SyncHeld.table_name == name) & (SyncHeld.row_id == row_id) for name, row_id in pairs))))
        return
    ids = [record["id"] for record in records]
    db.session.execute(delete(SyncHeld).where(SyncHeld.table_name == table, SyncHeld.row_id.in_(ids)))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(SyncHeld)) or 0


@dataclass(frozen=True)
class Shown:
    """A held record as the console lists it: its visit (ticket, day), what and why."""

    table: str
    row_id: str
    field: str
    code: str
    message: str
    held_at: datetime
    visit_id: str | None
    ticket_number: str | None
    service_day: date | None


def _visit_of(entry: SyncHeld) -> Visit | None:
    if entry.table_name == "visit":
        return db.session.get(Visit, entry.row_id)
    if entry.table_name in ("group_representative", "material"):
        model = GroupRepresentative if entry.table_name == "group_representative" else Material
        child = db.session.get(model, entry.row_id)
        return child.visit if child is not None else None
    column = {"person": Visit.person_id, "case": Visit.case_id}.get(entry.table_name)
    if column is None:
        return None
    return db.session.scalars(select(Visit).where(column == entry.row_id)
                              .order_by(Visit.created_at.desc()).limit(1)).first()


def shown(limit: int = 50) -> list[Shown]:
    """The held records, newest first, each with the visit staff open to correct it."""
    entries = db.session.scalars(select(SyncHeld).order_by(SyncHeld.held_at.desc()).limit(limit)).all()
    listed = []
    for entry in entries:
        visit = _visit_of(entry)
        listed.append(Shown(entry.table_name, entry.row_id, entry.field, entry.code, entry.message,
                            entry.held_at,
                            visit.id if visit else None, visit.ticket_number if visit else None,
                            visit.service_day if visit else None))
    return listed
