"""The kiosk's sync agent: push what the central office lacks, pull what it decided.

One sync (`run_once`) pushes each table's rows past the last acknowledged
`sync_seq`, oldest first, 500 at a time straight from the database (keyset
pages, so memory stays flat whatever the backlog), and records each
acknowledgement only after the central app has committed the batch. Then it
pulls the central office's handling of this kiosk's cases and stores the new
cursor in the same transaction as the changes. A batch that is sent again
after a lost answer, a cut connection or a killed agent changes nothing.

Each record is checked with the protocol's rules before it is sent; one that
breaks them, or that the office refuses all the same, is held aside
(held.py) and the others are delivered. Any failure of the network or of the
office's answer (a cut, a truncated or garbled answer, HTTP that is not HTTP)
is a SyncError, recorded for the console and retried. One sync runs at a
time per kiosk, whichever process starts it (lock.py).

`run` retries a failed sync with exponential backoff and full jitter (1 s up
to 15 minutes). `status` is what the staff console and /healthz show;
`flask --app kiosk sync` runs one now (kiosk/sync_agent/cli.py), and
background.py runs it every night.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import func, select, update

from petition import lifecycle
from petition.clock import utcnow
from sync import protocol

from ..extensions import db
from ..maintenance import health
from ..models import Case, GroupRepresentative, Material, Person, Visit
from . import held
from .client import Client, SyncError, configured  # noqa: F401  (the agent's API: agent.Client, …)
from .lock import Busy, sync_lock
from .records import SyncDeletion, SyncState
from .schedule import next_nightly_run

log = logging.getLogger("jiedai.sync")

# Push order: parents before children, deletions last.
MODELS = {"person": Person, "case": Case, "visit": Visit,
          "group_representative": GroupRepresentative, "material": Material,
          protocol.DELETIONS: SyncDeletion}
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 15 * 60.0


@dataclass
class SyncResult:
    pushed: dict[str, int] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=dict)
    pulled: int = 0


# --- state --------------------------------------------------------------------------------

def _state(name: str) -> SyncState:
    state = db.session.get(SyncState, name)
    if state is None:
        state = SyncState(name=name, acked_seq=0)
        db.session.add(state)
    return state


# What the console and /healthz count of the backlog at most: a kiosk that never synced has
# all its history waiting, and counting it all on every page would cost what the history costs.
BACKLOG_SHOWN_LIMIT = 10_000


def backlog(limit: int | None = None) -> dict[str, int]:
    """Rows per table the central office has not acknowledged yet: sync_seq past the acked one.

    Each count reads the table's sync_seq index from the acknowledged position on, so it
    costs the backlog, not the history. With `limit`, the tables together stop counting at
    `limit` rows (a never-synced kiosk's whole history is its backlog; the console says
    "more than" instead of reading it all).
    """
    counts = {}
    left = limit
    for name, model in MODELS.items():
        state = db.session.get(SyncState, name)
        acked = state.acked_seq if state else 0
        pending = select(model.sync_seq).where(model.sync_seq > acked)
        if left is not None:
            pending = pending.limit(left)
        counts[name] = db.session.scalar(select(func.count()).select_from(pending.subquery())) or 0
        if left is not None:
            left -= counts[name]
    return counts


def status(app: Flask | None = None) -> dict:
    """What the staff console shows next to its 立即同步 button, and /healthz reports."""
    app = app or current_app
    with app.app_context():
        agent = db.session.get(SyncState, "agent")
        pending = backlog(limit=BACKLOG_SHOWN_LIMIT + 1)
        total = sum(pending.values())
        window = app.config["KIOSK_SYNC_WINDOW"]
        return {
            "configured": configured(app.config),
            "held": held.count(),
            "last_success_at": _iso(agent.last_success_at if agent else None),
            "last_attempt_at": _iso(agent.last_attempt_at if agent else None),
            "last_error": agent.last_error if agent else None,
            "last_error_at": _iso(agent.last_error_at if agent else None),
            # Exact up to BACKLOG_SHOWN_LIMIT; past it, that figure and "more" (backlog_capped).
            "backlog": min(total, BACKLOG_SHOWN_LIMIT),
            "backlog_capped": total > BACKLOG_SHOWN_LIMIT,
            "backlog_by_table": pending,
            "next_nightly_run": _next_run_or_none(app.config["KIOSK_ID"], window),
        }


def _next_run_or_none(kiosk_id: str, window: str) -> str | None:
    try:
        return _iso(next_nightly_run(utcnow(), kiosk_id, window))
    except ValueError:  # a bad window from instance/config.py; `flask sync --nightly` says why
        return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


# --- one sync -----------------------------------------------------------------------------

def _rows_after(name: str, acked: int, limit: int) -> list[dict]:
    """One keyset page of a table's unacknowledged rows, as plain dicts (no ORM objects)."""
    table = MODELS[name].__table__
    columns = [table.c[column] for column in protocol.FIELDS[name]] + [table.c.sync_seq]
    query = select(*columns).where(table.c.sync_seq > acked).order_by(table.c.sync_seq).limit(limit)
    return [dict(row._mapping) for row in db.session.execute(query)]


