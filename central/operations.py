"""What the central office does: register kiosks, take their batches, record handling.

`ingest` is the heart of push: one INSERT … ON CONFLICT (id) DO UPDATE … WHERE
statement per batch, which applies a row only when the incoming version is
newer and the row belongs to the same kiosk, so a batch sent twice changes
nothing. The caller acknowledges only after `ingest` has committed.

`changes_after` serves the pull feed in (xid, seq) order, only from
transactions older than every one still running (PostgreSQL), so no change
can commit behind a cursor already handed out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import and_, delete, func, literal_column, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from petition.clock import local_date

from sync import protocol
from .extensions import db
from .models import MIRRORS, CaseChange, Kiosk, SeenNonce, case


class CentralError(Exception):
    """An expected refusal, turned into a JSON error by the API."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# --- kiosks and credentials --------------------------------------------------------------

def credential(kiosk: Kiosk) -> str:
    """The kiosk's signing key: HMAC of the central secret over its id and salt."""
    secret = current_app.config["CENTRAL_SECRET_KEY"].encode()
    raw = hmac.new(secret, f"{kiosk.id}:{kiosk.key_salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def add_kiosk(kiosk_id: str, name: str, *, now: datetime) -> str:
    """Register (or re-register, with a new credential) a kiosk; return its credential."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        kiosk = Kiosk(id=kiosk_id, name=name, created_at=now, key_salt="")
        db.session.add(kiosk)
    kiosk.name, kiosk.active, kiosk.revoked_at = name, True, None
    kiosk.key_salt = secrets.token_hex(16)
    db.session.commit()
    return credential(kiosk)


def revoke_kiosk(kiosk_id: str, *, now: datetime) -> bool:
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        return False
    kiosk.active, kiosk.revoked_at = False, now
    db.session.commit()
    return True


def authenticate(method: str, path: str, headers, body: bytes, *, now: datetime) -> Kiosk:
    """The kiosk that signed this request, or a CentralError saying why not."""
    kiosk_id = headers.get(protocol.HEADER_KIOSK, "")
    kiosk = db.session.get(Kiosk, kiosk_id) if kiosk_id else None
    if kiosk is None:
        raise CentralError(401, "unknown_kiosk",
                           f"no kiosk {kiosk_id!r} is registered at the central office")
    if not kiosk.active:
        raise CentralError(403, "revoked", f"the credential of kiosk {kiosk_id!r} was revoked")
    try:
        nonce = protocol.check_signature(
            # `now` is naive UTC; .timestamp() would read it as the server's local time.
            credential(kiosk), method, path, headers, body,
            now=now.replace(tzinfo=timezone.utc).timestamp(),
            max_skew=current_app.config["CENTRAL_MAX_SKEW_SECONDS"])
    except protocol.ProtocolError as error:
        raise CentralError(401, error.code, error.message) from error
    # Forget nonces older than any request that could still pass the clock check.
    horizon = now - timedelta(seconds=2 * current_app.config["CENTRAL_MAX_SKEW_SECONDS"])
    db.session.execute(delete(SeenNonce).where(SeenNonce.seen_at < horizon))
    db.session.add(SeenNonce(kiosk_id=kiosk.id, nonce=nonce, seen_at=now))
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise CentralError(401, "replayed", "this request was already received (nonce reused)") \
            from error
    return kiosk


# --- push ---------------------------------------------------------------------------------

@dataclass
class IngestResult:
    table: str
    received: int
    applied: int
    acked_seq: int


def _dialect_insert(table):
    if db.engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


_UPSERTS: dict[tuple[str, str], object] = {}
_PG_TYPES = {protocol.STR: "text", protocol.INT: "bigint", protocol.BOOL: "boolean",
                   protocol.DATE: "date", protocol.DATETIME: "timestamp"}


def _upsert_columns(table_name: str) -> list[str]:
    return list(dict.fromkeys([*protocol.TABLES[table_name], "kiosk_id", "sync_seq", "received_at"]))


def _iso(value):
    return value.isoformat()


def _pg_upsert(table_name: str):
    """PostgreSQL: the same single upsert, fed the batch as one JSON parameter.

    One json_to_recordset parameter instead of 7,000 scalar ones keeps the
    driver from re-parsing a huge statement for every batch; PostgreSQL parses
    the JSON in C (several times faster than multi-VALUES from Python).
    """
    key = ("postgresql-json", table_name)
    if key not in _UPSERTS:
        kinds = {**protocol.TABLES[table_name], "kiosk_id": protocol.STR,
                 "sync_seq": protocol.INT, "received_at": protocol.DATETIME}
        columns = _upsert_columns(table_name)
        names = ", ".join(f'"{c}"' for c in columns)
        record = ", ".join(f'"{c}" {_PG_TYPES[kinds[c]]}' for c in columns)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in ("id", "kiosk_id"))
        _UPSERTS[key] = text(
            f'INSERT INTO "{table_name}" ({names}) '
            f'SELECT {names} FROM json_to_recordset(CAST(:rows AS json)) AS r({record}) '
            f'ON CONFLICT (id) DO UPDATE SET {updates} '
            f'WHERE excluded.version > "{table_name}".version '
            f'AND "{table_name}".kiosk_id = excluded.kiosk_id RETURNING id')
    return _UPSERTS[key]


def _upsert(table_name: str):
    key = (db.engine.dialect.name, table_name)
    if key not in _UPSERTS:
        table = MIRRORS[table_name]
        statement = _dialect_insert(table)
        owned = [c for c in protocol.TABLES[table_name] if c not in ("id", "kiosk_id")]
        _UPSERTS[key] = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={c: statement.excluded[c] for c in owned + ["sync_seq", "received_at"]},
            where=and_(statement.excluded.version > table.c.version,
                       table.c.kiosk_id == statement.excluded.kiosk_id),
        ).returning(table.c.id)
    return _UPSERTS[key]


def ingest(kiosk_id: str, table_name: str, rows: list[dict], *, now: datetime) -> IngestResult:
    """Upsert one batch in one statement and commit; rows of another kiosk are refused."""
    if table_name == protocol.DELETIONS:
        return _ingest_deletions(kiosk_id, rows, now=now)
    newest: dict[str, dict] = {}
    for row in rows:
        if "kiosk_id" in row and row["kiosk_id"] != kiosk_id:
            raise CentralError(403, "wrong_kiosk",
                               f"a {table_name} record of kiosk {row['kiosk_id']!r} was sent by "
                               f"kiosk {kiosk_id!r}; a kiosk sends only its own records")
        row = dict(row, kiosk_id=kiosk_id, received_at=now)
        # One statement may touch a row once: keep the newest copy within the batch.
        kept = newest.get(row["id"])
        if kept is None or (row["version"], row["sync_seq"]) > (kept["version"], kept["sync_seq"]):
            newest[row["id"]] = row
    # One INSERT … ON CONFLICT … DO UPDATE … WHERE for the batch: SQLAlchemy's
    # "insertmanyvalues" sends the rows as one multi-VALUES statement (pages of
    # 1000 > a batch's 500) and caches the compiled form across batches.
    # RETURNING names exactly the rows inserted or updated.
    if db.engine.dialect.name == "postgresql":
        document = json.dumps(list(newest.values()), ensure_ascii=False, default=_iso)
        applied = len(db.session.execute(_pg_upsert(table_name), {"rows": document}).all())
    else:
        applied = len(db.session.execute(_upsert(table_name), list(newest.values())).all())
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(last_push_at=now))
    db.session.commit()
    return IngestResult(table_name, len(rows), applied, max(row["sync_seq"] for row in rows))


def _ingest_deletions(kiosk_id: str, rows: list[dict], *, now: datetime) -> IngestResult:
    """Delete the office's copies of rows the kiosk deleted (only that kiosk's); commit.

    Deleting what is already gone changes nothing, so a batch sent twice is harmless.
    """
    ids_by_table: dict[str, list[str]] = {}
    for row in rows:
        ids_by_table.setdefault(row["table_name"], []).append(row["id"])
    applied = 0
    for name, ids in ids_by_table.items():
        mirror = MIRRORS[name]
        applied += db.session.execute(
            delete(mirror).where(mirror.c.id.in_(ids), mirror.c.kiosk_id == kiosk_id)).rowcount
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(last_push_at=now))
    db.session.commit()
    return IngestResult(protocol.DELETIONS, len(rows), applied, max(row["sync_seq"] for row in rows))


# --- handling and the pull feed -------------------------------------------------------------

def _current_xid():
    if db.engine.dialect.name == "postgresql":
        return literal_column("pg_current_xact_id()::text::bigint")
    return 0


def set_handling(case_id: str, status: str, *, reply_text: str | None = None,
                 now: datetime, commit: bool = True) -> int:
    """Record the office's handling of a case; return its new central_version.

    `commit=False` leaves the transaction open (tests use it to hold a writer).
    """
    if status not in protocol.CENTRAL_STATUSES:
        raise CentralError(400, "bad_status", f"status must be one of {protocol.CENTRAL_STATUSES}")
    query = select(case.c.id, case.c.kiosk_id, case.c.central_version, case.c.central_accepted_on) \
        .where(case.c.id == case_id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    row = db.session.execute(query).first()
    if row is None:
        raise CentralError(404, "unknown_case", f"no case {case_id!r}")
    today = local_date(now)  # the office's calendar day in Asia/Shanghai, not the UTC date
    values = {"central_status": status, "central_version": row.central_version + 1,
              "central_updated_at": now}
    if reply_text is not None:
        values["reply_text"] = reply_text
    if row.central_accepted_on is None and status != "forwarded":
        values["central_accepted_on"] = today
    if status == "replied":
        values["central_replied_on"] = today
    if status == "closed":
        values["central_closed_on"] = today
    db.session.execute(update(case).where(case.c.id == case_id).values(**values))
    db.session.execute(CaseChange.__table__.insert().values(
        xid=_current_xid(), case_id=case_id, kiosk_id=row.kiosk_id, changed_at=now))
    if commit:
        db.session.commit()
    return values["central_version"]


def parse_cursor(raw: str | None) -> tuple[int, int]:
    if not raw:
        return 0, 0
    try:
        xid, seq = raw.split("-", 1)
        cursor = int(xid), int(seq)
    except ValueError as error:
        raise CentralError(400, "bad_cursor", f"cursor {raw!r} is not of the form XID-SEQ") from error
    if cursor[0] < 0 or cursor[1] < 0:
        raise CentralError(400, "bad_cursor", f"cursor {raw!r} is negative")
    return cursor


def _stable_xid_bound() -> int | None:
    """Transactions below this id have all finished (PostgreSQL); None where writers are serial."""
    if db.engine.dialect.name != "postgresql":
        return None
    return db.session.execute(
        text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one()


def changes_after(kiosk_id: str, cursor: str | None, limit: int, *, now: datetime) -> dict:
    """The kiosk's case changes after `cursor`, oldest first, with the cursor to ask from next."""
    xid, seq = parse_cursor(cursor)
    bound = _stable_xid_bound()
    central_columns = [case.c[name] for name in protocol.CENTRAL_CASE_FIELDS]
    query = (select(CaseChange.seq, CaseChange.xid, CaseChange.case_id, *central_columns)
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
                       for name in protocol.CENTRAL_CASE_FIELDS})
        changes.append(change)
    next_cursor = f"{rows[-1].xid}-{rows[-1].seq}" if rows else f"{xid}-{seq}"
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(last_pull_at=now))
    db.session.commit()
    return {"changes": changes, "cursor": next_cursor, "more": len(rows) == limit}


def note_error(kiosk_id: str, message: str, *, now: datetime) -> None:
    """Remember a refused request on the kiosk's row, for the case desk's per-kiosk view."""
    db.session.rollback()
    db.session.execute(update(Kiosk).where(Kiosk.id == kiosk_id)
                       .values(last_error=message[:500], last_error_at=now))
    db.session.commit()


def records_held(kiosk_id: str) -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(table)
                                    .where(table.c.kiosk_id == kiosk_id)) or 0
            for name, table in MIRRORS.items()}


def progress(query_code: str) -> dict | None:
    """Status and dates of the case behind a query code, and nothing personal."""
    visit = MIRRORS["visit"]
    row = db.session.execute(
        select(visit.c.service_day, case.c.registered_on, case.c.central_status,
               case.c.central_accepted_on, case.c.central_replied_on, case.c.central_closed_on)
        .select_from(visit.join(case, case.c.id == visit.c.case_id))
        .where(visit.c.query_code == query_code)).first()
    return None if row is None else dict(row._mapping)
