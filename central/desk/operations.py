"""What the desk's pages read beside the list: a case in full, and the kiosks' overview.

The list itself is desk/listing.py, the search desk/searching.py, a
petitioner across halls central/petitioners.py.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import MIRRORS, Kiosk, case
from ..operations import records_held

person, visit = MIRRORS["person"], MIRRORS["visit"]


def case_detail(case_id: str):
    """The case with its petitioner and visits, in full (the viewer is signed-in staff)."""
    row = db.session.execute(
        select(case, Kiosk.name.label("kiosk_name"))
        .join(Kiosk, Kiosk.id == case.c.kiosk_id, isouter=True)
        .where(case.c.id == case_id)).first()
    if row is None:
        return None, None, []
    petitioner = db.session.execute(select(person).where(person.c.id == row.person_id)).first() \
        if row.person_id else None
    visits = db.session.execute(select(visit).where(visit.c.case_id == case_id)
                                .order_by(visit.c.service_day)).all()
    return row, petitioner, visits


def kiosk_overview() -> list[dict]:
    kiosks = db.session.scalars(select(Kiosk).order_by(Kiosk.id)).all()
    return [{"kiosk": kiosk, "held": records_held(kiosk.id)} for kiosk in kiosks]


def kiosk_ids() -> list[str]:
    return list(db.session.scalars(select(Kiosk.id).order_by(Kiosk.id)))
