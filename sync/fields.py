"""The fields the sync carries and the rules each keeps, shared by both ends (`sync.protocol`).

Each pushed field is declared once with its kind and rules: text by
petition.text (no control character, no lone surrogate, at most the kiosk's
column), integers in their range (below 2³¹ for the office's `integer`
columns), dates and times between 2000 and 2099, required or not. The agent
checks every record with `check_record` before sending it and the office
checks every record it receives the same way, so a record one end accepts
the other does too; a refused record is named (`Refusal`) with its field and
why, for the kiosk to hold it aside.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable

from petition import limits, text
from petition.vocabulary import MAX_GROUP_SIZE, MAX_REPRESENTATIVES

# Column kinds, so both ends turn JSON back into the same Python values.
STR, INT, BOOL, DATE, DATETIME = "str", "int", "bool", "date", "datetime"

#: Integers travel into 32-bit columns (PostgreSQL `integer`): 0 ≤ n < 2³¹ unless a field says less.
INT_LIMIT = 2 ** 31
#: Dates and times a record may carry: anything else is a broken clock or a forged record.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
#: The deepest JSON a push may be: the body, its records, a record (whose values are scalars).
MAX_DEPTH = 3


@dataclass(frozen=True)
class Field:
    """One pushed field: its kind and its rules (petition.text's for text).

    `max_length` is the kiosk's column; `multiline` text may hold line breaks;
    integers lie in [low, high]; a `required` field may not be null or missing
    (it identifies the record, or the office's mirror cannot store it empty).
    """

    kind: str
    required: bool = False
    max_length: int | None = None
    multiline: bool = False
    low: int = 0
    high: int = INT_LIMIT - 1


def _text(length: int, required: bool = False) -> Field:
    return Field(STR, required, max_length=length)


def _long_text() -> Field:
    return Field(STR, max_length=text.LONG_TEXT, multiline=True)


def _int(low: int = 0, high: int = INT_LIMIT - 1, required: bool = False) -> Field:
    return Field(INT, required, low=low, high=high)


_ID, _KIOSK = _text(36, required=True), _text(64, required=True)
_REF = _text(36)
_BOOL, _DATE, _MOMENT = Field(BOOL), Field(DATE), Field(DATETIME)
# Required: what identifies a record and what the office's mirror cannot store empty.
_VERSIONED = {"version": _int(1, required=True), "created_at": Field(DATETIME, True),
              "updated_at": Field(DATETIME, True)}

# The kiosk-owned columns of each synced table, in push order, with their rules. The kiosk's
# idempotency keys and print jobs stay on the kiosk: they mean nothing centrally.
RULES: dict[str, dict[str, Field]] = {
    "person": {
        "id": _ID, "kiosk_id": _KIOSK, "name": _text(50), "gender": _text(10),
        "id_number": _text(18), "phone": _text(20), "address": _text(200), "is_deputy": _BOOL,
        **_VERSIONED,
    },
    "case": {
        "id": _ID, "kiosk_id": _KIOSK, "person_id": _REF, "category": _text(20),
        "body_name": _text(100), "matter": _long_text(), "request": _long_text(),
        # Required: the case's stage (petition.lifecycle) is derived from it as it arrives.
        "registered_on": Field(DATE, True), "urgent": _BOOL, "joint_supervision": _BOOL,
        # What the window decided and recorded (the kiosk owns it; petition.lifecycle's window
        # steps). The case's status is derived by each side from the facts, never sent.
        "disposition": _text(20), "decided_on": _DATE,
        "extension_days": _int(0, limits.MAX_EXTENSION_DAYS), "extension_reason": _long_text(),
        "forwarded_to": _text(100), "assigned_to": _text(100), "assigned_due_on": _DATE,
        "not_accepted_reason": _long_text(), "proper_channel": _long_text(), "result": _long_text(),
        "closed_on": _DATE, "satisfaction": _text(20),
        **_VERSIONED,
    },
    "visit": {
        "id": _ID, "kiosk_id": _KIOSK, "service": _text(20), "service_day": _DATE,
        "ticket_seq": _int(1), "ticket_number": _text(10), "query_code": _text(10),
        "status": _text(20), "person_id": _REF, "case_id": _REF, "category": _text(20),
        "body_name": _text(100), "group_size": _int(1, MAX_GROUP_SIZE),
        "representative_count": _int(0, MAX_REPRESENTATIVES), "locale": _text(20),
        "window": _int(1, 99), "called_at": _MOMENT, "received_by": _text(64),
        **_VERSIONED,
    },
    # No kiosk_id of its own on the kiosk: the central app stamps the signed-in kiosk.
    "group_representative": {
        "id": _ID, "visit_id": _REF, "position": _int(1, MAX_REPRESENTATIVES), "name": _text(50),
        "id_number": _text(18), "phone": _text(20), **_VERSIONED,
    },
    # Materials handed over at the window (材料); like representatives, stamped centrally.
    "material": {
        "id": _ID, "visit_id": _REF, "position": _int(1, 99), "name": _text(100),
        "count": _int(1, 999), **_VERSIONED,
    },
}

# The same columns with their kinds only, as the mirrors and the agent's queries read them.
TABLES: dict[str, dict[str, str]] = {
    table: {column: rule.kind for column, rule in columns.items()} for table, columns in RULES.items()}

# Rows the kiosk deleted (a representative or a material cleared at the window,
# an undecided case merged into an earlier one as a repeat visit) travel as
# records of this pseudo-table after the real ones, so the office deletes its
# copy too and keeps a tombstone: `id` is the deleted row's id, `table_name`
# its table, `version` the row's version when it was deleted.
DELETIONS = "deleted"
DELETION_RULES: dict[str, Field] = {"id": _ID, "table_name": _text(32, True),
                                    "version": _int(1, required=True)}
DELETION_FIELDS: dict[str, str] = {column: rule.kind for column, rule in DELETION_RULES.items()}
_SYNC_SEQ = _int(1, required=True)

# Every kind of record a push may carry: the mirrored tables, then deletions.
FIELDS: dict[str, dict[str, str]] = {**TABLES, DELETIONS: DELETION_FIELDS}
ALL_RULES: dict[str, dict[str, Field]] = {**RULES, DELETIONS: DELETION_RULES}

# The office's facts of a case (petition.lifecycle's office steps), as the change feed carries
# them back to the kiosk, with the office's own version of them.
OFFICE_CASE_RULES: dict[str, Field] = {
    "reply_text": _long_text(), "replied_on": _DATE, "office_closed_on": _DATE,
    "review_requested_on": _DATE, "review_decided_on": _DATE, "review_result": _long_text(),
    "reexam_requested_on": _DATE, "reexam_decided_on": _DATE, "reexam_result": _long_text(),
    "evaluation": _text(20), "evaluated_on": _DATE,
    # The office's word that this case is the same matter as an earlier one (同一事项), and a
    # line saying which (hall and day), since the kiosk cannot see other halls' cases.
    "same_matter_as": _text(36), "same_matter_summary": _long_text(),
    "office_version": _int(0, required=True), "office_updated_at": _MOMENT,
}
OFFICE_CASE_FIELDS: dict[str, str] = {name: rule.kind for name, rule in OFFICE_CASE_RULES.items()}


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
    except (TypeError, ValueError, OverflowError):  # OverflowError: year 1 at UTC+5, say
        pass
    raise ProtocolError("bad_value", f"a {kind} was expected, got {shown(value)}")


def shown(value: Any) -> str:
    """A value in a message: short, and with its invisible characters visible."""
    shown = ascii(value) if isinstance(value, str) else repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def check_value(rule: Field, value: Any) -> Any:
    """A field's JSON value as Python, checked against its rule; ProtocolError naming the problem."""
    if value is None:
        if rule.required:
            raise ProtocolError("missing", "is required")
        return None
    # Text and numbers as they are (the common case, kept cheap for ingest).
    if not ((rule.kind == STR and type(value) is str) or (rule.kind == INT and type(value) is int)):
        value = decode_value(rule.kind, value)
    if rule.kind == STR:
        found = text.problem(value, rule.max_length, multiline=rule.multiline)
        if found is not None:
            code, position = found
            where = (f"has {position} characters, at most {rule.max_length}" if code == text.TOO_LONG
                     else f"has a {code.replace('_', ' ')} at character {position}")
            raise ProtocolError(code, where)
    elif rule.kind == INT:
        if not rule.low <= value <= rule.high:
            raise ProtocolError("out_of_range", f"is {value}, not between {rule.low} and {rule.high}")
    elif rule.kind in (DATE, DATETIME):
        day = value.date() if rule.kind == DATETIME else value
        if not EARLIEST <= day <= LATEST:
            raise ProtocolError("out_of_range", f"is {value.isoformat()}, not between "
                                                f"{EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


def encode_row(table: str, row: dict[str, Any], sync_seq: int) -> dict[str, Any]:
    """One record as it travels: its kiosk-owned fields plus the kiosk's change number."""
    record = {column: encode_value(row.get(column)) for column in FIELDS[table]}
    record["sync_seq"] = sync_seq
    return record


@dataclass(frozen=True)
class Refusal:
    """Why one record of a batch is refused: which record (its id and change number, when it
    has readable ones), which field, and why. The kiosk holds such a record aside for staff."""

    table: str
    id: str | None
    sync_seq: int | None
    field: str
    code: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "sync_seq": self.sync_seq, "field": self.field,
                "code": self.code, "message": self.message}

    @classmethod
    def from_json(cls, item: Any) -> Refusal | None:
        """A refusal as the office names it, or None when it names no record of a batch."""
        if not isinstance(item, dict) or type(item.get("sync_seq")) is not int:
            return None
        return cls(str(item.get("table", "")), item.get("id") if isinstance(item.get("id"), str) else None,
                   item["sync_seq"], str(item.get("field", ""))[:64], str(item.get("code", ""))[:32],
                   str(item.get("message", ""))[:300])


def check_record(table: str, record: Any) -> tuple[dict[str, Any] | None, Refusal | None]:
    """(the record as a row, None) when every field keeps its rule, else (None, why not).

    The kiosk checks each record before it sends it, the office each one it receives: one set
    of rules at both ends.
    """
    if not isinstance(record, dict):
        return None, Refusal(table, None, None, "", "bad_record", f"a {table} record must be an object")
    for key, value in record.items():
        if isinstance(value, (dict, list)):  # a record is one level of scalars (MAX_DEPTH)
            return None, Refusal(table, None, None, str(key)[:64], "too_deep",
                                 f"a {table} record holds scalars only, not {type(value).__name__}s")
    raw_id, raw_seq = record.get("id"), record.get("sync_seq")
    # The id to name the record by, only when it is clean text itself (it goes into messages).
    record_id = raw_id if isinstance(raw_id, str) and text.problem(raw_id, 36) is None else None
    seq = raw_seq if type(raw_seq) is int and 0 < raw_seq < INT_LIMIT else None
    row: dict[str, Any] = {}
    for column, rule in (*ALL_RULES[table].items(), ("sync_seq", _SYNC_SEQ)):
        try:
            row[column] = check_value(rule, record.get(column))
        except ProtocolError as error:
            return None, Refusal(table, record_id, seq, column, error.code,
                                 f"{table} {record_id or '?'}: {column} {error.message}")
    if table == DELETIONS and row["table_name"] not in TABLES:
        return None, Refusal(table, record_id, seq, "table_name", "bad_value",
                             f"a deletion names unknown table {shown(row['table_name'])}")
    if table == "case" and row["disposition"] is not None and row["decided_on"] is None:
        # Every window decision records its day (petition.lifecycle); due dates count from it.
        return None, Refusal(table, record_id, seq, "decided_on", "missing",
                             f"case {record_id}: decided_on is required once the case is decided")
    return row, None


def decode_row(table: str, record: Any) -> dict[str, Any]:
    """A record as a row, or the ProtocolError of its first broken field."""
    row, refusal = check_record(table, record)
    if refusal is not None:
        raise ProtocolError("bad_record", refusal.message)
    return row


def content_hash(rows: Iterable[dict[str, Any]], table: str) -> str:
    """A digest of a table's kiosk-owned content, to compare both ends in tests and checks."""
    digest = hashlib.sha256()
    columns = [column for column in TABLES[table] if column != "kiosk_id"]
    for row in sorted(rows, key=lambda r: r["id"]):
        digest.update(json.dumps([encode_value(row[c]) for c in columns],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()
