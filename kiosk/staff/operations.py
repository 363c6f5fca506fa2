"""Registration at the window (接谈登记) and repeat visits (重复访).

The touch screen made the visit, its person and a new case; here the
receptionist completes them. Each changed field is written to the audit log
and bumps the record's version, so the sync agent sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from petition.lifecycle import Status

from .. import audit
from ..extensions import db
from ..models import Case, GroupRepresentative, Material, Person, Visit


class RegistrationError(ValueError):
    """The registration cannot be saved as asked; the message says why."""


@dataclass
class Registration:
    person: dict
    case: dict
    visit: dict
    representatives: list[dict]
    materials: list[dict]


def save_registration(visit: Visit, entry: Registration, *, by: str, now: datetime) -> bool:
    """Apply the window's entries to the visit, its person and case; commit. True if anything changed."""
    changed = audit.change(by, visit.person, "person", entry.person, now=now)
    changed |= audit.change(by, visit.case, "case", entry.case, now=now)
    changed |= audit.change(by, visit, "visit", entry.visit, now=now)

    wanted = [rep for rep in entry.representatives if any(rep.values())]
    existing = {rep.position: rep for rep in visit.representatives}
    for position, values in enumerate(wanted, start=1):
        rep = existing.pop(position, None)
        if rep is None:
            rep = GroupRepresentative(visit=visit, position=position, created_at=now, updated_at=now)
            db.session.add(rep)
            db.session.flush()
        changed |= audit.change(by, rep, "representative", values, now=now)
    for rep in existing.values():  # rows cleared on the form
        audit.record(by, "delete", "representative", rep.id, {"name": (rep.name, None)},
                     person_id=visit.person_id, now=now)
        db.session.delete(rep)
        changed = True
    count = len(wanted)
    if visit.representative_count != count:
        changed |= audit.change(by, visit, "visit", {"representative_count": count}, now=now)

    wanted_materials = [m for m in entry.materials if m.get("name")]
    existing_materials = {m.position: m for m in visit.materials}
    for position, values in enumerate(wanted_materials, start=1):
        material = existing_materials.pop(position, None)
        if material is None:
            material = Material(visit=visit, position=position, name=values["name"],
                                count=values.get("count") or 1, created_at=now, updated_at=now)
            db.session.add(material)
            db.session.flush()
            audit.record(by, "add", "material", material.id,
                         {"material": (None, f"{material.name} ×{material.count}")},
                         person_id=visit.person_id, now=now)
            changed = True
        else:
            changed |= audit.change(by, material, "material",
                                    {"name": values["name"], "count": values.get("count") or 1}, now=now)
    for material in existing_materials.values():
        audit.record(by, "delete", "material", material.id, {"material": (material.name, None)},
                     person_id=visit.person_id, now=now)
        db.session.delete(material)
        changed = True
    db.session.commit()
    return changed


@dataclass
class Earlier:
    """An earlier visit of the same person (matched by ID number or phone)."""

    visit: Visit
    case: Case | None


def earlier_visits(visit: Visit) -> list[Earlier]:
    """Other visits whose person has this visit's ID number or phone, newest first."""
    person = visit.person
    if person is None or not (person.id_number or person.phone):
        return []
    matches = []
    if person.id_number:
        matches.append(Person.id_number == person.id_number)
    if person.phone:
        matches.append(Person.phone == person.phone)
    # One query with the cases: the people by ix_person_id_number / ix_person_phone,
    # their visits by ix_visit_person_id.
    rows = db.session.scalars(
        select(Visit).options(joinedload(Visit.case))
        .where(Visit.person_id.in_(select(Person.id).where(or_(*matches))), Visit.id != visit.id)
        .order_by(Visit.created_at.desc()).limit(20))
    return [Earlier(visit=row, case=row.case) for row in rows]


def link_case(visit: Visit, case_id: str, *, by: str, now: datetime) -> Case:
    """Make this a repeat visit (重复访) of an existing case; commit.

    The case the touch screen opened for this visit is removed when nothing
    else refers to it and it is still undecided, so the figures count the
    matter once.
    """
    target = db.session.get(Case, case_id)
    if target is None or target.id == visit.case_id:
        raise RegistrationError("case")
    allowed = {earlier.case.id for earlier in earlier_visits(visit) if earlier.case is not None}
    if target.id not in allowed:
        raise RegistrationError("case")
    previous = visit.case
    audit.change(by, visit, "visit", {"case_id": target.id}, now=now)
    visit.case = target
    if previous is not None and previous.status == Status.REGISTERED:
        others = db.session.scalar(
            select(Visit.id).where(Visit.case_id == previous.id, Visit.id != visit.id).limit(1))
        if others is None:
            audit.record(by, "delete", "case", previous.id,
                         {"case": ("registered (merged as a repeat visit)", target.id)},
                         person_id=previous.person_id, now=now)
            db.session.flush()
            db.session.delete(previous)
    db.session.commit()
    return target
