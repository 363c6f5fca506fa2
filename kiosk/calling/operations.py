"""Calling tickets to windows: one atomic step per call, so no ticket is called twice.

`call_next` and `call_chosen` are a single `UPDATE visit SET status='called'
… WHERE id = (SELECT … LIMIT 1) AND status = 'waiting' RETURNING id`: the
database takes its write lock for the statement, so when two receptionists
press 叫号 at the same moment one gets the first waiting ticket and the other
the next (or nothing). Each call is also a row in `call`, which is what the
waiting-room display reads. Every change of a visit is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from petition.clock import local_date
from petition.vocabulary import SERVICES

from .. import audit
from ..extensions import db
from ..models import Call, Visit
from ..visits.operations import _NEXT_SEQ
from ..visits.states import AT_WINDOW, VisitStatus

RECENT_CALLS = 8


class QueueError(ValueError):
    """A queue action that cannot be done now; the message is shown to the receptionist."""


def _claim(where, *, window: int, by: str, now: datetime) -> Visit | None:
    """Mark the one visit `where` picks as called to `window`; None if another took it."""
    claimed = db.session.execute(
        update(Visit)
        .where(Visit.id == where, Visit.status == VisitStatus.WAITING)
        .values(status=VisitStatus.CALLED, window=window, called_at=now, received_by=by,
                version=Visit.version + 1, updated_at=now)
        .returning(Visit.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        db.session.rollback()
        return None
    visit = db.session.get(Visit, claimed, populate_existing=True)
    db.session.add(Call(visit_id=visit.id, ticket_number=visit.ticket_number, window=window,
                        at=now, by=by))
    audit.record(by, "call", "visit", visit.id, {"status": (VisitStatus.WAITING, VisitStatus.CALLED), "window": (None, window)},
                 person_id=visit.person_id, now=now)
    db.session.commit()
    return visit


def call_next(*, kiosk_id: str, window: int, by: str, now: datetime,
              service: str | None = None) -> Visit | None:
    """Call the longest-waiting ticket of today (of `service`, if given); None when nobody waits."""
    for _attempt in range(5):
        first = (select(Visit.id)
                 .where(Visit.kiosk_id == kiosk_id, Visit.service_day == local_date(now),
                        Visit.status == VisitStatus.WAITING)
                 .order_by(Visit.created_at, Visit.ticket_seq)
                 .limit(1))
        if service is not None:
            first = first.where(Visit.service == service)
        visit = _claim(first.scalar_subquery(), window=window, by=by, now=now)
        if visit is not None:
            return visit
        # Under PostgreSQL's read committed a concurrent caller can take the row
        # between our subquery and our update; try again while tickets wait.
        if not waiting(kiosk_id=kiosk_id, now=now, service=service):
            return None
    return None


def call_chosen(visit_id: str, *, window: int, by: str, now: datetime) -> Visit:
    visit = _claim(visit_id, window=window, by=by, now=now)
    if visit is None:
        raise QueueError("taken")
    return visit


def _visit(visit_id: str) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise QueueError("missing")
    return visit


def recall(visit_id: str, *, by: str, now: datetime) -> Visit:
    """Call the same ticket to the same window again (the visitor did not come yet)."""
    visit = _visit(visit_id)
    if visit.status not in AT_WINDOW or visit.window is None:
        raise QueueError("not_called")
    db.session.add(Call(visit_id=visit.id, ticket_number=visit.ticket_number, window=visit.window,
                        at=now, by=by))
    audit.record(by, "recall", "visit", visit.id, {"window": (None, visit.window)},
                 person_id=visit.person_id, now=now)
    db.session.commit()
    return visit


def no_show(visit_id: str, *, by: str, now: datetime) -> Visit:
    visit = _visit(visit_id)
    if visit.status != VisitStatus.CALLED:
        raise QueueError("not_called")
    audit.change(by, visit, "visit", {"status": VisitStatus.NO_SHOW}, now=now)
    db.session.commit()
    return visit


def receive(visit: Visit, *, by: str, now: datetime) -> None:
    """The visitor is at the window: the ticket's page was opened there."""
    if visit.status == VisitStatus.CALLED:
        audit.change(by, visit, "visit", {"status": VisitStatus.SERVING, "received_by": by}, now=now)
        db.session.commit()


