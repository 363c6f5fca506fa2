"""The sync agent's bookkeeping in the kiosk's database: the change counter, deletions, each
table's acknowledged position and the pull cursor, and the records the office refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SyncCounter(db.Model):
    """The kiosk-wide change counter behind `sync_seq`; one row, advanced by triggers."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


class SyncDeletion(db.Model):
    """A synced row the kiosk deleted, numbered like every change so the office deletes it too.

    Written by SQLite triggers (migration 0004_sync_deletions) after a delete
    on any synced table; `id` is the deleted row's id. Sent as the sync
    protocol's "deleted" records after the tables themselves.
    """

    __tablename__ = "sync_deletion"

    sync_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), nullable=False)
    table_name: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class SyncState(db.Model):
    """What the sync agent knows, one row per synced table plus "pull" and "agent".

    Table rows keep the highest `sync_seq` the central office acknowledged;
    "pull" keeps the change-feed cursor; "agent" keeps the last success and
    the last error of a whole sync.
    """

    __tablename__ = "sync_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    acked_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cursor: Mapped[str | None] = mapped_column(String(64))
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    last_error_at: Mapped[datetime | None]


class SyncHeld(db.Model):
    """A record the office refused (or the agent's own check did), held aside so it blocks nothing.

    The agent delivers every other record and remembers here which one was
    refused, on which field and why; the console lists it with its visit, so
    staff correct it at the window. The correction gives the row a new
    version, the agent sends it again, and once delivered it leaves this list.
    """

    __tablename__ = "sync_held"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sync_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    field: Mapped[str] = mapped_column(String(64), nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    message: Mapped[str]
    held_at: Mapped[datetime]
