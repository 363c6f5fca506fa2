"""The audit log: one compact row per view or change, and the supervisor's page over it.

The page's filters are checked against an independent reading of every row;
its pages against the whole log walked while new rows arrive; its statements
against SQLite's query plans and their number against the size of the log.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from kiosk import audit
from kiosk.calling import operations as calling
from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import AuditEntry, Person, Visit
from kiosk.staff import audit_log
from petition.clock import local_date
from tests.support.plans import captured, sqlite_plan
from tests.support.staff import take_tickets
from tests.support.touchscreen import valid_id_number

DAY1 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


def serve(visit_id: str, *, by: str, now: datetime, window: int = 1) -> None:
    """A visit through the window: called, received, full data seen, the case accepted, done."""
    visit = calling.call_chosen(visit_id, window=window, by=by, now=now)
    calling.receive(visit, by=by, now=now + timedelta(minutes=1))
    audit.viewed(by, "person", visit.person_id, now=now + timedelta(minutes=2))
    states.accept(visit.case, by=by, now=now + timedelta(minutes=3))
    db.session.commit()
    calling.finish(visit_id, by=by, now=now + timedelta(minutes=4))


@pytest.fixture
def history(app, staff):
    """Person A comes on day 1 (rita) and again on day 3 (rick); person B on day 2 (rita)."""
    a_id_number = valid_id_number(seq=71)
    visits = {
        "a1": take_tickets(app, 1, id_number=a_id_number, phone="13900000071", now=DAY1)[0],
        "b": take_tickets(app, 1, id_number=valid_id_number(seq=72), phone="13900000072",
                          now=DAY1 + timedelta(days=1))[0],
        "a2": take_tickets(app, 1, id_number=a_id_number, phone="13900000073",
                           now=DAY1 + timedelta(days=2))[0],
    }
    with app.app_context():
        for key, by, day in (("a1", "rita", 0), ("b", "rita", 1), ("a2", "rick", 2)):
            serve(visits[key], by=by, now=DAY1 + timedelta(days=day, minutes=10))
    return {"visits": visits, "id_number": a_id_number}


def every_row() -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry)).all()


def ids(rows) -> set[int]:
    return {row.id for row in rows}


def records_of(visit_id: str) -> set[str]:
    """The ids of a visit, its person and its case: the records that concern that visitor."""
    visit = db.session.get(Visit, visit_id)
    return {visit.id, visit.person_id, visit.case_id}


def test_one_change_is_one_row_with_every_fields_before_and_after(app):
    [visit_id] = take_tickets(app, 1, name="张三丰", phone="13800000001")
    with app.app_context():
        person = db.session.get(Visit, visit_id).person
        before = len(every_row())
        assert audit.change("rita", person, "person", {"name": "张三", "phone": "13800000002",
                                                      "address": "历下区", "gender": None}, now=DAY1)
        assert not audit.change("rita", person, "person", {"name": "张三"}, now=DAY1)  # nothing new
        db.session.commit()
        [line] = every_row()[before:]
        assert (line.actor, line.action, line.entity, line.entity_id, line.person_id) == (
            "rita", "change", "person", person.id, person.id)
        assert line.at == DAY1
        # Every changed field with its value before and after; the unchanged gender is not there.
        assert line.fields == {"name": ("张三丰", "张三"), "phone": ("13800000001", "13800000002"),
                               "address": (None, "历下区")}
        audit.viewed("rita", "person", person.id, now=DAY1)
        db.session.commit()
        view = every_row()[-1]
        assert (view.action, view.fields, view.person_id) == ("view", {}, person.id)


def test_each_step_of_a_visit_is_one_row_naming_the_visitor(app, history):
    with app.app_context():
        visit = db.session.get(Visit, history["visits"]["b"])
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.person_id == visit.person_id)
                                  .order_by(AuditEntry.id)).all()
        assert [(row.action, row.entity, row.fields) for row in rows] == [
            ("call", "visit", {"status": ("waiting", "called"), "window": (None, "1")}),
            ("change", "visit", {"status": ("called", "serving")}),
            ("view", "person", {}),
            ("change", "case", {"disposition": (None, "accepted"), "decided_on": (None, "2026-03-03")}),
            ("change", "visit", {"status": ("serving", "done")}),
        ]


@pytest.mark.parametrize("how", ["id_number", "query_code", "visit", "case", "person"])
def test_the_person_filter_finds_every_row_of_that_person_and_no_other(app, history, how):
    with app.app_context():
        first = db.session.get(Visit, history["visits"]["a1"])
        value = {"id_number": history["id_number"], "query_code": first.query_code.lower(),
                 "visit": first.id, "case": first.case_id, "person": first.person_id}[how]
        concerned = records_of(history["visits"]["a1"]) | records_of(history["visits"]["a2"])
        expected = ids(row for row in every_row() if row.entity_id in concerned)
        assert len(expected) == 10  # five steps on each of the two visits
        found = audit_log.page(audit_log.Filters(person=value))
        assert ids(found.entries) == expected and found.count == 10


def test_the_case_staff_member_and_date_filters_find_exactly_their_rows(app, history):
    with app.app_context():
        first = db.session.get(Visit, history["visits"]["a1"])
        rows = every_row()
        by_case = audit_log.page(audit_log.Filters(case=first.case_id))
        assert ids(by_case.entries) == ids(row for row in rows if row.entity_id == first.case_id) != set()
        assert ids(audit_log.page(audit_log.Filters(case=first.query_code)).entries) == ids(by_case.entries)
        by_rick = audit_log.page(audit_log.Filters(actor="rick"))
        assert ids(by_rick.entries) == ids(row for row in rows if row.actor == "rick") != set()
        day2, day3 = local_date(DAY1 + timedelta(days=1)), local_date(DAY1 + timedelta(days=2))
        days = audit_log.page(audit_log.Filters(start=day2, end=day3))
        assert ids(days.entries) == ids(row for row in rows if day2 <= local_date(row.at) <= day3)
        assert ids(days.entries) and ids(days.entries) < ids(rows)
        both = audit_log.page(audit_log.Filters(actor="rita", start=day2))
        assert ids(both.entries) == ids(row for row in rows if row.actor == "rita"
                                        and local_date(row.at) >= day2) != set()
        nobody = audit_log.page(audit_log.Filters(person="13700000000"))
        assert (nobody.entries, nobody.found) == ([], {"person": False})


def test_the_page_shows_filtered_changes_masked_with_their_count(app, history, supervisor):
    with app.app_context():
        person = db.session.get(Visit, history["visits"]["b"]).person
        audit.change("rita", person, "person", {"name": "欧阳小明", "address": "山东省济南市历下区泉城路1号"},
                     now=DAY1 + timedelta(days=1, hours=1))
        db.session.commit()
    page = supervisor.get("/staff/audit?person=13900000072&actor=rita").get_data(as_text=True)
    assert "共 6 条" in page
    assert "欧**明" in page and "欧阳小明" not in page and "泉城路1号" not in page
    assert "address" in page and "山东省济南市" in page and "status" in page
    assert "张三丰" not in page  # the touch screen's name before the change is masked too


def rows_on(page_html: str) -> int:
    return page_html.count('<tr><td class="mono">')


def link(page_html: str, name: str) -> str | None:
    found = re.search(rf'href="([^"]*[?&;]{name}=[^"]*)"', page_html)
    return html.unescape(found[1]) if found else None


def test_paging_yields_every_row_once_in_order_while_new_rows_arrive(app):
    with app.app_context():
        for index in range(250):  # three rows share each instant: the id breaks the tie
            audit.record("rita", "change", "person", f"p{index % 9}", {"phone": (str(index), None)},
                         now=DAY1 + timedelta(seconds=index // 3))
        db.session.commit()
        expected = [row.id for row in db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))]
        walked, cursor, added = [], None, 0
        while True:
            found = audit_log.page(audit_log.Filters(), before=cursor, size=20)
            walked += [row.id for row in found.entries]
            for _ in range(3):  # the hall keeps working between two pages
                added += 1
                audit.record("rick", "view", "person", "p1", now=DAY1 + timedelta(hours=1, seconds=added))
            db.session.commit()
            if found.older is None:
                break
            cursor = audit_log.Cursor.parse(str(found.older))
        assert walked == expected


def test_the_older_and_newer_links_walk_the_whole_log(app, supervisor):
    with app.app_context():
        for index in range(230):
            audit.record("rita", "view", "person", f"p{index}", now=DAY1 + timedelta(minutes=index))
        db.session.commit()
    page = supervisor.get("/staff/audit").get_data(as_text=True)
    assert "超过" not in page and "共 230 条" in page and link(page, "after") is None
    counts = [rows_on(page)]
    while link(page, "before"):
        page = supervisor.get(link(page, "before")).get_data(as_text=True)
        counts.append(rows_on(page))
    assert counts == [100, 100, 30]
    page = supervisor.get(link(page, "after")).get_data(as_text=True)
    assert rows_on(page) == 100 and "p129" in page and "p30<" in page.replace("</a>", "<")


def test_the_count_stops_at_its_limit(app, supervisor, monkeypatch):
    monkeypatch.setattr(audit_log, "COUNT_LIMIT", 50)
    with app.app_context():
        for index in range(60):
            audit.record("rita", "view", "person", "p1", now=DAY1 + timedelta(minutes=index))
        db.session.commit()
    assert "超过 50 条" in supervisor.get("/staff/audit").get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "before=abc", "after=abc", "before=20260230T000000000000-1", "before=99999999T999999999999-9",
    "after=20990101T000000000000-1", "before=20260302T010000000000-99999999999999999999",
    "start=2026-02-30", "end=yesterday", "start=2026-03-05&end=2026-03-01", "page=²",
    "person=" + "９" * 300, "person=%00%ff", "case=../../etc", "actor=%E2%80%AE", "id=" + "x" * 100,
    "person=a&person=b", "before=&after=",
])
def test_bad_cursors_and_filters_never_give_a_500(app, history, supervisor, query):
    response = supervisor.get(f"/staff/audit?{query}")
    assert response.status_code in (200, 400)  # the newest page, or control characters refused
    if response.status_code == 200:
        assert "审计日志" in response.get_data(as_text=True)


def test_a_date_that_is_not_one_is_said_and_left_out(history, supervisor):
    page = supervisor.get("/staff/audit?start=2026-02-30").get_data(as_text=True)
    assert "有日期无法识别" in page and "共 15 条" in page


FILTERED = ["", "actor=rita", "person={id_number}", "case={case}", "id={person}",
            "start=2026-03-03&end=2026-03-04", "actor=rick&start=2026-03-03"]


def page_statements(app, client, query: str) -> list[tuple[str, object]]:
    with app.app_context(), captured(db.engine) as statements:
        assert client.get(f"/staff/audit?{query}").status_code == 200
    return statements


def queries(app, history) -> list[str]:
    with app.app_context():
        first = db.session.get(Visit, history["visits"]["a1"])
        values = {"id_number": history["id_number"], "case": first.case_id, "person": first.person_id}
    older = audit_log.Cursor(DAY1 + timedelta(days=2), 10**6)
    return [query.format(**values) for query in FILTERED] + [f"before={older}", f"actor=rita&before={older}"]


def test_every_statement_of_the_page_reads_the_log_through_an_index(app, history, supervisor):
    for query in queries(app, history):
        statements = page_statements(app, supervisor, query)
        with app.app_context(), db.engine.connect() as connection:
            for statement, parameters in statements:
                if "audit_log" not in statement:
                    continue
                plan = sqlite_plan(connection, statement, parameters)
                reads = [line for line in plan if re.search(r"\b(SCAN|SEARCH) audit_log\b", line)]
                # A SCAN walks an index in the page's order and stops at the LIMIT; never the table.
                assert reads and all("USING" in line and "INDEX" in line for line in reads), (query, plan)
                if "person_id IN" not in statement:  # one person's rows are sorted; nothing else is
                    assert not any("TEMP B-TREE" in line for line in plan), (query, plan)


def test_the_pages_statements_do_not_grow_with_the_log(app, history, supervisor):
    before = {query: len(page_statements(app, supervisor, query)) for query in queries(app, history)}
    more = take_tickets(app, 12, now=DAY1 + timedelta(days=1), start=200)
    with app.app_context():
        for index, visit_id in enumerate(more):
            serve(visit_id, by="rita", now=DAY1 + timedelta(days=1, minutes=20 + 5 * index))
        for person in db.session.scalars(select(Person)):  # and people with many rows each
            for index in range(20):
                audit.viewed("rick", "person", person.id, now=DAY1 + timedelta(days=2, seconds=index))
        db.session.commit()
        assert len(every_row()) > 20 * len(history["visits"]) * 5
    after = {query: len(page_statements(app, supervisor, query)) for query in queries(app, history)}
    assert after == before
