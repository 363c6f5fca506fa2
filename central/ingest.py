"""Push: a kiosk's batch into the office's mirror, in one statement, acknowledged after commit.

`ingest` is one INSERT … ON CONFLICT (id) DO UPDATE … WHERE statement per
batch, which applies a row only when the incoming version is newer and the
row belongs to the same kiosk, so a batch sent twice changes nothing. The
caller acknowledges only after `ingest` has committed. A case's stage is
derived as it arrives (petition.lifecycle).

Each push first locks its kiosk's row, so one kiosk's pushes apply one at a
time whatever order they arrive in. A record whose id is another kiosk's row
is refused by name (nothing of its batch is written). A deleted row leaves a
tombstone (`deleted_row`) with its version: a push of it at or below that
version changes nothing, so a request that arrives late cannot bring it back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, any_, bindparam, delete, literal_column, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from petition import lifecycle
from sync import protocol

from . import cases
from .extensions import db
from .models import MIRRORS, DeletedRow, Kiosk
from .operations import CentralError


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


# What the receiver writes beside a record's own fields: for a case, the stage its window facts
# give (the office's facts, once it has replied, keep theirs; see `_stage_update`).
DERIVED = {"case": {"status": protocol.STR, "due_on": protocol.DATE, "concluded_on": protocol.DATE,
                    "on_time": protocol.BOOL}}


def _upsert_columns(table_name: str) -> list[str]:
    return list(dict.fromkeys([*protocol.TABLES[table_name], *DERIVED.get(table_name, {}),
                               "kiosk_id", "sync_seq", "received_at"]))


def _stage_update(table_name: str, column: str, new: str, current: str) -> str | None:
    """SQL for a derived column on conflict: the pushed window stage until the office replies.

    Until the office's facts begin (petition.lifecycle.OFFICE_STAGE_BEGINS_WITH), a case's
    stage depends on the window's facts alone, so the receiver can derive it from the push.
    """
    if column not in DERIVED.get(table_name, {}):
        return None
    return (f'CASE WHEN {current}."{lifecycle.OFFICE_STAGE_BEGINS_WITH}" IS NULL '
            f'THEN {new}."{column}" ELSE {current}."{column}" END')


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
        kinds = {**protocol.TABLES[table_name], **DERIVED.get(table_name, {}),
                 "kiosk_id": protocol.STR, "sync_seq": protocol.INT, "received_at": protocol.DATETIME}
        columns = _upsert_columns(table_name)
        names = ", ".join(f'"{c}"' for c in columns)
        record = ", ".join(f'"{c}" {_PG_TYPES[kinds[c]]}' for c in columns)
        updates = ", ".join(
            f'"{c}" = ' + (_stage_update(table_name, c, "excluded", f'"{table_name}"') or f'excluded."{c}"')
            for c in columns if c not in ("id", "kiosk_id"))
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
        owned = [c for c in _upsert_columns(table_name) if c not in ("id", "kiosk_id")]
        _UPSERTS[key] = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={c: (literal_column(_stage_update(table_name, c, "excluded", f'"{table_name}"'))
                      if c in DERIVED.get(table_name, {}) else statement.excluded[c])
                  for c in owned},
            where=and_(statement.excluded.version > table.c.version,
                       table.c.kiosk_id == statement.excluded.kiosk_id),
        ).returning(table.c.id)
    return _UPSERTS[key]


def _lock_kiosk(kiosk_id: str, now: datetime) -> None:
    """Take this kiosk's row lock for the transaction (PostgreSQL; SQLite's write lock likewise):
    its pushes apply one at a time, so a tombstone and a late push cannot cross."""
    kiosks = Kiosk.__table__  # Core: no ORM bookkeeping for an UPDATE no object holds
    db.session.execute(update(kiosks).where(kiosks.c.id == kiosk_id).values(last_push_at=now))


def _among(column, ids: list[str]):
    """`column IN ids`; on PostgreSQL as `= ANY(:ids)`, one array parameter, so a batch's 500
    ids are neither expanded into 500 parameters nor parsed again by the driver each time."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=postgresql.ARRAY(String)))
    return column.in_(ids)


def _tombstones(table_name: str, ids: list[str]) -> dict[str, tuple[int, str]]:
    """The tombstones of these ids: (version, kiosk) by id."""
    return {row_id: (version, owner) for row_id, version, owner in db.session.execute(
        select(DeletedRow.id, DeletedRow.version, DeletedRow.kiosk_id).where(
            DeletedRow.table_name == table_name, _among(DeletedRow.id, ids)))}


def _refuse_foreign(kiosk_id: str, table_name: str, ids: list[str],
                    rows: list[dict]) -> dict[str, tuple[int, str]]:
    """Refuse, by name, the records whose id is (or was) another kiosk's row; else the ids'
    tombstones, for the caller's version checks.

    The mirror is read before the tombstones: another kiosk's deletion, which moves a row from
    one to the other in one commit, cannot fall between the two reads unseen.
    """
    mirror = MIRRORS[table_name]
    foreign = set(db.session.scalars(select(mirror.c.id).where(_among(mirror.c.id, ids),
                                                               mirror.c.kiosk_id != kiosk_id)))
    tombstones = _tombstones(table_name, ids)
    foreign.update(row_id for row_id, (_, owner) in tombstones.items() if owner != kiosk_id)
    if not foreign:
        return tombstones
    db.session.rollback()
    refused = [protocol.Refusal(table_name if "table_name" not in row else protocol.DELETIONS,
                                row["id"], row["sync_seq"], "id", "wrong_kiosk",
                                f"{table_name} {row['id']} is another kiosk's record")
               for row in rows if row["id"] in foreign]
    raise CentralError(403, "wrong_kiosk", f"{len(refused)} record(s) refused: {refused[0].message}; "
                                           f"a kiosk sends only its own records", refused=refused)


