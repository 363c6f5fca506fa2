"""One generated day in the hall, and the days of a history one after another.

Each working day: the day's office facts and the window's late steps on
earlier cases (the agenda), then the visitors arrive on the touch screen,
the windows call them one by one, receive them, save their registration and
decide their case (or link a repeat visit to the person's earlier case), and
finish. The day ends with the print worker's outcome and one commit.
"""

from __future__ import annotations

import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from flask import Flask
from sqlalchemy import select, update

from petition.clock import SHANGHAI, local_date, utcnow
from petition.vocabulary import CATEGORIES

from .. import audit
from ..auth import operations as accounts
from ..calling import operations as queue
from ..extensions import db
from ..models import Body, PrintJob, StaffUser
from ..printing.states import JobStatus
from ..staff import operations as window_ops
from ..visits.operations import VisitDraft, register_visit
from . import agenda as agenda_steps
from .people import MATERIALS, MATTERS, REQUESTS, Crowd

WORKING_DAYS_PER_YEAR = 250
OPENS, CLOSES = clock_time(8, 30), clock_time(16, 30)
#: On the last day the hall is half way through its morning: some wait, some are at a window.
LAST_DAY_NOW = clock_time(10, 30)
STAFF_PASSWORD = "history-generated-staff"


@dataclass
class Summary:
    """What a generation made (days, visits, the steps taken by name), the days it spans and
    how long it took."""

    days: int = 0
    visits: int = 0
    repeat_visits: int = 0
    by_step: Counter[str] = field(default_factory=Counter)
    first_day: date | None = None
    last_day: date | None = None
    seconds: float = 0.0

    def count(self, step: str) -> None:
        self.by_step[step] += 1


def working_days(count: int, today: date) -> list[date]:
    """The `count` working days (Monday to Friday) ending with `today` (or the one before)."""
    days: list[date] = []
    day = today
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _at(day: date, moment: clock_time, minutes: float = 0.0) -> datetime:
    local = datetime.combine(day, moment, tzinfo=SHANGHAI) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


class _OneCommitPerDay:
    """The operations commit after each step; within a generated day those commits do
    nothing (the session flushes before each query, so every step sees the ones before),
    and the day commits once: a day's rows are written together, as fast as SQLite allows."""

    def __enter__(self):
        self.session = db.session()
        self.session.commit = lambda: None
        return self

    def __exit__(self, kind, _value, _tb):
        del self.session.commit
        if kind is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.expunge_all()


