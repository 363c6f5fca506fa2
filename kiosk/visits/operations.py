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

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError

from appkit.database import RowInsert
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


log = logging.getLogger(__name__)

_NEXT_SEQ = text(
    "INSERT INTO ticket_counter (kiosk_id, service, service_day, last_seq) "
    "VALUES (:kiosk_id, :service, :day, 1) "
    "ON CONFLICT (kiosk_id, service, service_day) DO UPDATE SET last_seq = last_seq + 1 "
    "RETURNING last_seq"
)
# The same for the DB-API cursor of _write_batch: its parameters are kiosk_id, service, day.
_NEXT_SEQ_SQLITE = str(_NEXT_SEQ.compile(dialect=sqlite.dialect()))


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
    writer.py). The rows are built here and inserted as they are (`_write_batch`): the ORM's
    unit of work (identity map, cascades, the reload after commit) cost more than the rest
    of a confirm.
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


def _write_batch(batch: list[_Rows]) -> list[Registered]:
    """Write the taps in one transaction and commit, or roll back (numbers too) and raise.

    The ticket number is each tap's first write, taken under the write lock that BEGIN
    IMMEDIATE holds: numbers are distinct and gapless. A key that made a visit before, or
    earlier in this batch (a double tap), gets that visit and writes nothing.

    The statements go straight to a DB-API connection (sqlite3), prepared once: through
    SQLAlchemy's execution the seven statements of a tap cost more CPU than SQLite's own work.
    """
    with _transaction() as (dbapi_connection, dialect):
        cursor = dbapi_connection.cursor()
        keys = [rows.visit["idempotency_key"] for rows in batch]
        cursor.execute(_MADE.format(", ".join("?" * len(keys))), keys)
        made = dict(cursor.fetchall())
        results = []
        for rows in batch:
            visit, key = rows.visit, rows.visit["idempotency_key"]
            if key in made:
                results.append(Registered(made[key], None))
                continue
            cursor.execute(_NEXT_SEQ_SQLITE, (visit["kiosk_id"], visit["service"],
                                              visit["service_day"].isoformat()))
            seq = cursor.fetchone()[0]
            visit.update(ticket_seq=seq, ticket_number=f"{rows.prefix}{seq:03d}")
            for insert_row, row in zip(_row_inserts(dialect), (rows.person, rows.case, visit, rows.job)):
                cursor.execute(*insert_row(row))
            made[key] = visit["id"]
            results.append(Registered(visit["id"], rows.job["id"]))
    return results


@contextmanager
def _transaction() -> Iterator[tuple[Any, Any]]:
    """(DB-API connection, dialect) in a transaction holding the write lock; committed at the
    end of the block, or rolled back, its error raised as SQLAlchemy raises it (the app's
    handlers, such as a full disk's, know those).

    When the caller's session holds work of its own, the taps are written in its transaction
    and commit with it; otherwise on a connection of their own from the pool, without the
    session's bookkeeping.
    """
    # This thread's Session, if the request made one (not made here: a confirm needs none).
    session = db.session() if db.session.registry.has() else None
    if session is not None and (session.in_transaction() or session.new or session.dirty
                                or session.deleted):
        connection = session.connection()
        dbapi_connection, dialect = connection.connection.dbapi_connection, connection.dialect
        commit, rollback, release = session.commit, session.rollback, None
    else:
        engine = db.engine
        dbapi_connection, dialect = engine.raw_connection(), engine.dialect
        commit, rollback, release = dbapi_connection.commit, dbapi_connection.rollback, dbapi_connection.close
    try:
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")
        yield dbapi_connection, dialect
        commit()
    except BaseException as error:
        try:
            rollback()
        except Exception:  # noqa: BLE001 - the first error is the one to raise
            log.exception("rolling back a failed registration failed too")
        dbapi = dialect.loaded_dbapi
        if isinstance(error, dbapi.Error):
            raise DBAPIError.instance(None, None, error, dbapi.Error) from error
        raise
    finally:
        if release is not None:
            release()  # back to the pool


_MADE = "SELECT idempotency_key, id FROM visit WHERE idempotency_key IN ({})"


@functools.lru_cache(maxsize=16)
def _row_inserts(dialect) -> tuple[RowInsert, ...]:
    """The inserts of a registration's person, case, visit and print job, for one engine."""
    return tuple(RowInsert(model.__table__, dialect) for model in (Person, Case, Visit, PrintJob))


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
