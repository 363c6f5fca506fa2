"""The desk's one search box: a query code (either form), an ID number, a phone, or part of a name.

What was typed decides what is searched (`read`): a valid-looking ID number
is matched whole through the petitioner index, digits as a phone, a query
code as typed or as printed (XXXXX-XXXXX, petition.querycode), and anything
else with at least two characters as part of a name. On PostgreSQL a name
part is found through the GIN index of the names' two-character grams
(migration 0008), then checked with LIKE; on SQLite (for trying out) LIKE
scans. The whole search is one statement: the matched people and their
cases stay in the database, and only the page of newest cases comes back.
The full ID number and phone are matched, never shown: the results are the
same masked list as the case list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, select, union
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


def _persons(query: Query):
    """The newest person rows (at most PERSONS) a query by ID number, phone or name matches."""
    where = {ID: lambda value: petitioners.PETITIONER_KEY == value,
             PHONE_KIND: lambda value: person.c.phone == value, NAME: _name_matches}[query.kind]
    return (select(person.c.id).where(where(query.value))
            .order_by(person.c.created_at.desc()).limit(PERSONS).cte(f"persons_{query.kind}"))


def case_ids(query: Query) -> list:
    """SELECTs of the ids of the cases a query finds: by the code of one of the case's visits, or
    by a person matched, whose case it is or who came about it."""
    visited = visit.c.case_id.label("id")
    if query.kind == CODE:
        return [select(visited).where(visit.c.query_code == query.value, visit.c.case_id.isnot(None))]
    persons = select(_persons(query).c.id)
    return [select(case.c.id).where(case.c.person_id.in_(persons)),
            select(visited).where(visit.c.person_id.in_(persons), visit.c.case_id.isnot(None))]


@dataclass
class Found:
    queries: list[Query]
    rows: list
    more: bool  # more than RESULTS cases matched: only the newest are shown


def search(typed: str) -> Found:
    """The newest RESULTS cases that what was typed finds, in one statement: what matched stays
    in the database, and only the page's rows come back."""
    queries = read(typed)
    if not queries:
        return Found(queries, [], False)
    found = union(*(select_ for query in queries for select_ in case_ids(query))).subquery()
    rows = db.session.execute(
        select(*LIST_COLUMNS).where(case.c.id.in_(select(found.c.id)))
        .order_by(case.c.registered_on.desc(), case.c.id.desc()).limit(RESULTS + 1)).all()
    return Found(queries, rows[:RESULTS], len(rows) > RESULTS)
