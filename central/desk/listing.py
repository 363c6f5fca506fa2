"""The desk's case list: filters from the URL, pages by keyset, newest first.

A page is `WHERE (registered_on, id) < cursor ORDER BY registered_on DESC,
id DESC LIMIT n` on one of the (filter, registered_on, id) indexes of
migration 0008, never an OFFSET: the thousandth page costs what the first
does, and a case arriving while someone pages (a kiosk syncing late) never
shifts or repeats the rows they are reading. Case ids are UUIDv7, born in
time order at the kiosk, so within a day the newest comes first too. The
due lists (overdue, due soon) page the same way by (due_on, id), most
recently due first, on the partial index of cases that have a due date.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select, text, tuple_

from appkit.database import within
from petition import lifecycle
from petition.privacy import mask_name
from petition.vocabulary import CATEGORIES

from .. import petitioners
from ..extensions import db
from ..models import MIRRORS, Kiosk, case

person = MIRRORS["person"]
PAGE_SIZE = 50
STATUS_FILTERS = ("open", *(status.value for status in lifecycle.Status))
DUE_FILTERS = (lifecycle.OVERDUE, lifecycle.DUE_SOON)
LIST_COLUMNS = (case.c.id, case.c.kiosk_id, case.c.person_id, case.c.registered_on, case.c.category,
                case.c.body_name, case.c.status, case.c.due_on, case.c.joint_supervision,
                case.c.urgent, case.c.same_matter_as)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass
class Filters:
    """What the list is narrowed to; every field is a URL parameter, so a list can be bookmarked."""

    kiosk: str = ""
    status: str = ""      # "" any, "open" (still waiting on someone), or one lifecycle status
    category: str = ""
    body: str = ""        # the body the matter concerns (涉及单位), as registered
    due: str = ""         # "" any, "overdue", "due_soon" (within DUE_SOON_DAYS)
    joint: bool = False   # joint supervision (联合督办) only
    since: date | None = None  # registered on or after
    until: date | None = None  # registered on or before

    @classmethod
    def from_args(cls, args) -> Filters:
        """Filters from a query string; a value that is not one of the choices is ignored."""
        pick = lambda name, allowed: args.get(name, "") if args.get(name, "") in allowed else ""  # noqa: E731
        return cls(kiosk=args.get("kiosk", "")[:64], status=pick("status", STATUS_FILTERS),
                   category=pick("category", CATEGORIES), body=args.get("body", "").strip()[:100],
                   due=pick("due", DUE_FILTERS), joint=args.get("joint") == "1",
                   since=_date(args.get("since")), until=_date(args.get("until")))

    def args(self) -> dict[str, str]:
        """The filters as URL parameters, the empty ones left out."""
        out = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value:
                out[item.name] = "1" if value is True else (value.isoformat() if isinstance(value, date)
                                                           else value)
        return out

    @property
    def by(self):
        """The list's order: by due date (most recently due first) on the due lists, else by
        registration; the keyset is that date and the id."""
        return case.c.due_on if self.due else case.c.registered_on

    def where(self, today: date) -> list:
        clauses = []
        if self.kiosk:
            clauses.append(case.c.kiosk_id == self.kiosk)
        if self.status == "open" and self.due:
            pass  # only open cases have a due date
        elif self.status == "open":
            clauses.append(case.c.status.in_([status.value for status in lifecycle.OPEN]))
        elif self.status:
            clauses.append(case.c.status == self.status)
        if self.category:
            clauses.append(case.c.category == self.category)
        if self.body:
            clauses.append(case.c.body_name == self.body)
        if self.joint:
            clauses.append(case.c.joint_supervision)
        if self.due:
            clauses.append(case.c.due_on.isnot(None))  # the partial index of cases with a due date
            clauses += within(case.c.due_on, *lifecycle.due_between(self.due, today))
        return clauses + within(case.c.registered_on, self.since, self.until)


@dataclass(frozen=True)
class Cursor:
    """A position in the list: the (date, id) of a row in the list's order, written `2026-03-04~<id>`."""

    on: date
    id: str

    def __str__(self) -> str:
        return f"{self.on.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        day, _sep, case_id = (text or "").partition("~")
        moment = _date(day)
        if moment is None or not case_id or len(case_id) > 36:
            return None
        return cls(moment, case_id)


