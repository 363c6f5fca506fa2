"""The window's lists of cases: open, due soon, overdue or all, filtered in SQL, paged by keyset.

Every filter is a condition on stored columns: the status and due date that
`petition.lifecycle.stage` derived (kiosk/cases/states.py keeps them), the
category, the body concerned and the registration date. Pages run newest
first on (registered_on, id), so a case registered while someone pages never
moves the rows of the pages after it. A page is found by an opaque cursor,
the key of the row it continues from; a cursor that is not one of ours is
no cursor (the first page). The count of all matches is shown with each page:
nothing is cut off silently. A page's rows are plain rows of the columns the
list shows (ROW), not ORM objects: a list is read, never changed.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from appkit.database import within
from petition import lifecycle

from ..extensions import db
from ..models import Case, Person

LISTS = ("open", "due_soon", "overdue", "all")
PAGE_SIZE = 50
#: What a list shows of a case and its petitioner (the template masks the person's columns).
ROW = (Case.id, Case.registered_on, Case.status, Case.due_on, Case.category, Case.body_name,
       Case.matter, Person.name, Person.id_number, Person.phone)


@dataclass(frozen=True)
class Filters:
    show: str = "open"
    category: str | None = None
    body: str | None = None
    registered_from: date | None = None
    registered_to: date | None = None

    def conditions(self, today: date) -> list:
        where = []
        if self.show != "all":
            where.append(Case.status.in_(sorted(lifecycle.OPEN)))
        if self.show in (lifecycle.OVERDUE, lifecycle.DUE_SOON):
            where += within(Case.due_on, *lifecycle.due_between(self.show, today))
        if self.category:
            where.append(Case.category == self.category)
        if self.body:
            where.append(Case.body_name == self.body)
        return where + within(Case.registered_on, self.registered_from, self.registered_to)


@dataclass(frozen=True)
class Key:
    """Where a page starts or ends: a case's registration day and id."""

    registered_on: date
    id: str

    def encode(self) -> str:
        raw = f"{self.registered_on.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str | None) -> Key | None:
        """The key a cursor names, or None for anything that is not a cursor of ours."""
        if not cursor or len(cursor) > 100:
            return None
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            day, case_id = text.split("|")
            if not 1 <= len(case_id) <= 36:
                return None
            return cls(date.fromisoformat(day), case_id)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None


@dataclass
class Page:
    cases: list  # rows of ROW
    count: int
    newer: str | None  # cursor of the page before (newer cases), if any
    older: str | None  # cursor of the page after (older cases), if any


def _key(case) -> Key:
    return Key(case.registered_on, case.id)


def page(filters: Filters, *, today: date, after: str | None = None, before: str | None = None,
         size: int = PAGE_SIZE) -> Page:
    """One page of the cases `filters` select, newest first: after `after`, or before `before`."""
    where = filters.conditions(today)
    count = db.session.scalar(select(func.count()).select_from(Case).where(*where))
    keys = select(Case.id).where(*where)
    older_than, newer_than = Key.decode(after), Key.decode(before)
    newest_first = (Case.registered_on.desc(), Case.id.desc())
    if newer_than is not None and older_than is None:
        keys = keys.where(or_(Case.registered_on > newer_than.registered_on,
                              and_(Case.registered_on == newer_than.registered_on,
                                   Case.id > newer_than.id)))
        order = (Case.registered_on, Case.id)
    else:
        if older_than is not None:
            keys = keys.where(or_(Case.registered_on < older_than.registered_on,
                                  and_(Case.registered_on == older_than.registered_on,
                                       Case.id < older_than.id)))
        order = newest_first
    # The page's keys first, from the index alone; then only those cases, with their people.
    chosen = keys.order_by(*order).limit(size + 1).scalar_subquery()
    rows = db.session.execute(select(*ROW).outerjoin(Person, Person.id == Case.person_id)
                              .where(Case.id.in_(chosen)).order_by(*order)).all()
    more = len(rows) > size
    rows = rows[:size]
    if order is newest_first:
        more_older, more_newer = more, older_than is not None
    else:
        rows = rows[::-1]
        more_newer, more_older = more, True
    return Page(cases=rows, count=count,
                newer=_key(rows[0]).encode() if rows and more_newer else None,
                older=_key(rows[-1]).encode() if rows and more_older else None)
