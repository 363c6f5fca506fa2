"""The central office's database: every kiosk's records, and what the office did with them.

The synced tables mirror the kiosks' kiosk-owned columns (declared once,
in sync.protocol.TABLES) plus `kiosk_id` (the signed-in kiosk that sent the
row), `sync_seq` (the kiosk's change number) and `received_at`. They carry no
foreign keys: a replica takes rows in the order they arrive, and integrity is
the kiosk's. The case table adds the central office's handling fields; each
change of those gets a row in `case_change`, the feed the kiosks pull.

Times are naive UTC. A column declared by its annotation alone is typed by it
(appkit.database): `str` TEXT, `date` DATE, `datetime` DATETIME; `X | None` may
be NULL. Models never commit: central/operations.py does.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appkit.signin import FailedSignIn, SignInUser
from sync import protocol

from .extensions import db

_TYPES = {protocol.STR: Text, protocol.INT: Integer, protocol.BOOL: Boolean,
          protocol.DATE: Date, protocol.DATETIME: DateTime}

# A 64-bit sequence on PostgreSQL; SQLite only autoincrements an INTEGER primary key.
BigSerial = BigInteger().with_variant(Integer, "sqlite")


def _mirror(name: str, *extra: Column, indexed: tuple[str, ...] = ("query_code", "kiosk_id")) -> Table:
    columns = [Column("id", String(36), primary_key=True)]
    for column, kind in protocol.TABLES[name].items():
        if column == "id":
            continue
        nullable = column not in ("version", "kiosk_id", "created_at", "updated_at")
        columns.append(Column(column, _TYPES[kind], nullable=nullable, index=column in indexed))
    if "kiosk_id" not in protocol.TABLES[name]:
        columns.append(Column("kiosk_id", Text, nullable=False, index=True))
    columns += [Column("sync_seq", BigInteger, nullable=False),
                Column("received_at", DateTime, nullable=False)]
    return Table(name, db.metadata, *columns, *extra)


#: A petitioner (信访人) across halls: the same ID number, or without one the same phone and
#: name. An expression index (migration 0008) serves it; central/petitioners.py queries it.
PETITIONER_KEY_SQL = "COALESCE(NULLIF(id_number, ''), phone || ' ' || name)"

person = _mirror(
    "person",
    Index("ix_person_petitioner", text(PETITIONER_KEY_SQL)),
    Index("ix_person_phone", "phone"),
    # A name's two-character grams (PostgreSQL's jiedai_name_grams, migration 0008): finds a
    # part of a Chinese name, which pg_trgm's three-character grams cannot.
    Index("ix_person_name_grams", func.jiedai_name_grams(text("name")), postgresql_using="gin")
    .ddl_if(dialect="postgresql"),
)
visit = _mirror("visit", Index("ix_visit_case_id", "case_id"), Index("ix_visit_person_id", "person_id"))
group_representative = _mirror("group_representative")
material = _mirror("material")
case = _mirror(
    "case",
    # Derived from the window's and the office's facts by petition.lifecycle.stage; stored
    # for the desk's lists, kept current by the receiver and by every office step.
    Column("status", String(20), nullable=False, server_default="registered"),
    Column("due_on", Date),
    # The office's facts (petition.lifecycle's office steps), each change a row of case_change.
    *(Column(name, _TYPES[kind]) for name, kind in protocol.OFFICE_CASE_FIELDS.items()
      if name not in ("office_version", "office_updated_at")),
    Column("office_version", Integer, nullable=False, server_default="0"),
    Column("office_updated_at", DateTime),
    # Also derived and stored (for the figures): when the handling ended and whether that was
    # within the limit, petition.lifecycle.concluded_on and on_time.
    Column("concluded_on", Date),
    Column("on_time", Boolean),
    Index("ix_case_status_due_on", "status", "due_on"),
    # The desk's list, newest first by keyset (registered_on, id), alone or after one filter.
    Index("ix_case_registered", "registered_on", "id"),
    Index("ix_case_kiosk_registered", "kiosk_id", "registered_on", "id"),
    Index("ix_case_status_registered", "status", "registered_on", "id"),
    Index("ix_case_body_registered", "body_name", "registered_on", "id"),
    Index("ix_case_joint_registered", "registered_on", "id", postgresql_where=text("joint_supervision"),
          sqlite_where=text("joint_supervision")),
    Index("ix_case_due", "due_on", "id", postgresql_where=text("due_on IS NOT NULL"),
          sqlite_where=text("due_on IS NOT NULL")),
    Index("ix_case_person_id", "person_id"),
    Index("ix_case_same_matter_as", "same_matter_as", postgresql_where=text("same_matter_as IS NOT NULL"),
          sqlite_where=text("same_matter_as IS NOT NULL")),
    indexed=("query_code",),
)

MIRRORS: dict[str, Table] = {"person": person, "case": case, "visit": visit,
                             "group_representative": group_representative, "material": material}


class DeletedRow(db.Model):
    """A tombstone: a row its kiosk deleted, with the version it had, kept for good.

    A push of that row at or below this version changes nothing, so a request
    that arrives late (held by a proxy, retried by a client that gave up on it)
    can never bring a deleted representative, material or case back.
    """

    __tablename__ = "deleted_row"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    deleted_at: Mapped[datetime]


class Kiosk(db.Model):
    """A kiosk the central office issued a credential to.

    The credential is not stored: it is derived from the central secret and
    `key_salt` (HMAC-SHA256), so a copy of this database alone cannot sign.
    Revoking clears `active`; registering the kiosk again draws a new salt,
    hence a new credential.
    """

    __tablename__ = "kiosk"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    key_salt: Mapped[str] = mapped_column(String(64), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_push_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    last_error_at: Mapped[datetime | None]
    # The kiosk's last health summary (JSON, central/fleet.py), sent with each sync.
    health: Mapped[str | None]
    health_at: Mapped[datetime | None]


class SeenNonce(db.Model):
    """A request nonce already used by a kiosk; kept for twice the allowed clock skew."""

    __tablename__ = "seen_nonce"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)


class CaseChange(db.Model):
    """One change of a case's handling fields, numbered for the kiosks' pull feed.

    `seq` comes from one increasing sequence. On PostgreSQL `xid` is the
    writing transaction's id: the feed is ordered by (xid, seq) and serves only
    transactions older than every one still running, so a change that commits
    late can never fall behind a cursor already handed out. On SQLite writers
    are serialised by the database lock and `xid` stays 0.
    """

    __tablename__ = "case_change"

    seq: Mapped[int] = mapped_column(BigSerial, primary_key=True, autoincrement=True)
    xid: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False)
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    changed_at: Mapped[datetime]


class DeskSignInFailure(FailedSignIn, db.Model):
    """A failed sign-in to the desk."""

    __tablename__ = "desk_sign_in_failure"
    __table_args__ = FailedSignIn.indexes(__tablename__)

    at: Mapped[datetime]


class StaffUser(SignInUser, UserMixin, db.Model):
    """A member of the central office's staff who signs in to the case desk."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    created_at: Mapped[datetime]
    # central.roles.Role: viewer, handler or admin.
    role: Mapped[str] = mapped_column(String(16), nullable=False, server_default="handler")


