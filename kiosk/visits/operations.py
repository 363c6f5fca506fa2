"""Registering a visit: one transaction, one ticket number, one record per tap.

The ticket number comes from an upsert on `ticket_counter` that is each
tap's first write, under the write lock the transaction takes at its start:
numbers are distinct and leave no gaps, because a failed registration rolls
its number back with everything else. Taps that come at the same moment are
written in one transaction with one fsync (writer.py). A double tap, a
resubmit or back-then-submit carries the same idempotency key and gets the
visit that key already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, func, insert, select, text

from petition import lifecycle, querycode
from petition.clock import local_date
from petition.vocabulary import SERVICES

from ..extensions import db
from ..ids import new_id
from ..models import Case, Person, PrintJob, Visit
from .states import VisitStatus
from .writer import writer


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
    """`register_visit` without loading the visit back: what the touch screen's confirm needs.

    Returns once the registration is committed (with the taps that came at the same moment:
    writer.py). Core inserts of rows built here: the ORM's unit of work (identity map,
    cascades, the reload after commit) cost more than the rest of a confirm.
    """
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
    rows = _Rows(prefix=service.prefix, person=person, case=case, visit=visit, job=job)
    return writer(current_app._get_current_object(), _write_batch).write(rows)


@dataclass
class _Rows:
    prefix: str
    person: dict
    case: dict
    visit: dict
    job: dict


_VISIT = Visit.__table__.c
_MADE = select(_VISIT.idempotency_key, _VISIT.id).where(
    _VISIT.idempotency_key.in_(bindparam("keys", expanding=True)))


def _write_batch(batch: list[_Rows]) -> list[Registered]:
    """Write the taps in one transaction and commit, or roll back (numbers too) and raise.

    The ticket number is each tap's first write, taken under the write lock that BEGIN
    IMMEDIATE holds: numbers are distinct and gapless. A key that made a visit before, or
    earlier in this batch (a double tap), gets that visit and writes nothing.
    """
    connection = db.session.connection()
    try:
        raw = connection.connection.dbapi_connection
        if connection.dialect.name == "sqlite" and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        made = dict(connection.execute(
            _MADE, {"keys": [rows.visit["idempotency_key"] for rows in batch]}).all())
        results = []
        for rows in batch:
            visit, key = rows.visit, rows.visit["idempotency_key"]
            if key in made:
                results.append(Registered(made[key], None))
                continue
            seq = connection.execute(_NEXT_SEQ, {
                "kiosk_id": visit["kiosk_id"], "service": visit["service"],
                "day": visit["service_day"]}).scalar_one()
            visit.update(ticket_seq=seq, ticket_number=f"{rows.prefix}{seq:03d}")
            for statement, row in zip(_INSERTS, (rows.person, rows.case, visit, rows.job)):
                connection.execute(statement, row)
            made[key] = visit["id"]
            results.append(Registered(visit["id"], rows.job["id"]))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return results


def waiting_ahead(visit: Visit) -> int:
    """How many tickets of the same service and day are still waiting before this one."""
    return db.session.scalar(
        select(func.count()).select_from(Visit).where(
            Visit.kiosk_id == visit.kiosk_id,
            Visit.service == visit.service,
            Visit.service_day == visit.service_day,
            Visit.status == VisitStatus.WAITING,
            Visit.ticket_seq < visit.ticket_seq,
        )) or 0


def find_by_query_code(code: str) -> Visit | None:
    return db.session.scalars(select(Visit).where(Visit.query_code == code)).first()
