"""The kiosk's records.

Every record is born here with a UUIDv7 and keeps it for life, so a record
sent twice to the central office is still one record. Records the kiosk owns
carry a `version` that each change bumps; the sync agent sends what is newer
than the central office acknowledged. Times are UTC.

A column declared by its annotation alone is typed by it (appkit.database):
`str` TEXT, `date` DATE, `datetime` UTCDateTime; `X | None` may be NULL.

Models describe data and never commit: operations (kiosk/*/operations.py)
own the transactions.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appkit.signin import FailedSignIn, SignInUser
from petition.clock import utcnow
from sync import protocol

from .columns import UTCDateTime, id_column
from .extensions import db
from .printing.states import JobStatus
from .visits.states import VisitStatus


class Versioned:
    """Kiosk-owned fields: bump `version` on every change so sync sends it.

    `sync_seq` is set by database triggers (migration 0003_sync) from one
    kiosk-wide counter whenever a row is inserted or its version changes: the
    sync agent sends rows past the last acknowledged `sync_seq`, oldest first.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    sync_seq: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    def touch(self) -> None:
        self.version = (self.version or 0) + 1


class Body(db.Model):
    """A body the matter concerns (涉及单位), from a list the admin edits."""

    __tablename__ = "body"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Person(Versioned, db.Model):
    """A petitioner (信访人) or a group representative as registered."""

    __tablename__ = "person"

    id: Mapped[str] = id_column()
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str | None] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(10))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    is_deputy: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Set when retention removed the personal fields (kiosk/maintenance/retention.py).
    personal_data_removed_on: Mapped[date | None]


_KINDS = {protocol.STR: Text, protocol.INT: Integer, protocol.BOOL: Boolean, protocol.DATE: Date,
          protocol.DATETIME: UTCDateTime}

#: The office's facts of a case (reply, conclusion, 复查, 复核, evaluation, same matter), a
#: column for each field the change feed carries (sync.protocol.OFFICE_CASE_RULES), so the kiosk's
#: copy and the office's mirror (central/models.py) are declared by the same list.
OfficeFacts = type("OfficeFacts", (), {
    name: mapped_column(_KINDS[rule.kind]) for name, rule in protocol.OFFICE_CASE_RULES.items()})


class Case(Versioned, OfficeFacts, db.Model):
    """A petition matter (信访事项): what the visitor asks, and how it is handled.

    The window's facts (registration, decision, closing) are the kiosk's and
    carry its `version`; the office's facts (reply, conclusion, review,
    re-examination, evaluation) are set only by the sync agent from the
    pulled change feed and carry the office's `office_version`. `status` and
    `due_on` are derived from both by petition.lifecycle and stored for the
    lists (kiosk/cases/states.py keeps them current).
    """

    __tablename__ = "case"
    __table_args__ = (Index("ix_case_status_due_on", "status", "due_on"),
                      Index("ix_case_registered_on", "registered_on", "id"),
                      Index("ix_case_stage_keyset", "status", "due_on", "registered_on", "id"))

    id: Mapped[str] = id_column()
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    category: Mapped[str | None] = mapped_column(String(20))
    body_name: Mapped[str | None] = mapped_column(String(100))
    matter: Mapped[str | None]
    request: Mapped[str | None]
    registered_on: Mapped[date]
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    joint_supervision: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    # Derived by petition.lifecycle.stage from the facts below; never owned, never synced.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="registered")
    due_on: Mapped[date | None]

    # The window's decision and its handling (petition.lifecycle's window steps).
    disposition: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date | None]
    extension_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extension_reason: Mapped[str | None]
    forwarded_to: Mapped[str | None] = mapped_column(String(100))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    assigned_due_on: Mapped[date | None]
    not_accepted_reason: Mapped[str | None]
    proper_channel: Mapped[str | None]
    result: Mapped[str | None]
    closed_on: Mapped[date | None]
    satisfaction: Mapped[str | None] = mapped_column(String(20))

    # The office's facts (petition.lifecycle's office steps), pulled by the sync agent: the
    # columns of OfficeFacts, with these two declared as the kiosk has always stored them.
    evaluation: Mapped[str | None] = mapped_column(String(20))
    office_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                server_default="0")

    person: Mapped[Person | None] = relationship()