def push_table(client: Client, name: str, *, batch_records: int) -> tuple[int, int]:
    """Push one table until nothing is left; (records delivered, records the office applied).

    A record that breaks the protocol's rules, checked here as the office checks them, or that
    the office refuses by name, is held aside (held.py); the others of its batch are delivered.
    """
    sent = applied = 0
    while True:
        acked = _state(name).acked_seq
        rows = _rows_after(name, acked, batch_records)
        db.session.rollback()  # end the read: the kiosk keeps writing while we wait on the network
        if not rows:
            return sent, applied
        records = (protocol.encode_row(name, row, row["sync_seq"]) for row in rows)
        for batch in protocol.batches(name, records, max_records=batch_records):
            delivered, count = _deliver(client, batch)
            # The office has committed the batch; only now move past it, held records included.
            held.release(name, delivered)
            _state(name).acked_seq = batch.max_seq
            db.session.commit()
            sent += len(delivered)
            applied += count


def _deliver(client: Client, batch: protocol.Batch) -> tuple[list[dict], int]:
    """Send what the office will take of `batch`, holding the rest aside; (delivered, applied)."""
    refusals = [refusal for record in batch.records
                for refusal in [protocol.check_record(batch.table, record)[1]] if refusal is not None]
    records = batch.records
    while True:
        if refusals:
            held.hold(refusals, batch.table, records, now=utcnow())
            refused = {refusal.sync_seq for refusal in refusals}
            records = [record for record in records if record["sync_seq"] not in refused]
            log.warning("sync: %d %s record(s) held aside: %s", len(refused), batch.table,
                        refusals[0].message)
        if not records:
            return [], 0
        sending = protocol.Batch(batch.table, records)
        try:
            answer = client.push(sending)
        except SyncError as error:
            known = {record["sync_seq"] for record in records}
            refusals = [refusal for refusal in error.refused if refusal.sync_seq in known]
            if not refusals:
                raise
            continue  # the office named what it refuses: hold those, send the others
        if answer.get("acked_seq") != sending.max_seq:
            raise SyncError("bad_answer", f"the central office acknowledged "
                                          f"{protocol.shown(answer.get('acked_seq'))}, not {sending.max_seq}")
        count = answer.get("applied")
        return records, count if type(count) is int else 0


def pull(client: Client, *, limit: int = 500) -> int:
    """Apply the office's changes to this kiosk's cases; cursor and changes commit together."""
    pulled = 0
    while True:
        cursor = _state("pull").cursor or "0-0"
        db.session.rollback()
        answer = client.changes(cursor, limit)
        changes = answer.get("changes")
        next_cursor = answer.get("cursor")
        if not isinstance(changes, list) or not isinstance(next_cursor, str) or len(next_cursor) > 64:
            raise SyncError("bad_answer", "the central office's change feed is malformed")
        for change in changes:
            try:
                apply_office_change(change)
            except protocol.ProtocolError as error:
                db.session.rollback()
                raise SyncError("bad_answer", f"the central office's change feed is malformed: "
                                              f"{error.message}") from error
        _state("pull").cursor = answer["cursor"]
        db.session.commit()
        pulled += len(changes)
        if not answer.get("more"):
            return pulled


