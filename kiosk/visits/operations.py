"""Registering a visit: one transaction, one ticket number, one record per tap.

The ticket number comes from an upsert on `ticket_counter` that is the first
write of the transaction, so SQLite's write lock serialises concurrent taps:
numbers are distinct and leave no gaps, because a failed registration rolls
its number back with everything else. A double tap, a resubmit or
back-then-submit carries the same idempotency key and gets the visit that
key already made.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from petition import lifecycle, querycode
from petition.clock import local_date
from petition.vocabulary import SERVICES

from ..extensions import db
from ..ids import new_id
from ..models import Case, Person, PrintJob, Visit


@dataclass
class VisitDraft:
    """What the visitor entered on the touch screen, before confirming."""

    service: str
    id_number: str | None = None
    phone: str | None = None
    name: str | None = None
    gender: str | None = None
    address: str | None = None
    group_size: int = 1
    representative_count: int = 0
    category: str | None = None
    body_name: str | None = None
    matter: str | None = None
    request: str | None = None
    locale: str | None = None


_NEXT_SEQ = text(
    "INSERT INTO ticket_counter (kiosk_id, service, service_day, last_seq) "
    "VALUES (:kiosk_id, :service, :day, 1) "
    "ON CONFLICT (kiosk_id, service, service_day) DO UPDATE SET last_seq = last_seq + 1 "
    "RETURNING last_seq"
)
_INSERTS = tuple(insert(model.__table__) for model in (Person, Case, Visit, PrintJob))


# Taps in this process queue here for the write instead of in SQLite's busy handler, which
# polls with sleeps of up to 100 ms: with 16 taps at once that made p95 ten times worse.
# The busy timeout still covers writers in other processes (CLI, sync agent).
_WRITE_LOCK = threading.Lock()


def find_by_key(idempotency_key: str) -> Visit | None:
    return db.session.scalars(
        select(Visit).where(Visit.idempotency_key == idempotency_key)).first()


@dataclass(frozen=True)
class Registered:
    """What a registration made: its visit, and the ticket job it queued (None when the
    idempotency key had made the visit before, so nothing new is printed)."""

    visit_id: str
    print_job_id: str | None


def register_visit(draft: VisitDraft, *, kiosk_id: str, idempotency_key: str,
                   now: datetime) -> Visit:
    """Store the visit with its ticket, person, case and ticket print job; commit; the Visit."""
    made = register(draft, kiosk_id=kiosk_id, idempotency_key=idempotency_key, now=now)
    return db.session.get(Visit, made.visit_id)


def register(draft: VisitDraft, *, kiosk_id: str, idempotency_key: str,
             now: datetime) -> Registered:
    """`register_visit` without loading the visit back: what the touch screen's confirm needs."""
    with _WRITE_LOCK:
        return _register(draft, kiosk_id=kiosk_id, idempotency_key=idempotency_key, now=now)


def _register(draft: VisitDraft, *, kiosk_id: str, idempotency_key: str,
              now: datetime) -> Registered:
    # Core inserts of rows built here, on the session's connection: the ORM's unit of work
    # (identity map, cascades, the reload after commit) cost more than the rest of a confirm.
    # A key that made a visit before is refused by its unique index; the rollback takes the
    # number back with everything else, and the visit it made is returned.
    service = SERVICES[draft.service]
    day = local_date(now)
    stamps = {"created_at": now, "updated_at": now}
    person = {"id": new_id(), "kiosk_id": kiosk_id, "name": draft.name, "id_number": draft.id_number,
              "phone": draft.phone, "gender": draft.gender, "address": draft.address,
              "is_deputy": draft.service == "deputy", **stamps}
    case = {"id": new_id(), "kiosk_id": kiosk_id, "person_id": person["id"],
            "category": draft.category, "body_name": draft.body_name, "matter": draft.matter,
            "request": draft.request, "registered_on": day, **stamps}
    stage = lifecycle.stage(SimpleNamespace(**case))  # what kiosk.cases.states.refresh stores
    case.update(status=stage.status, due_on=stage.due_on)
    visit = {"id": new_id(), "kiosk_id": kiosk_id, "service": service.code, "service_day": day,
             "query_code": querycode.generate(), "idempotency_key": idempotency_key,
             "person_id": person["id"], "case_id": case["id"], "category": draft.category,
             "body_name": draft.body_name, "group_size": draft.group_size,
             "representative_count": draft.representative_count, "locale": draft.locale,
             **stamps}
    job = {"id": new_id(), "visit_id": visit["id"], "kind": "ticket", **stamps}
    connection = db.session.connection()
    try:
        seq = connection.execute(
            _NEXT_SEQ, {"kiosk_id": kiosk_id, "service": service.code, "day": day}).scalar_one()
        visit.update(ticket_seq=seq, ticket_number=f"{service.prefix}{seq:03d}")
        for statement, row in zip(_INSERTS, (person, case, visit, job)):
            connection.execute(statement, row)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _visit_id_by_key(idempotency_key)
        if existing is None:
            raise
        return Registered(existing, None)
    return Registered(visit["id"], job["id"])


def _visit_id_by_key(idempotency_key: str) -> str | None:
    return db.session.execute(
        select(Visit.__table__.c.id).where(Visit.__table__.c.idempotency_key == idempotency_key)
    ).scalar()


def waiting_ahead(visit: Visit) -> int:
    """How many tickets of the same service and day are still waiting before this one."""
    return db.session.scalar(
        select(func.count()).select_from(Visit).where(
            Visit.kiosk_id == visit.kiosk_id,
            Visit.service == visit.service,
            Visit.service_day == visit.service_day,
            Visit.status == "waiting",
            Visit.ticket_seq < visit.ticket_seq,
        )) or 0


def find_by_query_code(code: str) -> Visit | None:
    return db.session.scalars(select(Visit).where(Visit.query_code == code)).first()