class Visit(Versioned, db.Model):
    """A visit (来访) and its ticket: one tap on the touch screen, one number.

    Ticket numbers such as A001 are per kiosk, per service, per Asia/Shanghai
    day; they are for people to call, the UUID is the record's identity.
    """

    __tablename__ = "visit"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "service", "service_day", "ticket_seq",
                         name="uq_visit_ticket"),
        # Migration 0011_speed_indexes: a day's tickets first, then a person's and a case's visits.
        Index("ix_visit_day_status", "service_day", "status"),
    )

    id: Mapped[str] = id_column()
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    service: Mapped[str] = mapped_column(String(20), nullable=False)
    service_day: Mapped[date]
    ticket_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    ticket_number: Mapped[str] = mapped_column(String(10), nullable=False)
    query_code: Mapped[str] = mapped_column(String(10), nullable=False, unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=VisitStatus.WAITING, index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(20))
    body_name: Mapped[str | None] = mapped_column(String(100))
    group_size: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    representative_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locale: Mapped[str | None] = mapped_column(String(20))
    # At the window: which window called it, when, and who received it.
    window: Mapped[int | None] = mapped_column(Integer)
    called_at: Mapped[datetime | None]
    received_by: Mapped[str | None] = mapped_column(String(64))

    person: Mapped[Person | None] = relationship()
    case: Mapped[Case | None] = relationship()
    representatives: Mapped[list[GroupRepresentative]] = relationship(
        back_populates="visit", order_by="GroupRepresentative.position")
    materials: Mapped[list[Material]] = relationship(
        back_populates="visit", order_by="Material.position")


class Material(Versioned, db.Model):
    """A material handed over at the window (材料), with how many copies or pages."""

    __tablename__ = "material"

    id: Mapped[str] = id_column()
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    visit: Mapped[Visit] = relationship(back_populates="materials")


class Call(db.Model):
    """One call of a ticket to a window (叫号), as the waiting-room display shows it.

    The integer id only grows, so the display's ETag and "what is new since I
    last looked" are both just the last id.
    """

    __tablename__ = "call"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), nullable=False, index=True)
    ticket_number: Mapped[str] = mapped_column(String(10), nullable=False)
    window: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    by: Mapped[str | None] = mapped_column(String(64))


class StaffUser(SignInUser, db.Model):
    """A member of staff who signs in to the console: receptionist, supervisor or admin."""

    __tablename__ = "staff_user"

    id: Mapped[str] = id_column()
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    # The rest of Flask-Login's user interface (SignInUser has is_active and get_id).
    is_authenticated = True
    is_anonymous = False


class SignInFailure(FailedSignIn, db.Model):
    """A failed sign-in at the console: five in 15 minutes lock the account from that address."""

    __tablename__ = "sign_in_failure"
    __table_args__ = FailedSignIn.indexes(__tablename__)

    at: Mapped[datetime]


class GroupRepresentative(Versioned, db.Model):
    """One of at most five representatives (代表) of a group visit (集体访)."""

    __tablename__ = "group_representative"

    id: Mapped[str] = id_column()
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str | None] = mapped_column(String(50))
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    personal_data_removed_on: Mapped[date | None]

    visit: Mapped[Visit] = relationship(back_populates="representatives")


class TicketCounter(db.Model):
    """The last ticket number given per kiosk, service and day."""

    __tablename__ = "ticket_counter"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False)


class PrintJob(db.Model):
    """A print on the ticket printer: a row first, so no fault loses it.

    pending → printing → printed, or failed with the reason; the staff side
    can reprint a failed job.
    """

    __tablename__ = "print_job"
    # Migration 0011_speed_indexes: today's jobs, and the printer's last outcome.
    __table_args__ = (Index("ix_print_job_status_updated_at", "status", "updated_at"),)

    id: Mapped[str] = id_column()
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="ticket")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.PENDING,
                                        index=True)
    error: Mapped[str | None]
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    printed_at: Mapped[datetime | None]

    visit: Mapped[Visit | None] = relationship()


class AuditEntry(db.Model):
    """One line of the audit log: who saw or changed what, when.

    One line per view or change: `changes` is JSON {"field": [before, after]}
    of every changed field (none for a view); `person_id` is the person the
    record concerns. `id` is the rowid, so each index ends in it: ix_audit_log_at
    is (at, id), the keyset order. Append-only: triggers refuse UPDATE and DELETE.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),
                      Index("ix_audit_log_entity_id", "entity_id", "at"),
                      Index("ix_audit_log_actor", "actor", "at"),
                      Index("ix_audit_log_person_id", "person_id", "at"),
                      # The restores alone (the console's banner), kiosk/maintenance/health.py.
                      Index("ix_audit_log_restore", "at", sqlite_where=text("action = 'restore'")))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    entity: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str | None] = mapped_column(String(36))
    person_id: Mapped[str | None] = mapped_column(String(36))
    changes: Mapped[str | None]

    @property
    def fields(self) -> dict[str, tuple[str | None, str | None]]:
        """Each changed field's (before, after), in the order they were changed ("": no field)."""
        return {field: tuple(pair) for field, pair in json.loads(self.changes or "{}").items()}


# The sync agent's bookkeeping tables live beside it; importing them registers them here too.
from .sync_agent import records as _sync_records  # noqa: E402, F401