class DeskAudit(db.Model):
    """Who at the central office viewed or changed which case, when (append-only by use).

    Lines about no one case (an account or a kiosk changed by an admin) have no `case_id`.
    """

    __tablename__ = "desk_audit"

    id: Mapped[int] = mapped_column(BigSerial, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    # Empty for what concerns no one case: a search, a petitioner's page.
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[str | None]


class ProgressLookup(db.Model):
    """One lookup allowed on the public progress page, kept a minute to limit each address.

    In the database, not in a process's memory, so every worker of the office app counts
    the same lookups.
    """

    __tablename__ = "progress_lookup"
    __table_args__ = (Index("ix_progress_lookup_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(BigSerial, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)


class Supervision(db.Model):
    """督办: one body charged with a forwarded or assigned case, its due date and its answer.

    A case under joint supervision (联合督查) has one row per body, each answering
    for itself. A supervision stays open until its body's answer is recorded.
    """

    __tablename__ = "supervision"
    __table_args__ = (
        UniqueConstraint("case_id", "body_name", name="uq_supervision_case_body"),
        Index("ix_supervision_open_due", "due_on", postgresql_where=text("answered_on IS NULL"),
              sqlite_where=text("answered_on IS NULL")),
        Index("ix_supervision_open_body", "body_name", "due_on",
              postgresql_where=text("answered_on IS NULL"), sqlite_where=text("answered_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(36), nullable=False)
    body_name: Mapped[str] = mapped_column(String(100), nullable=False)
    due_on: Mapped[date]
    note: Mapped[str | None]
    opened_on: Mapped[date]
    opened_by: Mapped[str] = mapped_column(String(64), nullable=False)
    answer: Mapped[str | None]
    answered_on: Mapped[date | None]
    answered_by: Mapped[str | None] = mapped_column(String(64))
    reminders: Mapped[list[Reminder]] = relationship(back_populates="supervision",
                                                     order_by="Reminder.id", lazy="selectin")


class Reminder(db.Model):
    """催办: a reminder sent to the supervised body, with its date and a note."""

    __tablename__ = "supervision_reminder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supervision_id: Mapped[int] = mapped_column(ForeignKey("supervision.id"), nullable=False,
                                                index=True)
    sent_on: Mapped[date]
    note: Mapped[str]
    sent_by: Mapped[str] = mapped_column(String(64), nullable=False)
    supervision: Mapped[Supervision] = relationship(back_populates="reminders")


BODY_KEY = ("month", "kiosk_id", "category", "body_name")
HALL_KEY = ("month", "kiosk_id", "category")


def _tally(name: str, counts: tuple[str, ...], key: tuple[str, ...] = BODY_KEY, *,
           delta: bool = False) -> Table:
    """Counts per month, hall, category (and body). On PostgreSQL, triggers append each write's
    change to the `_delta` table and central/figures.py folds those into the tallies."""
    return Table(name, db.metadata,
                 *(Column(column, Date if column == "month" else Text, primary_key=not delta,
                          nullable=False, index=delta and column == "month") for column in key),
                 *(Column(count, Integer, nullable=False, server_default="0") for count in counts))


#: Cases by the month they were registered in: how many, concluded, concluded on time,
#: replied in writing, asked for review (复查), and the petitioners' satisfaction.
CASE_COUNTS = ("cases", "concluded", "on_time", "replied", "review_requested", "evaluated",
               "satisfied", "fairly_satisfied", "dissatisfied")
#: Visits by their day's month, and the people they brought (a group counts its size).
VISIT_COUNTS = ("visits", "people")
case_tally = _tally("case_tally", CASE_COUNTS)
case_tally_delta = _tally("case_tally_delta", CASE_COUNTS, delta=True)
visit_tally = _tally("visit_tally", VISIT_COUNTS)
visit_tally_delta = _tally("visit_tally_delta", VISIT_COUNTS, delta=True)
#: The same without the body: what every breakdown but the one by body reads (a twentieth the rows).
case_hall_tally = _tally("case_hall_tally", CASE_COUNTS, HALL_KEY)
visit_hall_tally = _tally("visit_hall_tally", VISIT_COUNTS, HALL_KEY)