@dataclass
class Page:
    rows: list
    newer: Cursor | None  # ask `before=` this for the page above, if there is one
    older: Cursor | None  # ask `after=` this for the page below, if there is one


def page_query(filters: Filters, today: date, *, after: Cursor | None = None,
               before: Cursor | None = None, size: int = PAGE_SIZE):
    """The statement of one page (size + 1 rows, to know whether another follows)."""
    key = tuple_(filters.by, case.c.id)
    query = select(*LIST_COLUMNS).where(*filters.where(today))
    if before is not None:
        return (query.where(key > tuple_(before.on, before.id))
                .order_by(filters.by, case.c.id).limit(size + 1))
    if after is not None:
        query = query.where(key < tuple_(after.on, after.id))
    return query.order_by(filters.by.desc(), case.c.id.desc()).limit(size + 1)


def page(filters: Filters, today: date, *, after: Cursor | None = None, before: Cursor | None = None,
         size: int = PAGE_SIZE) -> Page:
    rows = db.session.execute(page_query(filters, today, after=after, before=before, size=size)).all()
    more = len(rows) > size
    rows = rows[:size]
    if before is not None:
        rows.reverse()
        newer, older = (more, True)
    else:
        newer, older = (after is not None, more)
    cursor = lambda row: Cursor(getattr(row, filters.by.name), row.id)  # noqa: E731
    return Page(rows=rows, newer=cursor(rows[0]) if rows and newer else None,
                older=cursor(rows[-1]) if rows and older else None)


@dataclass
class Listed:
    """A case as a list shows it: masked petitioner, hall name, repeat flag, due state."""

    row: object
    kiosk_name: str
    petitioner: str
    repeat: bool
    urgency: str | None

    def __getattr__(self, name):
        return getattr(self.row, name)


def decorate(rows: list, today: date) -> list[Listed]:
    """What a page of cases needs beside its rows, in three indexed queries (not one per row):
    its people's names and petitioner keys, which of those keys are repeat petitioners, the halls."""
    person_ids = sorted({row.person_id for row in rows if row.person_id})
    people = {found.id: found for found in db.session.execute(
        select(person.c.id, person.c.name, petitioners.PETITIONER_KEY.label("key"))
        .where(person.c.id.in_(person_ids)))} if person_ids else {}
    repeated = petitioners.repeated(found.key for found in people.values())
    halls = kiosk_names()
    listed = []
    for row in rows:
        found = people.get(row.person_id)
        listed.append(Listed(row, halls.get(row.kiosk_id, row.kiosk_id), mask_name(found and found.name),
                             found is not None and found.key in repeated,
                             lifecycle.urgency(row.due_on, today)))
    return listed


def kiosk_names() -> dict[str, str]:
    return dict(db.session.execute(select(Kiosk.id, Kiosk.name)).all())


def bodies() -> list[str]:
    """The bodies cases concern, read off the body index (a skip scan, not a scan of every case)."""
    if db.engine.dialect.name != "postgresql":
        return list(db.session.scalars(select(case.c.body_name).where(case.c.body_name.isnot(None))
                                       .distinct().order_by(case.c.body_name).limit(200)))
    return list(db.session.scalars(text('''
        WITH RECURSIVE b(name) AS (
            (SELECT body_name FROM "case" WHERE body_name IS NOT NULL ORDER BY body_name LIMIT 1)
            UNION ALL
            SELECT (SELECT body_name FROM "case" WHERE body_name > b.name ORDER BY body_name LIMIT 1)
            FROM b WHERE b.name IS NOT NULL)
        SELECT name FROM b WHERE name IS NOT NULL LIMIT 200''')))
