"""The kiosk's sync agent: push what the central office lacks, pull what it decided.

One sync (`run_once`) pushes each table's rows past the last acknowledged
`sync_seq`, oldest first, 500 at a time straight from the database (keyset
pages, so memory stays flat whatever the backlog), and records each
acknowledgement only after the central app has committed the batch. Then it
pulls the central office's handling of this kiosk's cases and stores the new
cursor in the same transaction as the changes. A batch that is sent again
after a lost answer, a cut connection or a killed agent changes nothing.

`run` retries a failed sync with exponential backoff and full jitter (1 s up
to 15 minutes). `status` is what the staff console and /healthz show;
`flask --app kiosk sync` runs one now (kiosk/sync_agent/cli.py), and
background.py runs it every night.
"""

from __future__ import annotations

import json
import logging
import random
import ssl
import time
import urllib.error
import urllib.request
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
from ..models import Case, GroupRepresentative, Material, Person, SyncDeletion, SyncState, Visit
from .schedule import next_nightly_run

log = logging.getLogger("jiedai.sync")

# Push order: parents before children, deletions last.
MODELS = {"person": Person, "case": Case, "visit": Visit,
          "group_representative": GroupRepresentative, "material": Material,
          protocol.DELETIONS: SyncDeletion}
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 15 * 60.0


class SyncError(Exception):
    """A sync that did not finish; `message` is written for the staff console."""

    def __init__(self, code: str, message: str, *, retry: bool = True):
        super().__init__(message)
        self.code, self.message, self.retry = code, message, retry


@dataclass
class SyncResult:
    pushed: dict[str, int] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=dict)
    pulled: int = 0


def configured(config) -> bool:
    """Whether this kiosk has somewhere to sync to and a credential to sign with."""
    return bool(config["KIOSK_SYNC_URL"] and config["KIOSK_SYNC_KEY"])


# --- the HTTP client ----------------------------------------------------------------------

