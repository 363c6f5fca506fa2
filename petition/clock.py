"""Time on the kiosk: stored in UTC, shown and counted in Asia/Shanghai.

Ticket numbers restart every Asia/Shanghai day and due dates are calendar
days there, so every "which day is it" question goes through `local_date`.
"""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(SHANGHAI)


def local_date(moment: datetime) -> date:
    return local(moment).date()


def start_of_local_day(moment: datetime) -> datetime:
    """Midnight in Asia/Shanghai of `moment`'s local day, in UTC: where "today's rows" begin."""
    return datetime.combine(local_date(moment), time(0), tzinfo=SHANGHAI).astimezone(timezone.utc)


def utcnow_naive() -> datetime:
    """Now in UTC without tzinfo, for the office's columns, which store naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
