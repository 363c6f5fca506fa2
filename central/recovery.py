"""What the office holds of one kiosk's records, for a kiosk restored from a backup.

A restored kiosk asks (signed, `POST /sync/v1/acknowledged`): the highest
change number the office holds per table, the version it holds of the rows
the kiosk had not seen acknowledged, every row it received after the backup's
change counter, and the ticket numbers given out since the backup's day. The
kiosk then sends exactly what the office lacks (kiosk/maintenance/reconcile.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from petition import text
from sync import protocol

from .extensions import db
from .models import MIRRORS

MAX_IDS = 50_000
MAX_AFTER_ROWS = 50_000


class QuestionError(ValueError):
    """A malformed question; the API answers 400 with this message."""


def _ids(question: dict) -> dict[str, list[str]]:
    asked = question.get("ids") or {}
    if not isinstance(asked, dict):
        raise QuestionError("ids must map table names to lists of ids")
    ids = {}
    for table, values in asked.items():
        if table not in MIRRORS or not isinstance(values, list) or len(values) > MAX_IDS \
                or not all(isinstance(value, str) and text.problem(value, 36) is None
                           for value in values):  # no NUL: PostgreSQL could not even look it up
            raise QuestionError(f"ids of {table!r} must be at most {MAX_IDS} ids of a synced table")
        ids[table] = values
    return ids


def acknowledged(kiosk_id: str, question: dict) -> dict:
    """The answer to a restored kiosk's question (see the module's docstring)."""
    if not isinstance(question, dict):
        raise QuestionError("the question must be a JSON object")
    after = question.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < protocol.INT_LIMIT:
        raise QuestionError("after must be a change number")
    try:
        since = date.fromisoformat(question["since"]) if question.get("since") else None
    except (TypeError, ValueError) as error:
        raise QuestionError("since must be a date (YYYY-MM-DD)") from error
    ids = _ids(question)
    answer: dict = {"max_seq": {}, "held": {}, "after_rows": {}, "tickets": [], "truncated": False}
    for table, mirror in MIRRORS.items():
        mine = mirror.c.kiosk_id == kiosk_id
        answer["max_seq"][table] = db.session.scalar(select(func.max(mirror.c.sync_seq)).where(mine)) or 0
        held = {}
        wanted = ids.get(table, [])
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start:start + 1000]
            held.update((row_id, version) for row_id, version in db.session.execute(
                select(mirror.c.id, mirror.c.version).where(mine, mirror.c.id.in_(chunk))))
        answer["held"][table] = held
        rows = db.session.execute(
            select(mirror.c.id, mirror.c.version).where(mine, mirror.c.sync_seq > after)
            .order_by(mirror.c.sync_seq).limit(MAX_AFTER_ROWS + 1)).all()
        answer["truncated"] |= len(rows) > MAX_AFTER_ROWS
        answer["after_rows"][table] = [list(row) for row in rows[:MAX_AFTER_ROWS]]
    if since is not None:
        visit = MIRRORS["visit"]
        answer["tickets"] = [
            [service, day.isoformat(), last] for service, day, last in db.session.execute(
                select(visit.c.service, visit.c.service_day, func.max(visit.c.ticket_seq))
                .where(visit.c.kiosk_id == kiosk_id, visit.c.service_day >= since)
                .group_by(visit.c.service, visit.c.service_day))]
    db.session.rollback()
    return answer


def parse_question(body: bytes, *, gzipped: bool) -> dict:
    try:
        return protocol.unpack(body, gzipped=gzipped)
    except protocol.ProtocolError as error:
        raise QuestionError(error.message) from error
