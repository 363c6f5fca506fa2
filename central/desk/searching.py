"""The desk's one search box: a query code (either form), an ID number, a phone, or part of a name.

What was typed decides what is searched (`read`): a valid-looking ID number
is matched whole through the petitioner index, digits as a phone, a query
code as typed or as printed (XXXXX-XXXXX, petition.querycode), and anything
else with at least two characters as part of a name. On PostgreSQL a name
part is found through the GIN index of the names' two-character grams
(migration 0008), then checked with LIKE; on SQLite (for trying out) LIKE
scans. The full ID number and phone are matched, never shown: the results
are the same masked list as the case list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, select
from sqlalchemy.dialects import postgresql

from petition import querycode
from petition.privacy import mask_id_number, mask_name, mask_phone

from .. import petitioners
from ..extensions import db
from ..models import MIRRORS, case
from .listing import LIST_COLUMNS

person, visit = MIRRORS["person"], MIRRORS["visit"]
RESULTS = 100        # newest cases shown; more means the search should be narrower
PERSONS = 300        # the newest registrations a query may match (a common name part matches many)
ID_NUMBER = re.compile(r"\d{17}[\dX]")
PHONE = re.compile(r"\d{7,12}")
CODE, ID, PHONE_KIND, NAME = "code", "id_number", "phone", "name"


KIND_LABELS = {CODE: _l("query code"), ID: _l("ID number"), PHONE_KIND: _l("phone"), NAME: _l("part of a name")}


@dataclass(frozen=True)
class Query:
    kind: str
    value: str

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def shown(self) -> str:
        """What was searched, masked as lists mask it (the page never shows it whole)."""
        masks = {CODE: querycode.display, ID: mask_id_number, PHONE_KIND: mask_phone, NAME: mask_name}
        return masks[self.kind](self.value)


def read(typed: str) -> list[Query]:
    """What the text typed into the box can be; empty when it can be nothing."""
    text = " ".join((typed or "").split())[:64]
    compact = re.sub(r"[\s\-()]", "", text).upper()
    queries = []
    if ID_NUMBER.fullmatch(compact):
        queries.append(Query(ID, compact))
    elif PHONE.fullmatch(compact):
        queries.append(Query(PHONE_KIND, compact))
    code = querycode.normalize(text)
    if code and not queries or code and compact.isdigit() and len(compact) == querycode.LENGTH:
        queries.append(Query(CODE, code))
    if not queries and len(text.replace(" ", "")) >= 2 and not compact.isdigit():
        queries.append(Query(NAME, text.replace(" ", "")))
    return queries


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_matches(part: str):
    like = person.c.name.like(f"%{_escape_like(part)}%", escape="\\")
    if db.engine.dialect.name != "postgresql":
        return like
    grams = sorted({part[i:i + 2] for i in range(len(part) - 1)})
    indexed = func.jiedai_name_grams(person.c.name, type_=postgresql.ARRAY(Text))
    return indexed.contains(cast(postgresql.array(grams), postgresql.ARRAY(Text))) & like


def person_ids(query: Query) -> list[str]:
    """The person rows a query matches (at most PERSONS)."""
    if query.kind == ID:
        where = petitioners.PETITIONER_KEY == query.value
    elif query.kind == PHONE_KIND:
        where = person.c.phone == query.value
    elif query.kind == NAME:
        where = _name_matches(query.value)
    else:
        return []
    return list(db.session.scalars(select(person.c.id).where(where)
                                   .order_by(person.c.created_at.desc()).limit(PERSONS)))


def case_ids(query: Query) -> set[str]:
    if query.kind == CODE:
        return set(db.session.scalars(select(visit.c.case_id).where(
            visit.c.query_code == query.value, visit.c.case_id.isnot(None))))
    ids = person_ids(query)
    if not ids:
        return set()
    found = set(db.session.scalars(select(case.c.id).where(case.c.person_id.in_(ids))))
    found |= set(db.session.scalars(select(visit.c.case_id).where(
        visit.c.person_id.in_(ids), visit.c.case_id.isnot(None))))
    return found


@dataclass
class Found:
    queries: list[Query]
    rows: list
    more: bool  # more than RESULTS cases matched: only the newest are shown


def search(typed: str) -> Found:
    queries = read(typed)
    ids: set[str] = set()
    for query in queries:
        ids |= case_ids(query)
    if not ids:
        return Found(queries, [], False)
    rows = db.session.execute(
        select(*LIST_COLUMNS).where(case.c.id.in_(ids))
        .order_by(case.c.registered_on.desc(), case.c.id.desc()).limit(RESULTS + 1)).all()
    return Found(queries, rows[:RESULTS], len(rows) > RESULTS)
