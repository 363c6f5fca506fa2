"""After a restore: make the sync state true again, and count what was lost.

A restored database believes what it believed when the backup was taken. The
office has moved on: it may hold rows made or changed after the backup, and
its acknowledgements may be ahead of the restored `sync_state`. Left alone,
the agent would send again what the office has, and, worse, a kiosk whose
change counter is behind the office's acknowledgements would never send its
new records. So:

- every synced table's acknowledged number becomes the larger of the
  backup's snapshot counter and the office's highest `sync_seq` for this
  kiosk, and the change counter moves past everything known (the office, the
  backup, the replaced database), so new records are always sent;
- the rows of the backup the office does not hold (or holds at an older
  version) are stamped with new change numbers, so exactly they are sent;
- a row the office holds at a newer version keeps the office's version number,
  so the next change at the window outranks it;
- today's ticket numbers continue after the last one given out;
- rows of the replaced database that neither the backup nor the office holds
  are lost, and counted (visits with their ticket numbers, for the window).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sync import protocol

SYNCED = tuple(protocol.TABLES)
SCAN_LIMIT = 50_000  # rows per table read from a backlog; a larger backlog is reported


@dataclass
class Snapshot:
    """What one database file knows about sync: acknowledged numbers and the rows past them."""

    counter: int
    acked: dict[str, int]
    pending: dict[str, dict[str, tuple[int, int]]]  # table -> id -> (version, sync_seq)
    tickets: dict[tuple[str, str], int] = field(default_factory=dict)  # (service, day) -> last
    lost_visits: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (day, number)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def snapshot(path: Path, *, since: str | None = None) -> Snapshot:
    """Read a database's sync facts (raises sqlite3.DatabaseError when it is unreadable)."""
    connection = _connect(path)
    try:
        row = connection.execute("SELECT value FROM sync_counter WHERE id = 1").fetchone()
        counter = row[0] if row else 0
        acked = {name: seq for name, seq in connection.execute(
            "SELECT name, acked_seq FROM sync_state")}
        pending = {}
        for table in SYNCED:
            since_seq = acked.get(table, 0)
            pending[table] = {
                row_id: (version, seq) for row_id, version, seq in connection.execute(
                    f'SELECT id, version, sync_seq FROM "{table}" WHERE sync_seq > ? '
                    f'ORDER BY sync_seq LIMIT ?', (since_seq, SCAN_LIMIT))}
        tickets = {}
        if since:
            tickets = {(service, day): last for service, day, last in connection.execute(
                "SELECT service, service_day, last_seq FROM ticket_counter WHERE service_day >= ?",
                (since,))}
        visits = {}
        if pending["visit"]:
            for row_id, day, number in connection.execute(
                    "SELECT id, service_day, ticket_number FROM visit WHERE sync_seq > ?",
                    (acked.get("visit", 0),)):
                visits[row_id] = (day, number)
        return Snapshot(counter, acked, pending, tickets, visits)
    finally:
        connection.close()


def office_question(restored: Snapshot, replaced: Snapshot | None, *, since: str) -> dict:
    """What to ask the office: the ids either database had not seen acknowledged."""
    ids: dict[str, list[str]] = {}
    for table in SYNCED:
        wanted = set(restored.pending[table])
        if replaced is not None:
            wanted |= set(replaced.pending[table])
        ids[table] = sorted(wanted)
    return {"after": restored.counter, "since": since, "ids": ids}


@dataclass
class Outcome:
    """What reconciling did, for the command's output, the console and the audit."""

    acked: dict[str, int] = field(default_factory=dict)
    counter: int = 0
    resend: dict[str, int] = field(default_factory=dict)
    superseded: dict[str, int] = field(default_factory=dict)
    office_only: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] | None = None
    lost_tickets: list[str] = field(default_factory=list)
    reconciled_with_office: bool = False

    def lost_total(self) -> int | None:
        return None if self.lost is None else sum(self.lost.values())