def apply_office_change(change: dict) -> None:
    """The office's facts of one case onto the kiosk's copy, and the case's stage again: the
    one way they reach a kiosk's case (the pull, and the demo history's office).

    An older copy of the office's facts never overwrites a newer one; the
    case's `version` is not touched (these facts are not the kiosk's to send)
    and `updated_at` stays the kiosk's own.
    """
    if not isinstance(change, dict) or not isinstance(change.get("case_id"), str):
        raise protocol.ProtocolError("bad_record", "a change must be an object with a case_id")
    values = {}
    for name, rule in protocol.OFFICE_CASE_RULES.items():  # the same rules as pushed fields
        try:
            values[name] = protocol.check_value(rule, change.get(name))
        except protocol.ProtocolError as error:
            raise protocol.ProtocolError(error.code, f"{name} {error.message}") from error
    columns = [Case.__table__.c[name] for name in (*lifecycle.WINDOW_FACTS, "office_version")]
    current = db.session.execute(select(*columns).where(Case.id == change.get("case_id"))).first()
    if current is None or current.office_version >= (values["office_version"] or 0):
        return
    facts = SimpleNamespace(**{**current._asdict(), **values})
    stage = lifecycle.stage(facts)
    db.session.execute(update(Case).where(Case.id == change["case_id"])
                       .values(**values, status=stage.status, due_on=stage.due_on,
                               updated_at=Case.updated_at)
                       .execution_options(synchronize_session=False))


def run_once(app: Flask | None = None, client: Client | None = None) -> SyncResult:
    """One whole sync (push every table, then pull); records success or the error.

    Only one runs at a time per kiosk: another one running (in this process or another)
    makes this one a SyncError("busy"), retried like any other."""
    app = app or current_app
    try:
        with sync_lock(app.instance_path):
            return _sync_once(app, client)
    except Busy as busy:
        raise SyncError("busy", "another sync of this kiosk is running (lock file "
                                f"{busy}); this one waits for it to end") from None


def _sync_once(app: Flask, client: Client | None) -> SyncResult:
    with app.app_context():
        started = utcnow()
        agent = _state("agent")
        agent.last_attempt_at = started
        db.session.commit()
        result = SyncResult()
        try:
            client = client or Client.from_config(app.config)
            batch_records = min(int(app.config["KIOSK_SYNC_BATCH_RECORDS"]), protocol.MAX_BATCH_RECORDS)
            for name in MODELS:
                result.pushed[name], result.applied[name] = push_table(
                    client, name, batch_records=batch_records)
            result.pulled = pull(client)
            health.send(client, app)  # printer, reader, disk, backup: for the office's kiosk list
        except SyncError as error:
            health.note_refusal(error)  # a refused clock is shown on the console
            _record_error(error.message)
            log.warning("sync failed: %s", error.message)
            raise
        except Exception as error:  # a bug: shown on the console too, and raised loudly
            _record_error(f"internal error: {type(error).__name__}: {error}"[:500])
            raise
        agent = _state("agent")
        agent.last_success_at, agent.last_error, agent.last_error_at = utcnow(), None, None
        db.session.commit()
        return result


def _record_error(message: str) -> None:
    db.session.rollback()
    agent = _state("agent")
    agent.last_error, agent.last_error_at = message, utcnow()
    db.session.commit()


def backoff_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Full jitter: a uniform wait between 0 and min(15 min, 1 s × 2^attempt)."""
    rng = rng or random
    return rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt))


def run(app: Flask | None = None, *, attempts: int = 8, client: Client | None = None,
        sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> SyncResult:
    """Sync, retrying what may pass later (network, 5xx) with backoff; give up after `attempts`."""
    for attempt in range(attempts):
        try:
            return run_once(app, client)
        except SyncError as error:
            if not error.retry or attempt == attempts - 1:
                raise
            sleep(backoff_delay(attempt, rng))
    raise AssertionError("unreachable")
