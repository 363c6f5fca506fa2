"""Pull: the office's changes of each kiosk's cases, as a feed that never skips one.

Every change of the office's facts of a case gets a row in `case_change`,
numbered from one sequence. `changes_after` serves a kiosk's changes in
(xid, seq) order, only from transactions older than every one still running
in this database (PostgreSQL), so no change can commit behind a cursor already
handed out.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import and_, literal_column, or_, select, text, update

from sync import protocol

from .extensions import db
from .models import CaseChange, Kiosk, case
from .operations import CentralError


def _current_xid():
    if db.engine.dialect.name == "postgresql":
        return literal_column("pg_current_xact_id()::text::bigint")
    return 0


def record_change(case_id: str, kiosk_id: str, *, now: datetime) -> None:
    """Number a change of the office's facts of a case for its kiosk's feed (caller commits)."""
    db.session.execute(CaseChange.__table__.insert().values(
        xid=_current_xid(), case_id=case_id, kiosk_id=kiosk_id, changed_at=now))


# Two non-negative 64-bit numbers in ASCII digits (PostgreSQL's bigint holds less than 2⁶³).
_CURSOR = re.compile(r"([0-9]{1,19})-([0-9]{1,19})")
_BIGINT = 2 ** 63


def parse_cursor(raw: str | None) -> tuple[int, int]:
    if not raw:
        return 0, 0
    match = _CURSOR.fullmatch(raw)
    cursor = (int(match.group(1)), int(match.group(2))) if match else None
    if cursor is None or max(cursor) >= _BIGINT:
        raise CentralError(400, "bad_cursor", f"cursor {protocol.shown(raw)} is not of the form "
                                              f"XID-SEQ (two numbers below 2^63)")
    return cursor


# The oldest transaction still running that may write this database's case_change: of the
# transactions running at this snapshot (its xip list), all but those known to belong to
# another database of the cluster (transaction ids are cluster-wide, so a long write in any
# other database would otherwise hold every kiosk's pull back). A transaction that cannot be
# placed (its backend gone or not visible to this role, a prepared one) counts as ours. With
# none running here, every transaction below the snapshot's xmax has finished.
_STABLE_BOUND = text("""
    WITH snapshot AS (SELECT pg_current_snapshot() AS taken),
    running AS (SELECT xip::text::bigint AS xid FROM snapshot, pg_snapshot_xip(taken) AS xip)
    SELECT coalesce(
        (SELECT min(running.xid) FROM running WHERE NOT EXISTS (
            SELECT 1 FROM pg_stat_activity AS elsewhere
            WHERE elsewhere.backend_xid::text::bigint = running.xid % 4294967296
              AND elsewhere.datname IS DISTINCT FROM current_database())),
        (SELECT pg_snapshot_xmax(taken)::text::bigint FROM snapshot))
""")


def _stable_xid_bound() -> int | None:
    """Transactions below this id that write here have all finished (PostgreSQL); None where
    writers are serial."""
    if db.engine.dialect.name != "postgresql":
        return None
    return db.session.execute(_STABLE_BOUND).scalar_one()


def changes_after(kiosk_id: str, cursor: str | None, limit: int, *, now: datetime) -> dict:
    """The kiosk's case changes after `cursor`, oldest first, with the cursor to ask from next."""
    xid, seq = parse_cursor(cursor)
    bound = _stable_xid_bound()
    office_columns = [case.c[name] for name in protocol.OFFICE_CASE_FIELDS]
    query = (select(CaseChange.seq, CaseChange.xid, CaseChange.case_id, *office_columns)
             .join(case, case.c.id == CaseChange.case_id)
             .where(CaseChange.kiosk_id == kiosk_id,
                    or_(CaseChange.xid > xid, and_(CaseChange.xid == xid, CaseChange.seq > seq)))
             .order_by(CaseChange.xid, CaseChange.seq).limit(limit))
    if bound is not None:
        query = query.where(CaseChange.xid < bound)
    rows = db.session.execute(query).all()
    changes = []
    for row in rows:
        change = {"seq": row.seq, "case_id": row.case_id}
        change.update({name: protocol.encode_value(getattr(row, name))
                       for name in protocol.OFFICE_CASE_FIELDS})
        changes.append(change)
    next_cursor = f"{rows[-1].xid}-{rows[-1].seq}" if rows else f"{xid}-{seq}"
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(last_pull_at=now))
    db.session.commit()
    return {"changes": changes, "cursor": next_cursor, "more": len(rows) == limit}
