"""The supervisor's figures for a day or a month, and their CSV export.

Counted from the visits of the period (Asia/Shanghai days): visits, people
(a group visit counts its group size), by category, by disposition, by body
concerned; of the cases those visits belong to, the share closed (办结率),
the share of closed cases closed by their due date (按期办结率) and the
satisfaction recorded. The CSV export escapes cells a spreadsheet would run as
a formula (appkit.export).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from petition import lifecycle

from ..extensions import db
from ..models import Visit


@dataclass
class Figures:
    start: date
    end: date
    visits: int = 0
    people: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_disposition: Counter = field(default_factory=Counter)
    by_body: Counter = field(default_factory=Counter)
    satisfaction: Counter = field(default_factory=Counter)
    cases: int = 0
    closed: int = 0
    closed_on_time: int = 0

    @property
    def closed_rate(self) -> float | None:
        return self.closed / self.cases if self.cases else None

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def period_visits(start: date, end: date) -> list[Visit]:
    """Every visit of the period with its person and case, in one query (the CSV export)."""
    return list(db.session.scalars(
        select(Visit).options(joinedload(Visit.person), joinedload(Visit.case))
        .where(Visit.service_day >= start, Visit.service_day <= end)
        .order_by(Visit.service_day, Visit.created_at)))


def figures(start: date, end: date, *, kiosk_id: str | None = None) -> Figures:
    query = (select(Visit).options(joinedload(Visit.case))
             .where(Visit.service_day >= start, Visit.service_day <= end))
    if kiosk_id:
        query = query.where(Visit.kiosk_id == kiosk_id)
    result = Figures(start=start, end=end)
    seen_cases = {}
    for visit in db.session.scalars(query):
        result.visits += 1
        result.people += max(1, visit.group_size or 1)
        result.by_category[visit.category or ""] += 1
        if visit.case is not None:
            seen_cases[visit.case.id] = visit.case
    for case in seen_cases.values():
        result.cases += 1
        result.by_disposition[case.disposition or ""] += 1
        result.by_body[case.body_name or ""] += 1
        if case.status == "closed":
            result.closed += 1
            result.closed_on_time += bool(lifecycle.on_time(case))
            if case.satisfaction:
                result.satisfaction[case.satisfaction] += 1
    return result
