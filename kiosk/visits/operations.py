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

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from petition import querycode
from petition.clock import local_date
from petition.vocabulary import SERVICES

from ..cases import states
from ..extensions import db
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


# Taps in this process queue here for the write instead of in SQLite's busy handler, which
# polls with sleeps of up to 100 ms: with 16 taps at once that made p95 ten times worse.
# The busy timeout still covers writers in other processes (CLI, sync agent).
_WRITE_LOCK = threading.Lock()


def find_by_key(idempotency_key: str) -> Visit | None:
    return db.session.scalars(
        select(Visit).where(Visit.idempotency_key == idempotency_key)).first()


def register_visit(draft: VisitDraft, *, kiosk_id: str, idempotency_key: str,
                   now: datetime) -> Visit:
    """Store the visit with its ticket, person, case and ticket print job; commit."""
    with _WRITE_LOCK:
        return _register_visit(draft, kiosk_id=kiosk_id, idempotency_key=idempotency_key, now=now)


def _register_visit(draft: VisitDraft, *, kiosk_id: str, idempotency_key: str,
                    now: datetime) -> Visit:
    existing = find_by_key(idempotency_key)
    if existing is not None:
        return existing
    service = SERVICES[draft.service]
    day = local_date(now)
    try:
        seq = db.session.execute(
            _NEXT_SEQ, {"kiosk_id": kiosk_id, "service": service.code, "day": day}).scalar_one()
        person = Person(kiosk_id=kiosk_id, name=draft.name, id_number=draft.id_number,
                        phone=draft.phone, gender=draft.gender,
                        address=draft.address, is_deputy=draft.service == "deputy",
                        created_at=now, updated_at=now)
        case = Case(kiosk_id=kiosk_id, person=person, category=draft.category,
                    body_name=draft.body_name, matter=draft.matter, request=draft.request,
                    registered_on=day,
                    created_at=now, updated_at=now)
        states.refresh(case)
        visit = Visit(
            kiosk_id=kiosk_id, service=service.code, service_day=day, ticket_seq=seq,
            ticket_number=f"{service.prefix}{seq:03d}", query_code=querycode.generate(),
            idempotency_key=idempotency_key, person=person, case=case,
            category=draft.category, body_name=draft.body_name,
            group_size=draft.group_size, representative_count=draft.representative_count,
            locale=draft.locale, created_at=now, updated_at=now,
        )
        db.session.add_all([person, case, visit, PrintJob(visit=visit, kind="ticket",
                                                            created_at=now, updated_at=now)])
        db.session.commit()
    except IntegrityError:
        # A concurrent tap with the same key won the race; its visit is ours.
        db.session.rollback()
        existing = find_by_key(idempotency_key)
        if existing is None:
            raise
        return existing
    return visit


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
