"""The audit log's page (审计日志): its filters, keyset pages and a bounded count.

Each statement is an index lookup whose cost is the page, not the history:
rows come newest first by (at, id) after a cursor (never an OFFSET), a
filter by person, record, case or member of staff uses that column's index,
and the count stops at COUNT_LIMIT. A person is found by ID number, phone,
query code or any id of their person, visit or case, and then by every
person row with the same ID number, so a repeat visitor is one person here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, select, tuple_, union

from petition.clock import SHANGHAI
from petition.privacy import mask_address, mask_id_number, mask_name, mask_phone

from ..extensions import db
from ..models import AuditEntry, Case, Person, Visit

PAGE = 100
COUNT_LIMIT = 1000
PERSON_LIMIT = 50  # person rows one filter may stand for (one person's visits, by ID number)
TEXT_LIMIT = 64
# The log keeps full values; the page masks personal ones like any list does.
MASKED_FIELDS = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone,
                 "address": mask_address}
_CURSOR = re.compile(r"(\d{8}T\d{12})-(\d{1,18})")


def shown(field_name: str, value: str | None) -> str:
    masker = MASKED_FIELDS.get(field_name)
    return masker(value) if masker and value else (value or "")


@dataclass(frozen=True)
class Cursor:
    """A row's place in the log's order: (at, id)."""

    at: datetime
    id: int

    @classmethod
    def of(cls, entry: AuditEntry) -> Cursor:
        return cls(entry.at, entry.id)

    def __str__(self) -> str:
        return f"{self.at.astimezone(timezone.utc):%Y%m%dT%H%M%S%f}-{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor in a link, or None for one that is not (the page then starts at the newest)."""
        match = _CURSOR.fullmatch(text or "")
        if match is None:
            return None
        try:
            at = datetime.strptime(match[1], "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
        return cls(at, int(match[2]))


@dataclass(frozen=True)
class Filters:
    """What the supervisor asked for; every field is optional and they combine."""

    person: str = ""  # ID number, phone, query code, or the id of a person, visit or case
    case: str = ""    # a case's id or its visit's query code
    record: str = ""  # any record's id (the links on the page)
    actor: str = ""
    start: date | None = None
    end: date | None = None
    problems: tuple[str, ...] = ()  # the names of filters that were not understood (left out)

    @classmethod
    def parse(cls, args) -> Filters:
        def text(name: str) -> str:
            return (args.get(name) or "").strip()[:TEXT_LIMIT]

        problems = []
        days = {}
        for name in ("start", "end"):
            value = text(name)
            try:
                days[name] = date.fromisoformat(value) if value else None
            except ValueError:
                days[name] = None
                problems.append(name)
        return cls(person=text("person"), case=text("case"), record=text("id"), actor=text("actor"),
                   problems=tuple(problems), **days)

    def args(self) -> dict[str, str]:
        """The filters for a link (empty ones left out)."""
        values = {"person": self.person, "case": self.case, "id": self.record, "actor": self.actor,
                  "start": self.start.isoformat() if self.start else "",
                  "end": self.end.isoformat() if self.end else ""}
        return {name: value for name, value in values.items() if value}


@dataclass
class Page:
    entries: list[AuditEntry]
    count: int           # matching rows, up to COUNT_LIMIT
    count_capped: bool   # more than COUNT_LIMIT match
    newer: Cursor | None = None  # links to the neighbouring pages, if there are rows there
    older: Cursor | None = None
    found: dict[str, bool] = field(default_factory=dict)  # per filter, whether it named anything


def _persons(value: str) -> list[str]:
    """The person rows a "person" filter stands for (one statement, every part on an index)."""
    upper = value.upper()
    named = union(
        select(Person.id.label("id")).where(or_(Person.id == value, Person.id_number == upper,
                                                Person.phone == value)),
        select(Visit.person_id).where(or_(Visit.id == value, Visit.query_code == upper)),
        select(Case.person_id).where(Case.id == value),
    ).subquery()
    same_id_number = (select(Person.id).where(Person.id_number.in_(
        select(Person.id_number).where(Person.id.in_(select(named.c.id)), Person.id_number.is_not(None)))))
    rows = db.session.scalars(union(select(named.c.id), same_id_number).limit(PERSON_LIMIT))
    return [row for row in rows if row]


def _case(value: str) -> str | None:
    return db.session.scalars(union(select(Case.id).where(Case.id == value),
                                    select(Visit.case_id).where(Visit.query_code == value.upper()))
                              .limit(1)).first()


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI).astimezone(timezone.utc)


def _conditions(filters: Filters, found: dict[str, bool]) -> list | None:
    """The WHERE of the page, or None when a filter names nothing (then nothing matches)."""
    conditions = []
    if filters.person:
        persons = _persons(filters.person)
        found["person"] = bool(persons)
        if not persons:
            return None
        conditions.append(AuditEntry.person_id.in_(persons))
    if filters.case:
        case_id = _case(filters.case)
        found["case"] = case_id is not None
        if case_id is None:
            return None
        conditions.append(AuditEntry.entity_id == case_id)
    if filters.record:
        conditions.append(AuditEntry.entity_id == filters.record)
    if filters.actor:
        conditions.append(AuditEntry.actor == filters.actor)
    if filters.start:
        conditions.append(AuditEntry.at >= _utc(filters.start))
    if filters.end:
        conditions.append(AuditEntry.at < _utc(filters.end + timedelta(days=1)))
    return conditions


def _key(cursor: Cursor):
    return tuple_(AuditEntry.at, AuditEntry.id), tuple_(cursor.at, cursor.id)


def page(filters: Filters, *, before: Cursor | None = None, after: Cursor | None = None,
         size: int = PAGE) -> Page:
    """The rows matching `filters`, newest first: the newest, or those just older than `before`,
    or just newer than `after`."""
    found: dict[str, bool] = {}
    conditions = _conditions(filters, found)
    if conditions is None:
        return Page([], 0, False, found=found)
    query = select(AuditEntry).where(*conditions)
    if after is not None:
        mine, theirs = _key(after)
        rows = db.session.scalars(query.where(mine > theirs)
                                  .order_by(AuditEntry.at, AuditEntry.id).limit(size + 1)).all()
        if not rows:  # nothing newer than the cursor: the newest page
            return page(filters, size=size)
        more_newer, more_older = len(rows) > size, True
        rows = list(reversed(rows[:size]))
    else:
        if before is not None:
            mine, theirs = _key(before)
            query = query.where(mine < theirs)
        rows = db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                  .limit(size + 1)).all()
        more_newer, more_older = before is not None, len(rows) > size
        rows = rows[:size]
    matching = select(AuditEntry.id).where(*conditions).limit(COUNT_LIMIT + 1).subquery()
    count = db.session.scalar(select(func.count()).select_from(matching))
    return Page(rows, min(count, COUNT_LIMIT), count > COUNT_LIMIT,
                newer=Cursor.of(rows[0]) if rows and more_newer else None,
                older=Cursor.of(rows[-1]) if rows and more_older else None, found=found)