class Hall:
    def __init__(self, app: Flask, rng: random.Random, summary: Summary):
        self.app, self.rng, self.summary = app, rng, summary
        self.kiosk_id = app.config["KIOSK_ID"]
        self.windows = max(1, int(app.config.get("KIOSK_WINDOWS", 3)))
        self.staff = [f"window{number}" for number in range(1, self.windows + 1)]
        self.crowd = Crowd(rng)
        self.who: dict = {}  # idempotency key → the petitioner who took it (today's visits)
        self.agenda = agenda_steps.Agenda(rng, summary)
        self.bodies = list(db.session.scalars(select(Body.name).where(Body.active))) or ["教育局"]

    def ensure_staff(self) -> None:
        known = set(db.session.scalars(select(StaffUser.username)))
        for name in self.staff:
            if name not in known:
                accounts.create_user(name, STAFF_PASSWORD, "receptionist")
        db.session.commit()

    def day(self, day: date, per_day: int, last: bool) -> None:
        rng = self.rng
        stop = _at(day, LAST_DAY_NOW) if last else _at(day, CLOSES, 60)
        self.who.clear()
        with _OneCommitPerDay():
            self.agenda.run(day, by=self.staff[0], now=_at(day, OPENS, 5))
            span = (CLOSES.hour - OPENS.hour) * 60 + CLOSES.minute - OPENS.minute - 30
            arrivals = sorted(_at(day, OPENS, rng.uniform(0, span)) for _ in range(per_day))
            arrivals = [moment for moment in arrivals if moment < stop]
            for moment in arrivals:
                self.arrive(moment)
            free = [_at(day, OPENS)] * self.windows
            for arrived in arrivals:
                window = min(range(self.windows), key=free.__getitem__)
                called = max(arrived + timedelta(minutes=rng.uniform(2, 20)), free[window])
                if called >= stop:
                    break
                free[window] = self.serve(window, called, stop)
            # The print worker printed each ticket a moment after it was taken.
            db.session.execute(
                update(PrintJob).where(PrintJob.status == JobStatus.PENDING, PrintJob.created_at < stop)
                .values(status=JobStatus.PRINTED, attempts=1, printed_at=PrintJob.created_at)
                .execution_options(synchronize_session=False))
        self.summary.days += 1
        self.summary.visits += len(arrivals)

    def arrive(self, moment: datetime):
        rng = self.rng
        person, repeat = self.crowd.next()
        self.summary.repeat_visits += repeat
        service = rng.choices(("individual", "group", "deputy"), weights=(82, 12, 6))[0]
        group_size = rng.randint(3, 20) if service == "group" else 1
        draft = VisitDraft(
            service=service, id_number=person.id_number, phone=person.phone,
            name=person.name if rng.random() < 0.8 else None, group_size=group_size,
            representative_count=min(5, max(1, group_size // 5)) if service == "group" else 0,
            category=rng.choice(list(CATEGORIES)),
            body_name=rng.choice(self.bodies) if rng.random() < 0.85 else None, locale="zh_Hans_CN")
        key = secrets.token_urlsafe(16)
        register_visit(draft, kiosk_id=self.kiosk_id, idempotency_key=key, now=moment)
        self.summary.count("register")
        self.who[key] = person
        return key

    def serve(self, window: int, now: datetime, stop: datetime) -> datetime:
        """Call the next ticket to `window` at `now`, and handle it; when the window is free again."""
        rng, by = self.rng, self.staff[window]
        visit = queue.call_next(kiosk_id=self.kiosk_id, window=window + 1, by=by, now=now)
        if visit is None:
            return now
        self.summary.count("call")
        if rng.random() < 0.03:
            now += timedelta(minutes=2)
            queue.recall(visit.id, by=by, now=now)
        if rng.random() < 0.04:
            queue.no_show(visit.id, by=by, now=now + timedelta(minutes=3))
            self.summary.count("no_show")
            return now + timedelta(minutes=3)
        now += timedelta(minutes=1)
        if now >= stop:
            return now
        queue.receive(visit, by=by, now=now)  # the visit page, opened at the window
        audit.viewed(by, "person", visit.person_id, now=now)
        now += timedelta(minutes=rng.uniform(4, 15))
        if now >= stop:
            return now
        self.register(visit, by, now)
        earlier = [item for item in window_ops.earlier_visits(visit)
                   if item.case is not None and item.case.id != visit.case_id]
        if earlier and rng.random() < 0.5:
            case = window_ops.link_case(visit, earlier[0].case.id, by=by, now=now)
            self.summary.count("repeat_link")
        else:
            case = visit.case
            self.agenda.decide_at_window(case, by=by, now=now)
        audit.viewed(by, "case", case.id, now=now)
        now += timedelta(minutes=rng.uniform(1, 4))
        if now < stop:
            queue.finish(visit.id, by=by, now=now)
            self.summary.count("finish")
        return now

    def register(self, visit, by: str, now: datetime) -> None:
        rng = self.rng
        who = self.who.pop(visit.idempotency_key)
        group = visit.service == "group"
        entry = window_ops.Registration(
            person={"name": who.name, "gender": who.gender,
                    "id_number": who.id_number, "phone": who.phone, "address": who.address,
                    "is_deputy": visit.service == "deputy"},
            case={"category": visit.category, "body_name": visit.body_name,
                  "matter": rng.choice(MATTERS), "request": rng.choice(REQUESTS),
                  "urgent": rng.random() < 0.05, "joint_supervision": rng.random() < 0.02},
            visit={"category": visit.category, "body_name": visit.body_name,
                   "group_size": visit.group_size if group else 1},
            representatives=[{"name": f"代表{index}", "id_number": None, "phone": None}
                             for index in range(1, visit.representative_count + 1)] if group else [],
            materials=[{"name": rng.choice(MATERIALS), "count": rng.randint(1, 5)}
                       for _ in range(rng.choice((0, 0, 1, 2)))])
        window_ops.save_registration(visit, entry, by=by, now=now)
        self.summary.count("registration")


def generate(app: Flask, years: float = 1.0, per_day: int = 60, seed: int = 0,
             today: date | None = None, *, days: int | None = None) -> Summary:
    """Fill the app's database with a hall's history; see the package's docstring."""
    started = time.perf_counter()
    rng = random.Random(seed)
    summary = Summary()
    with app.app_context():
        today = today or local_date(utcnow())
        count = days if days is not None else max(1, round(years * WORKING_DAYS_PER_YEAR))
        calendar = working_days(count, today)
        hall = Hall(app, rng, summary)
        hall.ensure_staff()
        for index, day in enumerate(calendar):
            hall.day(day, per_day, last=index == len(calendar) - 1)
        summary.first_day, summary.last_day = calendar[0], calendar[-1]
        db.session.remove()
    summary.seconds = time.perf_counter() - started
    return summary
