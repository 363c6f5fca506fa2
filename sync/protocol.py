"""The sync protocol shared by the kiosk agent and the central app.

What travels: the kiosk-owned fields of four tables (person, case, visit,
group_representative), as JSON rows in gzip batches of at most 500 records or
1 MB of JSON. Each row carries the kiosk's `version` (the central app applies
a row only when it is newer) and `sync_seq`, the kiosk's own change counter,
which the central app echoes back as the acknowledgement. The central office
owns the handling fields of a case (`central_status`, `reply_text`, ...) and
sends them back through the change feed; no field has two owners, so nothing
is ever merged.

What each field may hold, and how a record is checked at both ends, is in
`sync.fields` (re-exported here): a batch with a broken record is refused
whole, naming each record and field.

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
import re
import secrets
from dataclasses import dataclass
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

from .fields import (  # noqa: F401  (the protocol's API: protocol.RULES, protocol.check_record, …)
    STR,
    INT,
    BOOL,
    DATE,
    DATETIME,
    INT_LIMIT,
    EARLIEST,
    LATEST,
    MAX_DEPTH,
    Field,
    RULES,
    TABLES,
    DELETIONS,
    DELETION_RULES,
    DELETION_FIELDS,
    FIELDS,
    ALL_RULES,
    OFFICE_CASE_RULES,
    OFFICE_CASE_FIELDS,
    ProtocolError,
    encode_value,
    decode_value,
    shown,
    check_value,
    encode_row,
    Refusal,
    check_record,
    decode_row,
    content_hash,
)

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
    """Parse a (gzip) JSON body; refuse a body that inflates past `limit` (a zip bomb) or nests
    past what the parser can follow (records themselves are checked to hold scalars only)."""
    try:
        if gzipped:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
                raw = stream.read(limit + 1)
            if len(raw) > limit:
                raise ProtocolError("too_large", f"the batch inflates past {limit} bytes")
        else:
            raw = body
        return json.loads(raw.decode("utf-8"))
    except RecursionError as error:  # thousands of nested brackets: refused, not a crash
        raise ProtocolError("too_deep", f"the JSON nests deeper than a batch ({MAX_DEPTH} levels)") \
            from error
    except (OSError, EOFError, ValueError) as error:  # ValueError: bad UTF-8, bad JSON, huge ints
        if isinstance(error, ProtocolError):
            raise
        raise ProtocolError("bad_body", f"the body is not {'gzip ' if gzipped else ''}JSON: "
                                        f"{shown(str(error))}") from error


def parse_push(payload: Any) -> tuple[Any, str, list[dict[str, Any]], list[Refusal]]:
    """(kiosk_id, table, rows, refusals) of a push body; a ProtocolError when it is no batch.

    Every record is checked: `refusals` names each broken one (the batch is then refused
    whole, so nothing of it is written); `rows` are the others.
    """
    if not isinstance(payload, dict):
        raise ProtocolError("bad_body", "the batch must be a JSON object")
    table = payload.get("table")
    records = payload.get("records")
    if not isinstance(table, str) or table not in FIELDS:
        raise ProtocolError("bad_table", f"unknown table {shown(table)}; one of {sorted(FIELDS)}")
    if not isinstance(records, list) or not records:
        raise ProtocolError("bad_body", "records must be a non-empty list")
    if len(records) > MAX_BATCH_RECORDS:
        raise ProtocolError("too_large", f"at most {MAX_BATCH_RECORDS} records per batch")
    rows, refusals = [], []
    for record in records:
        row, refusal = check_record(table, record)
        if refusal is None:
            rows.append(row)
        else:
            refusals.append(refusal)
    return payload.get("kiosk_id"), table, rows, refusals


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


# What signed headers look like: ASCII digits and hex only (int() would take other scripts'
# digits, and compare_digest refuses non-ASCII text).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_NONCE = re.compile(r"[0-9A-Za-z_-]{16,64}")
_HEX = re.compile(r"[0-9a-f]{64}")


def check_signature(key: str, method: str, path: str, headers: dict[str, str], body: bytes, *,
                    now: float, max_skew: int = MAX_SKEW_SECONDS) -> str:
    """Verify a request's signature and clock; return its nonce (the caller checks reuse)."""
    timestamp = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    given = headers.get(HEADER_SIGNATURE, "")
    if not (_TIMESTAMP.fullmatch(timestamp) and _NONCE.fullmatch(nonce) and _HEX.fullmatch(given)):
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
