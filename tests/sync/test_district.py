"""A generated district on PostgreSQL: the generator's history is sound, and each of the desk's
finding queries uses its index (EXPLAIN ANALYZE), as on the bench's 300 halls."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from central.desk import listing, searching
from central.extensions import db
from central.history import Plan, generate
from central.models import MIRRORS, Kiosk, case
from central.petitioners import PETITIONER_KEY, history
from petition import lifecycle, querycode
from petition.identity import clean_id_number
from tests.support.central import postgres_office
from tests.support.plans import captured, plans

pytestmark = pytest.mark.postgres
TODAY = date(2026, 11, 30)
PLAN = Plan(halls=6, cases_per_hall=1500, years=1, today=TODAY, seed=7)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    with postgres_office(tmp_path_factory.mktemp("district")) as app:
        with app.app_context():
            app.counts = generate(PLAN, echo=lambda line: None)
        yield app


@pytest.fixture
def ctx(district):
    with district.app_context():
        yield district
        db.session.remove()


def test_the_generator_makes_every_hall_with_people_codes_and_stages_as_the_domain_says(ctx):
    person, visit = MIRRORS["person"], MIRRORS["visit"]
    per_hall = dict(db.session.execute(select(case.c.kiosk_id, func.count()).group_by(case.c.kiosk_id)).all())
    assert sorted(per_hall) == [f"hall-{n:03d}" for n in range(1, 7)]
    assert all(PLAN.cases_per_hall * 0.6 < count < PLAN.cases_per_hall * 1.4 for count in per_hall.values())
    # The first hall came through the receiver, signed like a kiosk's pushes.
    assert db.session.get(Kiosk, "hall-001").last_push_at is not None
    rows = db.session.execute(select(case)).all()
    for row in rows:
        stage = lifecycle.stage(row)
        assert (row.status, row.due_on) == (stage.status.value, stage.due_on), row.id
        assert row.registered_on <= TODAY
    statuses = {row.status for row in rows}
    assert {"closed", "accepted", "replied", "reviewed", "not_accepted"} <= statuses
    assert len({row.id for row in rows}) == len(rows)
    for number, in db.session.execute(select(person.c.id_number).where(person.c.id_number.isnot(None))
                                      .limit(2000)):
        assert clean_id_number(number, today=TODAY) == number
    codes = db.session.scalars(select(visit.c.query_code)).all()
    assert all(querycode.normalize(code) == code for code in codes)
    assert len(set(codes)) > 0.999 * len(codes)
    linked = db.session.scalar(select(func.count()).where(case.c.same_matter_as.isnot(None)))
    assert linked > 0


def test_repeat_petitioners_are_seen_at_several_halls(ctx):
    person = MIRRORS["person"]
    halls = db.session.execute(
        select(PETITIONER_KEY, func.count(func.distinct(person.c.kiosk_id)).label("halls"))
        .group_by(PETITIONER_KEY).having(func.count(func.distinct(person.c.kiosk_id)) >= 3)).all()
    assert len(halls) > 20
    some = db.session.scalar(select(person.c.id).where(PETITIONER_KEY == halls[0][0]).limit(1))
    found = history(some)
    assert len(found.halls) >= 3 and len(found.visits) == len(found.persons)
    assert [c.registered_on for c in found.cases] == sorted(c.registered_on for c in found.cases)


def _plans(ctx, call):
    with captured(db.engine) as statements:
        call()
    return plans(db.engine, statements)


def _sample(ctx):
    person, visit = MIRRORS["person"], MIRRORS["visit"]
    row = db.session.execute(select(person.c.id, person.c.id_number, person.c.phone, person.c.name)
                             .where(person.c.id_number.isnot(None), person.c.kiosk_id == "hall-004")
                             .limit(1)).first()
    code = db.session.scalar(select(visit.c.query_code).where(visit.c.kiosk_id == "hall-005").limit(1))
    return SimpleNamespace(person_id=row.id, id_number=row.id_number, phone=row.phone, name=row.name,
                           code=code)


@pytest.mark.parametrize("filters, index", [
    ({}, "ix_case_registered"),
    ({"kiosk": "hall-003"}, "ix_case_kiosk_registered"),
    ({"status": "review_requested"}, "ix_case_status_registered"),
    ({"joint": "1"}, "ix_case_joint_registered"),
    ({"since": "2026-03-01", "until": "2026-03-31"}, "ix_case_registered"),
])
def test_the_case_list_first_and_deep_pages_use_their_keyset_index(ctx, filters, index):
    chosen = listing.Filters.from_args(filters)
    first = listing.page(chosen, TODAY)
    deep = first
    for _ in range(5):  # a deep page: five pages down, by its cursor
        if deep.older:
            deep = listing.page(chosen, TODAY, after=deep.older)
    for cursor in (None, deep.older or first.older):
        for plan in _plans(ctx, lambda: listing.page(chosen, TODAY, after=cursor)):
            if '"case"' in plan.statement.split("FROM", 1)[1][:20]:
                assert index in plan.indexes, plan
                assert "case" not in plan.scanned


def test_each_kind_of_search_uses_its_index(ctx):
    sample = _sample(ctx)
    expected = {sample.code: {"ix_visit_query_code"},
                querycode.display(sample.code).lower(): {"ix_visit_query_code"},
                sample.id_number: {"ix_person_petitioner"}, sample.phone: {"ix_person_phone"},
                sample.name[-2:]: {"ix_person_name_grams"}}
    for typed, indexes in expected.items():
        found_plans = _plans(ctx, lambda: searching.search(typed))
        used = set().union(*(plan.indexes for plan in found_plans))
        assert indexes <= used, (typed, used)
        assert not any(plan.scanned & {"case", "person", "visit"} for plan in found_plans), typed
        assert searching.search(typed).rows, typed


def test_a_search_is_one_statement_however_many_people_it_matches(ctx):
    sample = _sample(ctx)
    part = func.substr(MIRRORS["person"].c.name, 2, 2)  # the given name, or its first two characters
    common = db.session.scalar(  # the part shared by the most people of the district
        select(part).where(func.length(part) == 2).group_by(part).order_by(func.count().desc()).limit(1))
    for typed in (sample.code, sample.id_number, sample.phone, sample.name[-2:], common):
        with captured(db.engine) as statements:
            found = searching.search(typed)
        assert found.rows and len(statements) == 1, (typed, len(statements))
    # The common part's page against every case of everyone whose name holds it, found by LIKE.
    person, visit = MIRRORS["person"], MIRRORS["visit"]
    people = select(person.c.id).where(person.c.name.like(f"%{common}%"))
    assert db.session.scalar(select(func.count()).select_from(people.subquery())) <= searching.PERSONS
    every = set(db.session.scalars(select(case.c.id).where(case.c.person_id.in_(people))))
    every |= set(db.session.scalars(select(visit.c.case_id).where(visit.c.person_id.in_(people),
                                                                  visit.c.case_id.isnot(None))))
    newest = db.session.scalars(select(case.c.id).where(case.c.id.in_(every))
                                .order_by(case.c.registered_on.desc(), case.c.id.desc())).all()
    assert [row.id for row in found.rows] == newest[:searching.RESULTS]
    assert found.more == (len(newest) > searching.RESULTS)


def test_the_petitioner_page_uses_its_indexes(ctx):
    sample = _sample(ctx)
    found_plans = _plans(ctx, lambda: history(sample.person_id))
    used = set().union(*(plan.indexes for plan in found_plans))
    assert {"ix_person_petitioner", "ix_visit_person_id", "ix_case_person_id"} <= used
    assert not any(plan.scanned & {"case", "person", "visit"} for plan in found_plans)


def test_a_page_of_the_list_knows_its_repeat_petitioners_in_indexed_queries(ctx):
    page = listing.page(listing.Filters(), TODAY)
    found_plans = _plans(ctx, lambda: listing.decorate(page.rows, TODAY))
    assert not any(plan.scanned & {"case", "person"} for plan in found_plans)
    assert re.search("ix_person_petitioner", " ".join(" ".join(p.indexes) for p in found_plans))
    assert any(row.repeat for row in listing.decorate(page.rows, TODAY))


def test_the_generator_refuses_a_database_that_holds_cases(ctx):
    from central.history import HistoryRefused

    with pytest.raises(HistoryRefused):
        generate(PLAN, echo=lambda line: None)
    assert db.session.scalar(text("SELECT count(*) FROM kiosk")) == PLAN.halls
