"""Petitioners (信访人) across halls: one person by ID number, or else by phone and name.

Every visit at a kiosk registers its person anew, so one petitioner is many
person rows, at one hall or at several. `PETITIONER_KEY` says which
petitioner a person row is (the expression behind the index
ix_person_petitioner); `history` gathers a petitioner's visits and cases
across halls in time order; `repeat_keys` tells a list which of its rows
belong to someone seen more than once (重复信访). The office may say that a
case is the same matter as an earlier one of the same petitioner
(`link_same_matter`): an office fact, audited and fed back to the kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal_column, select, update

from . import audit, feed
from .extensions import db
from .models import MIRRORS, Kiosk, case

person, visit = MIRRORS["person"], MIRRORS["visit"]

# Literal constants, not parameters: PostgreSQL matches the query to the expression index
# only when the expression is the same, constants included.
PETITIONER_KEY = func.coalesce(func.nullif(person.c.id_number, literal_column("''")),
                               person.c.phone.concat(literal_column("' '")).concat(person.c.name))


class LinkRefused(ValueError):
    """The two cases cannot be linked as one matter; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class History:
    """One petitioner: the person rows (one per visit), the visits and the cases, oldest first."""

    key: str | None
    persons: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    cases: list = field(default_factory=list)

    @property
    def halls(self) -> list[str]:
        return sorted({row.kiosk_id for row in self.persons})

    @property
    def latest(self):
        """The most recently registered person row: the name, ID and phone to show."""
        return max(self.persons, key=lambda row: (row.created_at, row.id))


def key_of(person_id: str) -> str | None:
    return db.session.scalar(select(PETITIONER_KEY).where(person.c.id == person_id))


def history(person_id: str) -> History | None:
    """Everything the office holds of the petitioner that person row belongs to; None if unknown."""
    found = db.session.execute(select(person.c.id, PETITIONER_KEY.label("key"))
                               .where(person.c.id == person_id)).first()
    if found is None:
        return None
    match = PETITIONER_KEY == found.key if found.key is not None else person.c.id == person_id
    persons = db.session.execute(select(person).where(match)
                                 .order_by(person.c.created_at, person.c.id)).all()
    ids = [row.id for row in persons]
    visits = db.session.execute(
        select(visit, Kiosk.name.label("kiosk_name"))
        .join(Kiosk, Kiosk.id == visit.c.kiosk_id, isouter=True)
        .where(visit.c.person_id.in_(ids)).order_by(visit.c.created_at, visit.c.id)).all()
    case_ids = {row.case_id for row in visits if row.case_id}
    case_ids |= set(db.session.scalars(select(case.c.id).where(case.c.person_id.in_(ids))))
    cases = db.session.execute(
        select(case, Kiosk.name.label("kiosk_name"))
        .join(Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
        .where(case.c.id.in_(case_ids)).order_by(case.c.registered_on, case.c.created_at, case.c.id)
    ).all() if case_ids else []
    return History(found.key, persons, visits, cases)


def repeated(keys: Iterable[str | None]) -> set[str]:
    """Of these petitioner keys, those registered more than once (重复信访): one query through
    the petitioner index, however many keys a page holds."""
    wanted = sorted({key for key in keys if key})
    if not wanted:
        return set()
    return set(db.session.scalars(select(PETITIONER_KEY).where(PETITIONER_KEY.in_(wanted))
                                  .group_by(PETITIONER_KEY).having(func.count() > 1)))


def repeat_keys(person_ids: Iterable[str]) -> set[str]:
    """Of these person rows, those whose petitioner was registered more than once."""
    ids = [pid for pid in set(person_ids) if pid]
    if not ids:
        return set()
    keys = dict(db.session.execute(select(person.c.id, PETITIONER_KEY).where(person.c.id.in_(ids))).all())
    found = repeated(keys.values())
    return {pid for pid, key in keys.items() if key in found}


def link_same_matter(case_id: str, earlier_id: str | None, *, by: str, now: datetime) -> None:
    """Say (or, with None, unsay) that the case is the same matter (同一事项) as an earlier case
    of the same petitioner; audited, and fed back to the case's kiosk. Commits."""
    query = select(case.c.id, case.c.kiosk_id, case.c.person_id, case.c.registered_on,
                   case.c.created_at, case.c.same_matter_as, case.c.office_version)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    this = db.session.execute(query.where(case.c.id == case_id)).first()
    if this is None:
        raise LinkRefused(_l("There is no such case."))
    summary = None
    if earlier_id:
        earlier = db.session.execute(
            select(case.c.id, case.c.person_id, case.c.registered_on, case.c.created_at,
                   case.c.same_matter_as, Kiosk.name.label("kiosk_name"), case.c.kiosk_id)
            .join(Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
            .where(case.c.id == earlier_id)).first()
        if earlier is None or earlier.id == this.id:
            raise LinkRefused(_l("Choose an earlier case of this petitioner."))
        if (earlier.registered_on, earlier.created_at) >= (this.registered_on, this.created_at):
            raise LinkRefused(_l("Only an earlier case can be the same matter as a later one."))
        if earlier.same_matter_as == this.id:
            raise LinkRefused(_l("That case is already linked to this one."))
        if not (this.person_id and earlier.person_id) or key_of(this.person_id) != key_of(earlier.person_id):
            raise LinkRefused(_l("Only a case of the same petitioner can be the same matter."))
        summary = f"{earlier.kiosk_name or earlier.kiosk_id} {earlier.registered_on.isoformat()}"
    if this.same_matter_as == (earlier_id or None):
        return
    db.session.execute(update(case).where(case.c.id == case_id).values(
        same_matter_as=earlier_id or None, same_matter_summary=summary,
        office_version=this.office_version + 1, office_updated_at=now))
    feed.record_change(case_id, this.kiosk_id, now=now)
    audit.record(by, "same_matter", case_id, now=now, detail=f"same_matter_as={earlier_id or ''}")
    db.session.commit()