def finish(visit_id: str, *, by: str, now: datetime) -> Visit:
    visit = _visit(visit_id)
    if visit.status not in AT_WINDOW:
        raise QueueError("not_called")
    audit.change(by, visit, "visit", {"status": VisitStatus.DONE}, now=now)
    db.session.commit()
    return visit


def transfer_window(visit_id: str, *, to_window: int, by: str, now: datetime) -> Visit:
    """Send the called visitor to another window: the display calls them there."""
    visit = _visit(visit_id)
    if visit.status not in AT_WINDOW:
        raise QueueError("not_called")
    audit.change(by, visit, "visit", {"window": to_window, "status": VisitStatus.CALLED}, now=now)
    db.session.add(Call(visit_id=visit.id, ticket_number=visit.ticket_number, window=to_window,
                        at=now, by=by))
    db.session.commit()
    return visit


def transfer_service(visit_id: str, *, to_service: str, by: str, now: datetime) -> Visit:
    """Put the visitor back in the queue of another service.

    Ticket numbers are per service, so the visit gets that service's next
    number; it keeps its place by arrival time.
    """
    visit = _visit(visit_id)
    if to_service not in SERVICES or to_service == visit.service:
        raise QueueError("service")
    if visit.status not in (*AT_WINDOW, VisitStatus.NO_SHOW):
        raise QueueError("not_called")
    seq = db.session.execute(_NEXT_SEQ, {"kiosk_id": visit.kiosk_id, "service": to_service,
                                         "day": visit.service_day}).scalar_one()
    audit.change(by, visit, "visit", {
        "service": to_service, "ticket_seq": seq,
        "ticket_number": f"{SERVICES[to_service].prefix}{seq:03d}",
        "status": VisitStatus.WAITING, "window": None}, now=now)
    db.session.commit()
    return visit


def waiting(*, kiosk_id: str, now: datetime, service: str | None = None) -> list[Visit]:
    """Today's waiting tickets, longest waiting first, with their people loaded."""
    query = (select(Visit).options(joinedload(Visit.person))
             .where(Visit.kiosk_id == kiosk_id, Visit.service_day == local_date(now),
                    Visit.status == VisitStatus.WAITING)
             .order_by(Visit.created_at, Visit.ticket_seq))
    if service is not None:
        query = query.where(Visit.service == service)
    return list(db.session.scalars(query))


def at_window(*, kiosk_id: str, window: int, now: datetime) -> list[Visit]:
    """Today's tickets called to or being received at this window."""
    return list(db.session.scalars(
        select(Visit).where(Visit.kiosk_id == kiosk_id, Visit.service_day == local_date(now),
                            Visit.window == window, Visit.status.in_(AT_WINDOW))
        .order_by(Visit.called_at.desc())))


@dataclass(frozen=True)
class Board:
    """What the waiting-room display shows: each window's current call, the last calls."""

    last_id: int
    windows: dict[int, Call | None]
    recent: list[Call]


def today_marks(*, kiosk_id: str, now: datetime) -> tuple:
    """What changes when a ticket of today changes: their count, versions and last update.

    Read through ix_visit_day_status, so it costs today's tickets, not the history.
    """
    return tuple(db.session.execute(
        select(func.count(), func.coalesce(func.sum(Visit.version), 0), func.max(Visit.updated_at))
        .where(Visit.service_day == local_date(now), Visit.kiosk_id == kiosk_id)).one())


def last_call_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(Call.id), 0)))


def board(*, windows: int, since: datetime) -> Board:
    """The calls since `since` (today's start), newest first, read backwards on ix_call_at.

    Ordered by time, not by id, so the index bounds the read to today's calls
    (ordering by id walked the whole history backwards until 50 of today were found).
    """
    calls = list(db.session.scalars(
        select(Call).where(Call.at >= since).order_by(Call.at.desc(), Call.id.desc()).limit(50)))
    current: dict[int, Call | None] = {number: None for number in range(1, windows + 1)}
    for call in calls:
        if call.window in current and current[call.window] is None:
            current[call.window] = call
    return Board(last_id=calls[0].id if calls else last_call_id(), windows=current,
                 recent=calls[:RECENT_CALLS])
