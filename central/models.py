"""The central office's database: every kiosk's records, and what the office did with them.

The synced tables mirror the kiosks' kiosk-owned columns (declared once,
in sync.protocol.TABLES) plus `kiosk_id` (the signed-in kiosk that sent the
row), `sync_seq` (the kiosk's change number) and `received_at`. They carry no
foreign keys: a replica takes rows in the order they arrive, and integrity is
the kiosk's. The case table adds the central office's handling fields; each
change of those gets a row in `case_change`, the feed the kiosks pull.

Times are naive UTC. Models never commit: central/operations.py does.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, Integer, String, Table, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from appkit.signin import session_id
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
    deleted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


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
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The kiosk's last health summary (JSON, central/fleet.py), sent with each sync.
    health: Mapped[str | None] = mapped_column(Text)
    health_at: Mapped[datetime | None] = mapped_column(DateTime)


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
    changed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class DeskSignInFailure(db.Model):
    """A failed sign-in to the desk, kept so repeated failures lock the account from that address."""

    __tablename__ = "desk_sign_in_failure"
    __table_args__ = (Index("ix_desk_sign_in_failure_lookup", "username", "address", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    address: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class StaffUser(UserMixin, db.Model):
    """A member of the central office's staff who signs in to the case desk."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    # Part of every session cookie of this user (appkit.signin.SessionToken): drawn anew at
    # sign-out, disabling and a new password, which ends every session made before.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return session_id(self.id, self.session_token)


class DeskAudit(db.Model):
    """Who at the central office viewed or changed which case, when (append-only by use)."""

    __tablename__ = "desk_audit"

    id: Mapped[int] = mapped_column(BigSerial, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    # Empty for what concerns no one case: a search, a petitioner's page.
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
