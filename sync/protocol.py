"""The sync protocol shared by the kiosk agent and the central app.

What travels: the kiosk-owned fields of four tables (person, case, visit,
group_representative), as JSON rows in gzip batches of at most 500 records or
1 MB of JSON. Each row carries the kiosk's `version` (the central app applies
a row only when it is newer) and `sync_seq`, the kiosk's own change counter,
which the central app echoes back as the acknowledgement. The central office
owns the handling fields of a case (`central_status`, `reply_text`, ...) and
sends them back through the change feed; no field has two owners, so nothing
is ever merged.

How it is signed: HMAC-SHA256 with the kiosk's own key over the method, the
path with its query string, a Unix timestamp, a random nonce and the SHA-256
of the (compressed) body. The central app refuses more than five minutes of
clock skew and any nonce it has seen before.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable, Iterator

API_PREFIX = "/sync/v1"
PUSH_PATH = f"{API_PREFIX}/push"
CHANGES_PATH = f"{API_PREFIX}/changes"
ACKNOWLEDGED_PATH = f"{API_PREFIX}/acknowledged"  # what the office holds, after a kiosk's restore
HEALTH_PATH = f"{API_PREFIX}/health"  # the kiosk's health summary, sent with each sync

MAX_BATCH_RECORDS = 500
MAX_BATCH_BYTES = 1024 * 1024
MAX_SKEW_SECONDS = 300

HEADER_KIOSK = "X-Jiedai-Kiosk"
HEADER_TIMESTAMP = "X-Jiedai-Timestamp"
HEADER_NONCE = "X-Jiedai-Nonce"
HEADER_SIGNATURE = "X-Jiedai-Signature"

# Column kinds, so both ends turn JSON back into the same Python values.
STR, INT, BOOL, DATE, DATETIME = "str", "int", "bool", "date", "datetime"

# The kiosk-owned columns of each synced table, in push order. The kiosk's
# idempotency keys and print jobs stay on the kiosk: they mean nothing centrally.
TABLES: dict[str, dict[str, str]] = {
    "person": {
        "id": STR, "kiosk_id": STR, "name": STR, "gender": STR, "id_number": STR,
        "phone": STR, "address": STR, "is_deputy": BOOL,
        "version": INT, "created_at": DATETIME, "updated_at": DATETIME,
    },
    "case": {
        "id": STR, "kiosk_id": STR, "person_id": STR, "category": STR, "body_name": STR,
        "matter": STR, "request": STR, "registered_on": DATE,
        "urgent": BOOL, "joint_supervision": BOOL,
        # What the window decided and recorded (the kiosk owns it; petition.lifecycle's window
        # steps). The case's status is derived by each side from the facts, never sent.
        "disposition": STR, "decided_on": DATE, "extension_days": INT, "extension_reason": STR,
        "forwarded_to": STR, "assigned_to": STR, "assigned_due_on": DATE,
        "not_accepted_reason": STR, "proper_channel": STR, "result": STR, "closed_on": DATE,
        "satisfaction": STR,
        "version": INT, "created_at": DATETIME, "updated_at": DATETIME,
    },
    "visit": {
        "id": STR, "kiosk_id": STR, "service": STR, "service_day": DATE, "ticket_seq": INT,
        "ticket_number": STR, "query_code": STR, "status": STR, "person_id": STR,
        "case_id": STR, "category": STR, "body_name": STR, "group_size": INT,
        "representative_count": INT, "locale": STR,
        "window": INT, "called_at": DATETIME, "received_by": STR,
        "version": INT, "created_at": DATETIME, "updated_at": DATETIME,
    },
    # No kiosk_id of its own on the kiosk: the central app stamps the signed-in kiosk.
    "group_representative": {
        "id": STR, "visit_id": STR, "position": INT, "name": STR, "id_number": STR,
        "phone": STR, "version": INT, "created_at": DATETIME, "updated_at": DATETIME,
    },
    # Materials handed over at the window (材料); like representatives, stamped centrally.
    "material": {
        "id": STR, "visit_id": STR, "position": INT, "name": STR, "count": INT,
        "version": INT, "created_at": DATETIME, "updated_at": DATETIME,
    },
}

# Rows the kiosk deleted (a representative or a material cleared at the window,
# an undecided case merged into an earlier one as a repeat visit) travel as
# records of this pseudo-table after the real ones, so the office deletes its
# copy too: `id` is the deleted row's id, `table_name` its table.
DELETIONS = "deleted"
DELETION_FIELDS: dict[str, str] = {"id": STR, "table_name": STR, "version": INT}

# Every kind of record a push may carry: the mirrored tables, then deletions.
FIELDS: dict[str, dict[str, str]] = {**TABLES, DELETIONS: DELETION_FIELDS}

# The office's facts of a case (petition.lifecycle's office steps), as the change feed carries
# them back to the kiosk, with the office's own version of them.
OFFICE_CASE_FIELDS: dict[str, str] = {
    "reply_text": STR, "replied_on": DATE, "office_closed_on": DATE,
    "review_requested_on": DATE, "review_decided_on": DATE, "review_result": STR,
    "reexam_requested_on": DATE, "reexam_decided_on": DATE, "reexam_result": STR,
    "evaluation": STR, "evaluated_on": DATE,
    # The office's word that this case is the same matter as an earlier one (同一事项), and a
    # line saying which (hall and day), since the kiosk cannot see other halls' cases.
    "same_matter_as": STR, "same_matter_summary": STR,
    "office_version": INT, "office_updated_at": DATETIME,
}


class ProtocolError(ValueError):
    """A request or batch that does not follow the protocol; `code` is machine-readable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- values -------------------------------------------------------------------------------

def encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode_value(kind: str, value: Any) -> Any:
    """A JSON value back to Python; a wrong type is a ProtocolError, never a crash."""
    if value is None:
        return None
    try:
        if kind == STR:
            if not isinstance(value, str):
                raise TypeError
            return value
        if kind == INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if kind == BOOL:
            if not isinstance(value, bool):
                raise TypeError
            return value
        if kind == DATE:
            return date.fromisoformat(value)
        if kind == DATETIME:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
            return moment
    except (TypeError, ValueError):
        pass
    raise ProtocolError("bad_record", f"a {kind} was expected, got {value!r}")


def encode_row(table: str, row: dict[str, Any], sync_seq: int) -> dict[str, Any]:
    """One record as it travels: its kiosk-owned fields plus the kiosk's change number."""
    record = {column: encode_value(row.get(column)) for column in FIELDS[table]}
    record["sync_seq"] = sync_seq
    return record


def decode_row(table: str, record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ProtocolError("bad_record", f"a {table} record must be an object")
    row = {}
    for column, kind in FIELDS[table].items():
        value = record.get(column)
        # Text and numbers pass as they are (the common case, kept cheap for ingest).
        if value is None or (kind == STR and type(value) is str) or (kind == INT and type(value) is int):
            row[column] = value
        else:
            row[column] = decode_value(kind, value)
    row["sync_seq"] = decode_value(INT, record.get("sync_seq"))
    for required in ("id", "version", "sync_seq"):
        if row[required] is None:
            raise ProtocolError("bad_record", f"a {table} record lacks {required}")
    return row


def content_hash(rows: Iterable[dict[str, Any]], table: str) -> str:
    """A digest of a table's kiosk-owned content, to compare both ends in tests and checks."""
    digest = hashlib.sha256()
    columns = [column for column in TABLES[table] if column != "kiosk_id"]
    for row in sorted(rows, key=lambda r: r["id"]):
        digest.update(json.dumps([encode_value(row[c]) for c in columns],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()


# --- batches ------------------------------------------------------------------------------

@dataclass
class Batch:
    table: str
    records: list[dict[str, Any]]

    @property
    def max_seq(self) -> int:
        return max(record["sync_seq"] for record in self.records)


def batches(table: str, records: Iterable[dict[str, Any]], *,
            max_records: int = MAX_BATCH_RECORDS,
            max_bytes: int = MAX_BATCH_BYTES) -> Iterator[Batch]:
    """Cut a stream of encoded records into batches of at most max_records or max_bytes JSON."""
    current: list[dict[str, Any]] = []
    size = 0
    for record in records:
        record_size = len(json.dumps(record, ensure_ascii=False).encode()) + 1
        if current and (len(current) >= max_records or size + record_size > max_bytes):
            yield Batch(table, current)
            current, size = [], 0
        current.append(record)
        size += record_size
    if current:
        yield Batch(table, current)


def pack(payload: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
                         compresslevel=5)


def pack_batch(kiosk_id: str, batch: Batch) -> bytes:
    return pack({"kiosk_id": kiosk_id, "table": batch.table, "records": batch.records})


def unpack(body: bytes, *, gzipped: bool, limit: int = 8 * MAX_BATCH_BYTES) -> Any:
    """Parse a (gzip) JSON body; refuse a body that inflates past `limit` (a zip bomb)."""
    try:
        if gzipped:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
                raw = stream.read(limit + 1)
            if len(raw) > limit:
                raise ProtocolError("too_large", f"the batch inflates past {limit} bytes")
        else:
            raw = body
        return json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProtocolError("bad_body", f"the body is not {'gzip ' if gzipped else ''}JSON: "
                                        f"{error}") from error


def parse_push(payload: Any) -> tuple[str, str, list[dict[str, Any]]]:
    """(kiosk_id, table, decoded rows) of a push body, or a ProtocolError."""
    if not isinstance(payload, dict):
        raise ProtocolError("bad_body", "the batch must be a JSON object")
    table = payload.get("table")
    records = payload.get("records")
    if table not in FIELDS:
        raise ProtocolError("bad_table", f"unknown table {table!r}; one of {sorted(FIELDS)}")
    if not isinstance(records, list) or not records:
        raise ProtocolError("bad_body", "records must be a non-empty list")
    if len(records) > MAX_BATCH_RECORDS:
        raise ProtocolError("too_large", f"at most {MAX_BATCH_RECORDS} records per batch")
    rows = [decode_row(table, record) for record in records]
    if table == DELETIONS:
        for row in rows:
            if row["table_name"] not in TABLES:
                raise ProtocolError("bad_record", f"a deletion names unknown table {row['table_name']!r}")
    return payload.get("kiosk_id"), table, rows


# --- signing ------------------------------------------------------------------------------

def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, nonce, body_digest(body)]).encode()


def signature(key: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(key.encode(), canonical(method, path, timestamp, nonce, body),
                    hashlib.sha256).hexdigest()


def sign(kiosk_id: str, key: str, method: str, path: str, body: bytes, *, now: float) -> dict[str, str]:
    """The headers that sign one request; `path` includes the query string."""
    timestamp = str(int(now))
    nonce = secrets.token_hex(16)
    return {
        HEADER_KIOSK: kiosk_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(key, method, path, timestamp, nonce, body),
    }


def check_signature(key: str, method: str, path: str, headers: dict[str, str], body: bytes, *,
                    now: float, max_skew: int = MAX_SKEW_SECONDS) -> str:
    """Verify a request's signature and clock; return its nonce (the caller checks reuse)."""
    timestamp = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    given = headers.get(HEADER_SIGNATURE, "")
    if not timestamp.isdigit() or not (16 <= len(nonce) <= 64) or not given:
        raise ProtocolError("unsigned", "the request lacks a timestamp, nonce or signature")
    expected = signature(key, method, path, timestamp, nonce, body)
    if not hmac.compare_digest(expected, given):
        raise ProtocolError("bad_signature", "the signature does not match this kiosk's key")
    skew = int(timestamp) - int(now)
    if abs(skew) > max_skew:
        raise ProtocolError(
            "clock_skew",
            f"the kiosk's clock is {skew:+d} s off the central office's; at most ±{max_skew} s "
            f"is accepted. Set the kiosk's time (NTP) and sync again.")
    return nonce