class Client:
    """Signed requests to the central app; one connection per request (no keep-alive)."""

    def __init__(self, base_url: str, kiosk_id: str, key: str, *, ca_file: str = "",
                 timeout: float = 30.0, clock: Callable[[], float] = time.time):
        self.base_url = base_url.rstrip("/")
        self.kiosk_id, self.key, self.timeout, self.clock = kiosk_id, key, timeout, clock
        self.context = ssl.create_default_context(cafile=ca_file or None)

    @classmethod
    def from_config(cls, config) -> Client:
        if not configured(config):
            raise SyncError("not_configured",
                            "sync is not configured: set KIOSK_SYNC_URL and KIOSK_SYNC_KEY", retry=False)
        return cls(config["KIOSK_SYNC_URL"], config["KIOSK_ID"], config["KIOSK_SYNC_KEY"],
                   ca_file=config["KIOSK_SYNC_CA_FILE"], timeout=config["KIOSK_SYNC_TIMEOUT"])

    def request(self, method: str, path: str, body: bytes = b"", *, gzipped: bool = False) -> dict:
        headers = protocol.sign(self.kiosk_id, self.key, method, path, body, now=self.clock())
        headers.update({"Accept": "application/json", "Connection": "close"})
        if body:
            headers["Content-Type"] = "application/json"
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        request = urllib.request.Request(self.base_url + path, data=body if method == "POST" else None,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            raise self._refusal(error) from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            # Refused, reset, cut, timed out, bad certificate: the network, try again later.
            reason = getattr(error, "reason", error)
            raise SyncError("network", f"cannot reach the central office at {self.base_url}: "
                                       f"{reason}") from error
        try:
            return json.loads(raw)
        except ValueError as error:
            raise SyncError("bad_answer", "the central office's answer is not JSON") from error

    @staticmethod
    def _refusal(error: urllib.error.HTTPError) -> SyncError:
        try:
            payload = json.loads(error.read())
            code, message = payload["error"], payload["message"]
        except (ValueError, KeyError, TypeError, OSError):
            code, message = f"http_{error.code}", f"the central office answered HTTP {error.code}"
        # 5xx and a reused nonce may pass on a later attempt; a refused credential,
        # a wrong clock or a malformed batch will not until someone fixes it.
        retry = error.code >= 500 or code == "replayed"
        return SyncError(code, f"the central office refused: {message}", retry=retry)

    def push(self, batch: protocol.Batch) -> dict:
        return self.request("POST", protocol.PUSH_PATH, protocol.pack_batch(self.kiosk_id, batch),
                            gzipped=True)

    def changes(self, cursor: str, limit: int = 500) -> dict:
        return self.request("GET", f"{protocol.CHANGES_PATH}?after={cursor}&limit={limit}")


# --- state --------------------------------------------------------------------------------

def _state(name: str) -> SyncState:
    state = db.session.get(SyncState, name)
    if state is None:
        state = SyncState(name=name, acked_seq=0)
        db.session.add(state)
    return state


def backlog() -> dict[str, int]:
    """Rows per table the central office has not acknowledged yet."""
    counts = {}
    for name, model in MODELS.items():
        state = db.session.get(SyncState, name)
        acked = state.acked_seq if state else 0
        counts[name] = db.session.scalar(
            select(func.count()).select_from(model).where(model.sync_seq > acked)) or 0
    return counts


def status(app: Flask | None = None) -> dict:
    """What the staff console shows next to its 立即同步 button, and /healthz reports."""
    app = app or current_app
    with app.app_context():
        agent = db.session.get(SyncState, "agent")
        pending = backlog()
        window = app.config["KIOSK_SYNC_WINDOW"]
        return {
            "configured": configured(app.config),
            "last_success_at": _iso(agent.last_success_at if agent else None),
            "last_attempt_at": _iso(agent.last_attempt_at if agent else None),
            "last_error": agent.last_error if agent else None,
            "last_error_at": _iso(agent.last_error_at if agent else None),
            "backlog": sum(pending.values()),
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
    """Push one table until nothing is left; (records sent, records the office applied)."""
    sent = applied = 0
    while True:
        acked = _state(name).acked_seq
        rows = _rows_after(name, acked, batch_records)
        db.session.rollback()  # end the read: the kiosk keeps writing while we wait on the network
        if not rows:
            return sent, applied
        records = (protocol.encode_row(name, row, row["sync_seq"]) for row in rows)
        for batch in protocol.batches(name, records, max_records=batch_records):
            answer = client.push(batch)
            if answer.get("acked_seq") != batch.max_seq:
                raise SyncError("bad_answer", f"the central office acknowledged "
                                              f"{answer.get('acked_seq')!r}, not {batch.max_seq}")
            # The office has committed the batch; only now move past it.
            _state(name).acked_seq = batch.max_seq
            db.session.commit()
            sent += len(batch.records)
            applied += int(answer.get("applied", 0))


def pull(client: Client, *, limit: int = 500) -> int:
    """Apply the office's changes to this kiosk's cases; cursor and changes commit together."""
    pulled = 0
    while True:
        cursor = _state("pull").cursor or "0-0"
        db.session.rollback()
        answer = client.changes(cursor, limit)
        changes = answer.get("changes")
        if not isinstance(changes, list) or not isinstance(answer.get("cursor"), str):
            raise SyncError("bad_answer", "the central office's change feed is malformed")
        for change in changes:
            _apply_office_change(change)
        _state("pull").cursor = answer["cursor"]
        db.session.commit()
        pulled += len(changes)
        if not answer.get("more"):
            return pulled


def _apply_office_change(change: dict) -> None:
    """The office's facts of one case onto the kiosk's copy, and the case's stage again.

    An older copy of the office's facts never overwrites a newer one; the
    case's `version` is not touched (these facts are not the kiosk's to send)
    and `updated_at` stays the kiosk's own.
    """
    values = {name: protocol.decode_value(kind, change.get(name))
              for name, kind in protocol.OFFICE_CASE_FIELDS.items()}
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
    """One whole sync (push every table, then pull); records success or the error."""
    app = app or current_app
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
            db.session.rollback()
            health.note_refusal(error)  # a refused clock is shown on the console
            agent = _state("agent")
            agent.last_error, agent.last_error_at = error.message, utcnow()
            db.session.commit()
            log.warning("sync failed: %s", error.message)
            raise
        agent = _state("agent")
        agent.last_success_at, agent.last_error, agent.last_error_at = utcnow(), None, None
        db.session.commit()
        return result


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
