"""Column types every kiosk table uses: UTC datetimes and UUIDv7 ids."""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from .ids import new_id


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime, stored naive (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=timezone.utc)
        return value


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)
