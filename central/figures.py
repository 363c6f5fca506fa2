"""Figures across halls and periods (统计分析): visits, people, cases and how their handling went.

For a month, a quarter or a year, across every hall: visits (批次), people
(人次: a group counts its size), cases registered, 办结率 (share concluded),
按期办结率 (share of the concluded that ended within their limit, by
petition.lifecycle.on_time, stored on each case), 满意率 (satisfied or fairly
satisfied, of those who said: the office's evaluation, else the window's
satisfaction) and 复查率 (review requested, of the cases replied to in writing).
Beside them the previous period (环比) and the same period a year before (同比),
broken down by hall, category, body, month or quarter.

Counting millions of cases for each look would take seconds, so the office keeps
tallies per month, hall, category and body, and per month, hall and category
(central/models.py): a breakdown by body reads the first, every other the second. On PostgreSQL,
statement triggers append each write's change to `*_tally_delta`, which only
ever takes inserts (writers never wait on each other); reads add the deltas to
the tallies, and `fold` moves the deltas into the tallies now and then. On SQLite
(trying things out) the figures count the cases and visits themselves, by the
same columns: `direct=True` does that on PostgreSQL too, for `rebuild` and tests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import make_dataclass
from datetime import date

from sqlalchemy import Date, func, literal, select, text, type_coerce, union_all
from sqlalchemy import case as when

from .extensions import db
from .models import (
    BODY_KEY,
    CASE_COUNTS,
    HALL_KEY,
    MIRRORS,
    VISIT_COUNTS,
    case_hall_tally,
    case_tally,
    case_tally_delta,
    visit_hall_tally,
    visit_tally,
    visit_tally_delta,
)

BREAKDOWNS = ("hall", "category", "body", "month", "quarter")
_KEY_COLUMN = {"hall": "kiosk_id", "category": "category", "body": "body_name", "month": "month",
               "quarter": "month"}
_FOLD_LOCK = 0x6A696564  # pg advisory lock: one folder at a time


#: The counts of a period, hall or breakdown: the tallies' columns (central/models.py), in order.
COUNT_NAMES = VISIT_COUNTS + CASE_COUNTS


class _Rates:
    """What `Counts` adds to its counts: adding another's, and the shares the figures show."""

    def add(self, other: Counts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def concluded_rate(self) -> float | None:
        """办结率: concluded, of the cases registered."""
        return self._share(self.concluded, self.cases)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率: concluded within the limit, of the concluded."""
        return self._share(self.on_time, self.concluded)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: satisfied or fairly satisfied, of the petitioners who said."""
        return self._share(self.satisfied + self.fairly_satisfied, self.evaluated)

    @property
    def review_rate(self) -> float | None:
        """复查率: review requested, of the cases replied to in writing."""
        return self._share(self.review_requested, self.replied)


#: One int field per count, 0 by default: a count is declared once, as a tally column.
Counts = make_dataclass("Counts", [(name, int, 0) for name in COUNT_NAMES], bases=(_Rates,),
                        namespace={"__module__": __name__})


# --- sources -------------------------------------------------------------------------------

def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _month(column):
    """The first day of a date's month, as a date, in either database."""
    if _postgres():
        return func.date_trunc("month", column).cast(Date)
    return type_coerce(func.date(column, "start of month"), Date)


def _flag(condition):
    return when((condition, 1), else_=0)


def case_rows(start: date, end: date):
    """Each case registered from `start` to `end` as its contribution to the tallies."""
    case = MIRRORS["case"]
    satisfaction = func.coalesce(case.c.evaluation, case.c.satisfaction)
    return (select(_month(case.c.registered_on).label("month"), case.c.kiosk_id,
                   func.coalesce(case.c.category, "").label("category"),
                   func.coalesce(case.c.body_name, "").label("body_name"),
                   literal(1).label("cases"),
                   _flag(case.c.concluded_on.is_not(None)).label("concluded"),
                   _flag(case.c.on_time.is_(True)).label("on_time"),
                   _flag(case.c.replied_on.is_not(None)).label("replied"),
                   _flag(case.c.review_requested_on.is_not(None)).label("review_requested"),
                   _flag(satisfaction.is_not(None)).label("evaluated"),
                   _flag(satisfaction == "satisfied").label("satisfied"),
                   _flag(satisfaction == "fairly_satisfied").label("fairly_satisfied"),
                   _flag(satisfaction == "dissatisfied").label("dissatisfied"))
            .where(case.c.registered_on.between(start, end)))


def visit_rows(start: date, end: date):
    visit = MIRRORS["visit"]
    return (select(_month(visit.c.service_day).label("month"), visit.c.kiosk_id,
                   func.coalesce(visit.c.category, "").label("category"),
                   func.coalesce(visit.c.body_name, "").label("body_name"),
                   literal(1).label("visits"),
                   func.max(func.coalesce(visit.c.group_size, 1), 1).label("people")
                   if not _postgres() else
                   func.greatest(func.coalesce(visit.c.group_size, 1), 1).label("people"))
            .where(visit.c.service_day.between(start, end)))


def _tallied(tally, delta, counts, start: date, end: date):
    """The tally's rows of the months from `start` to `end`, and the deltas not folded in yet."""
    key = [c.name for c in tally.primary_key.columns]
    month_range = lambda table: table.c.month.between(start.replace(day=1), end)  # noqa: E731
    columns = lambda table: [table.c[name] for name in (*key, *counts)]  # noqa: E731
    return union_all(select(*columns(tally)).where(month_range(tally)),
                     select(*columns(delta)).where(month_range(delta)))


def _source(kind: str, start: date, end: date, direct: bool, by: str | None = None):
    """Rows with a month, hall, category (body, for `by="body"`) and counts, to be added up."""
    if direct or not _postgres():
        return (case_rows if kind == "case" else visit_rows)(start, end).subquery()
    by_body = by == "body"
    if kind == "case":
        tally, counts_ = (case_tally if by_body else case_hall_tally), CASE_COUNTS
        delta = case_tally_delta
    else:
        tally, counts_ = (visit_tally if by_body else visit_hall_tally), VISIT_COUNTS
        delta = visit_tally_delta
    return _tallied(tally, delta, counts_, start, end).subquery()


def monthly(start: date, end: date, by: str | None = None, *, direct: bool = False) -> dict:
    """Counts from `start` to `end` per (month, key of `by`): one query per table.

    `by` is "hall", "category" or "body" (the key is that column), or None, "month" or
    "quarter" (the key is ""). A period's figures, its previous period, a year before and
    the monthly trend are all sums of these rows, so a page asks the tallies twice.
    """
    column = _KEY_COLUMN.get(by or "") if by not in ("month", "quarter") else None
    result: dict = defaultdict(Counts)
    for kind, names in (("case", CASE_COUNTS), ("visit", VISIT_COUNTS)):
        source = _source(kind, start, end, direct, by)
        key = source.c[column] if column else literal("")
        query = (select(source.c.month, key.label("key"), *(func.sum(source.c[name]).label(name) for name in names))
                 .group_by(source.c.month, key) if column else
                 select(source.c.month, literal("").label("key"),
                        *(func.sum(source.c[name]).label(name) for name in names)).group_by(source.c.month))
        for row in db.session.execute(query):
            counts_ = result[(row.month, row.key)]
            for name in names:
                setattr(counts_, name, int(getattr(row, name) or 0))
    return dict(result)


def quarter_of(month: date) -> date:
    return date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def summed(rows: dict, start: date, end: date, by: str | None = None) -> dict:
    """The `monthly` rows from `start` to `end` added up per key (per month or quarter for those)."""
    result: dict = defaultdict(Counts)
    for (month, key), value in rows.items():
        if start.replace(day=1) <= month <= end:
            result[month if by == "month" else quarter_of(month) if by == "quarter" else key].add(value)
    return dict(result)


def counts(start: date, end: date, by: str | None = None, *, direct: bool = False) -> dict:
    """Counts from `start` to `end` (whole months on the tallies) per key of `by` (None: one total)."""
    return summed(monthly(start, end, by, direct=direct), start, end, by)


def total(start: date, end: date, *, direct: bool = False) -> Counts:
    return counts(start, end, direct=direct).get("", Counts())


# --- keeping the tallies -------------------------------------------------------------------

def _fold_statement(tally, hall_tally, delta, counts_: tuple[str, ...]) -> str:
    """Delete the deltas and add them to both tallies, in one statement."""
    def add(target, key: str) -> str:
        sums = ", ".join(f"SUM({c})" for c in counts_)
        return (f"INSERT INTO {target.name} AS t ({key}, {', '.join(counts_)}) "
                f"SELECT {key}, {sums} FROM moved GROUP BY {key} ORDER BY {key} "
                f"ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(f"{c} = t.{c} + excluded.{c}" for c in counts_))
    return (f"WITH moved AS (DELETE FROM {delta.name} RETURNING *), "
            f"by_body AS ({add(tally, ', '.join(BODY_KEY))} RETURNING 1) "
            + add(hall_tally, ", ".join(HALL_KEY)))


def fold() -> bool:
    """Move the deltas into the tallies (PostgreSQL); False when another process is at it.

    Deleting the deltas and adding them up is one statement, so the figures read in
    between see each change exactly once; writers only insert deltas and never wait.
    """
    if not _postgres():
        return False
    if not db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _FOLD_LOCK}):
        db.session.rollback()
        return False
    db.session.execute(text(_fold_statement(case_tally, case_hall_tally, case_tally_delta, CASE_COUNTS)))
    db.session.execute(text(_fold_statement(visit_tally, visit_hall_tally, visit_tally_delta, VISIT_COUNTS)))
    db.session.commit()
    return True


def rebuild() -> None:
    """Count every case and visit again into the tallies (PostgreSQL), writes held off meanwhile.

    For a database whose tallies cannot be trusted (rows loaded with the triggers off).
    """
    if not _postgres():
        return
    db.session.execute(text('LOCK TABLE "case", visit IN SHARE MODE'))
    for tally, hall_tally, delta, names, rows in (
            (case_tally, case_hall_tally, case_tally_delta, CASE_COUNTS, case_rows),
            (visit_tally, visit_hall_tally, visit_tally_delta, VISIT_COUNTS, visit_rows)):
        for table in (delta, tally, hall_tally):
            db.session.execute(table.delete())
        # Counted again into the deltas, then folded like any other change.
        source = rows(date.min, date.max).subquery()
        key = [source.c[name] for name in BODY_KEY]
        db.session.execute(delta.insert().from_select(
            [*BODY_KEY, *names], select(*key, *(func.sum(source.c[name]) for name in names))
            .where(source.c.month.is_not(None)).group_by(*key)))
        db.session.execute(text(_fold_statement(tally, hall_tally, delta, names)))
    db.session.commit()