def apply(database: Path, kiosk_id: str, restored: Snapshot, replaced: Snapshot | None,
          office: dict | None) -> Outcome:
    """Fix the restored database's sync state in one transaction; return what was done."""
    outcome = Outcome(reconciled_with_office=office is not None)
    office_max = {table: int((office or {}).get("max_seq", {}).get(table) or 0) for table in SYNCED}
    held = {table: (office or {}).get("held", {}).get(table, {}) for table in SYNCED}
    connection = _connect(database)
    try:
        connection.execute("BEGIN IMMEDIATE")
        counter = max([restored.counter, *office_max.values(),
                       replaced.counter if replaced else 0])
        connection.execute("UPDATE sync_counter SET value = ? WHERE id = 1", (counter,))
        for name in (*SYNCED, protocol.DELETIONS):
            if office is not None and name in SYNCED:
                acked = max(restored.counter, office_max[name])
            else:
                acked = restored.acked.get(name, 0)  # not knowing, send again: harmless
            connection.execute(
                "INSERT INTO sync_state (name, acked_seq) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET acked_seq = excluded.acked_seq", (name, acked))
            outcome.acked[name] = acked
        if office is not None:
            for table in SYNCED:
                after = {row[0]: int(row[1]) for row in office.get("after_rows", {}).get(table, [])}
                _resend_and_outrank(connection, table, restored, held[table], after, outcome)
        _continue_tickets(connection, kiosk_id, office, replaced)
        if replaced is not None:
            _count_lost(connection, replaced, held, outcome)
        outcome.counter = connection.execute(
            "SELECT value FROM sync_counter WHERE id = 1").fetchone()[0]
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()
    return outcome


def _present(connection, table: str, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(connection.execute(
            f'SELECT id, version FROM "{table}" WHERE id IN ({marks})', chunk).fetchall())
    return found


def _take_version(connection, table: str, row_id: str, version: int) -> None:
    """Take the office's (newer) version number without sending the row again.

    The version trigger stamps a new change number; the row keeps its own.
    """
    seq = connection.execute(f'SELECT sync_seq FROM "{table}" WHERE id = ?', (row_id,)).fetchone()[0]
    connection.execute(f'UPDATE "{table}" SET version = ? WHERE id = ?', (version, row_id))
    connection.execute(f'UPDATE "{table}" SET sync_seq = ? WHERE id = ?', (seq, row_id))


def _resend_and_outrank(connection, table: str, restored: Snapshot, held: dict[str, int],
                        after: dict[str, int], outcome: Outcome) -> None:
    """Stamp the rows the office lacks so they are sent; take the office's newer versions.

    `held` answers for the rows the backup had not seen acknowledged; `after`
    lists every row the office received after the backup was taken.
    """
    resend = superseded = 0
    for row_id, (version, _seq) in restored.pending[table].items():
        office_version = held.get(row_id)
        if office_version is None or office_version < version:
            # Not at the office (or older there): a fresh change number past every ack.
            connection.execute("UPDATE sync_counter SET value = value + 1 WHERE id = 1")
            connection.execute(
                f'UPDATE "{table}" SET sync_seq = (SELECT value FROM sync_counter WHERE id = 1) '
                f'WHERE id = ?', (row_id,))
            resend += 1
        elif office_version > version:
            _take_version(connection, table, row_id, office_version)
            superseded += 1
    present = _present(connection, table, list(after))
    office_only = 0
    for row_id, office_version in after.items():
        local = present.get(row_id)
        if local is None:
            office_only += 1  # made after the backup and sent: the office keeps it
        elif local < office_version and row_id not in restored.pending[table]:
            _take_version(connection, table, row_id, office_version)
            superseded += 1
    outcome.resend[table] = resend
    outcome.superseded[table] = superseded
    outcome.office_only[table] = office_only


def _continue_tickets(connection, kiosk_id: str, office: dict | None,
                      replaced: Snapshot | None) -> None:
    """Ticket numbers given out after the backup are not given out again the same day."""
    given: dict[tuple[str, str], int] = dict(replaced.tickets) if replaced else {}
    for service, day, last in (office or {}).get("tickets", []):
        given[(service, day)] = max(given.get((service, day), 0), int(last))
    for (service, day), last in given.items():
        connection.execute(
            "INSERT INTO ticket_counter (kiosk_id, service, service_day, last_seq) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (kiosk_id, service, service_day) "
            "DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            (kiosk_id, service, day, last))


def _count_lost(connection, replaced: Snapshot, held: dict, outcome: Outcome) -> None:
    """Rows of the replaced database that neither the restored database nor the office holds."""
    outcome.lost = {}
    lost_visits: list[tuple[str, str]] = []
    for table in SYNCED:
        candidates = replaced.pending[table]
        present = _present(connection, table, list(candidates))
        lost = 0
        for row_id, (version, _seq) in candidates.items():
            if row_id in present or row_id in held[table]:
                continue
            lost += 1
            if table == "visit" and row_id in replaced.lost_visits:
                lost_visits.append(replaced.lost_visits[row_id])
        outcome.lost[table] = lost
    outcome.lost_tickets = [f"{number} ({day})" for day, number in sorted(lost_visits)]