def ingest(kiosk_id: str, table_name: str, rows: list[dict], *, now: datetime) -> IngestResult:
    """Upsert one batch in one statement and commit; rows of another kiosk are refused."""
    if table_name == protocol.DELETIONS:
        return _ingest_deletions(kiosk_id, rows, now=now)
    acked = max(row["sync_seq"] for row in rows)
    wrong = [row for row in rows if "kiosk_id" in row and row["kiosk_id"] != kiosk_id]
    if wrong:
        refused = [protocol.Refusal(table_name, row["id"], row["sync_seq"], "kiosk_id", "wrong_kiosk",
                                    f"a {table_name} record of kiosk {row['kiosk_id']!r} was sent by "
                                    f"kiosk {kiosk_id!r}") for row in wrong]
        raise CentralError(403, "wrong_kiosk", f"{refused[0].message}; a kiosk sends only its own "
                                               f"records", refused=refused)
    _lock_kiosk(kiosk_id, now)
    ids = list({row["id"] for row in rows})
    tombstones = _refuse_foreign(kiosk_id, table_name, ids, rows)
    newest: dict[str, dict] = {}
    for row in rows:
        if row["id"] in tombstones and row["version"] <= tombstones[row["id"]][0]:
            continue  # deleted at the kiosk: this copy is older than its tombstone
        row = dict(row, kiosk_id=kiosk_id, received_at=now)
        if table_name == "case":
            row.update(cases.derived(row, window_only=True))
        # One statement may touch a row once: keep the newest copy within the batch.
        kept = newest.get(row["id"])
        if kept is None or (row["version"], row["sync_seq"]) > (kept["version"], kept["sync_seq"]):
            newest[row["id"]] = row
    # One INSERT … ON CONFLICT … DO UPDATE … WHERE for the batch: SQLAlchemy's
    # "insertmanyvalues" sends the rows as one multi-VALUES statement (pages of
    # 1000 > a batch's 500) and caches the compiled form across batches.
    # RETURNING names exactly the rows inserted or updated.
    applied: list[str] = []
    if not newest:
        pass
    elif db.engine.dialect.name == "postgresql":
        document = json.dumps(list(newest.values()), ensure_ascii=False, default=_iso)
        applied = db.session.scalars(_pg_upsert(table_name), {"rows": document}).all()
    else:
        applied = db.session.scalars(_upsert(table_name), list(newest.values())).all()
    if table_name == "case" and applied:
        # A window's fact arriving after the office replied (an extension, say) may change when
        # the handling counts as on time: those few cases are derived from all their facts.
        cases.refresh_derived(applied)
    db.session.commit()
    return IngestResult(table_name, len(rows), len(applied), acked)


def _ingest_deletions(kiosk_id: str, rows: list[dict], *, now: datetime) -> IngestResult:
    """Delete the office's copies of rows the kiosk deleted and keep their tombstones; commit.

    A tombstone keeps the highest version known of the row (the deletion's, the deleted copy's),
    so a push of any copy the kiosk ever sent changes nothing afterwards. Deleting what is
    already gone changes nothing, so a batch sent twice is harmless.
    """
    _lock_kiosk(kiosk_id, now)
    rows_by_table: dict[str, list[dict]] = {}
    for row in rows:
        rows_by_table.setdefault(row["table_name"], []).append(row)
    applied = 0
    for name, deletions in rows_by_table.items():
        mirror = MIRRORS[name]
        ids = list({row["id"] for row in deletions})
        tombstones = _refuse_foreign(kiosk_id, name, ids, deletions)
        versions = {row["id"]: row["version"] for row in deletions}
        for row in deletions:
            versions[row["id"]] = max(versions[row["id"]], row["version"])
        gone = db.session.execute(delete(mirror)
                                  .where(_among(mirror.c.id, ids), mirror.c.kiosk_id == kiosk_id)
                                  .returning(mirror.c.id, mirror.c.version)).all()
        applied += len(gone)
        for row_id, version in gone:
            versions[row_id] = max(versions[row_id], version)
        for row_id, version in versions.items():
            if row_id not in tombstones:
                db.session.add(DeletedRow(table_name=name, id=row_id, kiosk_id=kiosk_id, version=version,
                                          deleted_at=now))
            elif version > tombstones[row_id][0]:
                db.session.execute(update(DeletedRow).where(DeletedRow.table_name == name,
                                                            DeletedRow.id == row_id).values(version=version))
    db.session.commit()
    return IngestResult(protocol.DELETIONS, len(rows), applied, max(row["sync_seq"] for row in rows))
