"""Finding at the desk: the case list paged by keyset with its filters in the URL, one search box,
a petitioner across halls, the same-matter link; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from central.extensions import db
from central.models import DeskAudit
from petition.clock import local_date, utcnow
from sync import protocol
from tests.support.central import push, register_kiosk
from tests.support.desk import add_desk_user, signed_in_desk

NOW = datetime(2026, 11, 23, 12, 0)
PASSWORD = "correct horse battery"
ID_NUMBER = "370102198001011237"  # a valid check digit
PHONE = "13912345678"


def uid(n: int, day: date) -> str:
    """A UUIDv7-like id that sorts by day, then by n."""
    return f"{(day - date(2020, 1, 1)).days:08x}-0000-7000-8000-{n:012x}"


def person_row(pid, kiosk, *, name="李建国", id_number=ID_NUMBER, phone=PHONE):
    return protocol.encode_row("person", {
        "id": pid, "kiosk_id": kiosk, "name": name, "gender": "男", "id_number": id_number,
        "phone": phone, "address": "济南市历下区泉城路1号", "is_deputy": False, "version": 1,
        "created_at": NOW, "updated_at": NOW}, 1)


def case_row(cid, kiosk, day, *, person=None, category="appeal", body="区教育局", joint=False, **window):
    return protocol.encode_row("case", {
        "id": cid, "kiosk_id": kiosk, "person_id": person, "category": category, "body_name": body,
        "matter": "反映小区路灯不亮", "request": "尽快修复", "registered_on": day, "urgent": False,
        "joint_supervision": joint, "version": 1, "created_at": NOW, "updated_at": NOW, **window}, 1)


def visit_row(vid, kiosk, day, *, person, case, code):
    return protocol.encode_row("visit", {
        "id": vid, "kiosk_id": kiosk, "service": "individual", "service_day": day, "ticket_seq": 1,
        "ticket_number": "A001", "query_code": code, "status": "done", "person_id": person,
        "case_id": case, "category": "appeal", "body_name": "区教育局", "group_size": 1,
        "representative_count": 0, "locale": "zh_Hans_CN", "window": 1, "called_at": NOW,
        "received_by": "rita", "version": 1, "created_at": NOW, "updated_at": NOW}, 1)


@pytest.fixture
def keys(central_app):
    return {kiosk: register_kiosk(central_app, kiosk, name)
            for kiosk, name in (("hall-a", "历下区接待室"), ("hall-b", "市中区接待室"), ("hall-c", "槐荫区接待室"))}


@pytest.fixture
def desk(central_app, keys):
    add_desk_user(central_app, password=PASSWORD)
    return signed_in_desk(central_app, password=PASSWORD)


def cases_on(page) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', page.get_data(as_text=True))


def link(page, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', page.get_data(as_text=True))
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_list_pages_newest_first_by_keyset_and_a_late_case_shifts_nothing(central_app, keys, desk):
    today = local_date(utcnow())
    api = central_app.test_client()
    days = [today - timedelta(days=n % 40) for n in range(120)]
    push(api, keys["hall-a"], [case_row(uid(n, day), "hall-a", day) for n, day in enumerate(days)],
         table="case", kiosk="hall-a")
    expected = [cid for cid, _day in sorted(((uid(n, d), d) for n, d in enumerate(days)),
                                           key=lambda item: (item[1], item[0]), reverse=True)]
    first = desk.get("/desk/")
    assert cases_on(first) == expected[:50] and link(first, "prev") is None
    second = desk.get(link(first, "next"))
    # A kiosk syncs late: a case of an old day arrives while someone reads page two.
    late_day = today - timedelta(days=39)
    push(api, keys["hall-a"], [case_row(uid(999, late_day), "hall-a", late_day)], table="case",
         kiosk="hall-a")
    assert cases_on(desk.get(link(first, "next"))) == cases_on(second) == expected[50:100]
    third = desk.get(link(second, "next"))
    assert sorted(cases_on(third)) == sorted([*expected[100:], uid(999, late_day)])
    assert link(third, "next") is None
    assert cases_on(desk.get(link(second, "prev"))) == expected[:50]
    assert desk.get("/desk/?after=garbage&before=2026-13-99~x").status_code == 200


def test_every_filter_is_in_the_url_and_narrows_the_list(central_app, keys, desk):
    today = local_date(utcnow())
    api = central_app.test_client()
    push(api, keys["hall-a"], [
        case_row("a-old", "hall-a", today - timedelta(days=30)),  # undecided for 30 days: overdue
        case_row("a-joint", "hall-a", today - timedelta(days=2), joint=True, category="suggestion"),
        case_row("a-accepted", "hall-a", today - timedelta(days=58), body="区民政局",
                 disposition="accepted", decided_on=today - timedelta(days=58)),  # due in 2 days
    ], table="case", kiosk="hall-a")
    push(api, keys["hall-b"], [case_row("b-closed", "hall-b", today - timedelta(days=5),
                                        disposition="answered", decided_on=today - timedelta(days=5),
                                        result="已答复", closed_on=today - timedelta(days=5))],
         table="case", kiosk="hall-b")
    assert sorted(cases_on(desk.get("/desk/?kiosk=hall-a"))) == ["a-accepted", "a-joint", "a-old"]
    assert cases_on(desk.get("/desk/?status=closed")) == ["b-closed"]
    assert sorted(cases_on(desk.get("/desk/?status=open"))) == ["a-accepted", "a-joint", "a-old"]
    assert cases_on(desk.get("/desk/?category=suggestion")) == ["a-joint"]
    assert cases_on(desk.get("/desk/?body=区民政局")) == ["a-accepted"]
    assert cases_on(desk.get("/desk/?due=overdue")) == ["a-old"]
    assert cases_on(desk.get("/desk/?due=due_soon")) == ["a-accepted"]
    assert cases_on(desk.get("/desk/?joint=1")) == ["a-joint"]
    window = f"since={today - timedelta(days=31)}&until={today - timedelta(days=3)}"
    assert sorted(cases_on(desk.get(f"/desk/?{window}"))) == ["a-old", "b-closed"]
    assert cases_on(desk.get(f"/desk/?{window}&kiosk=hall-b")) == ["b-closed"]
    page = desk.get(f"/desk/?{window}&kiosk=hall-b").get_data(as_text=True)
    assert 'value="hall-b" selected' in page and f'value="{today - timedelta(days=31)}"' in page
    assert "区民政局" in page  # the bodies to choose from


@pytest.fixture
def petitioner(central_app, keys):
    """One person (the same ID number) seen at three halls; another known by phone and name only."""
    api = central_app.test_client()
    today = local_date(utcnow())
    cases = []
    for n, kiosk in enumerate(("hall-a", "hall-b", "hall-c")):
        day = today - timedelta(days=30 - 10 * n)
        push(api, keys[kiosk], [person_row(f"p-{kiosk}", kiosk)], kiosk=kiosk)
        push(api, keys[kiosk], [case_row(f"c-{kiosk}", kiosk, day, person=f"p-{kiosk}")], table="case", kiosk=kiosk)
        push(api, keys[kiosk], [visit_row(f"v-{kiosk}", kiosk, day, person=f"p-{kiosk}", case=f"c-{kiosk}",
                                          code=f"ABCDE{n}2345")], table="visit", kiosk=kiosk)
        cases.append(f"c-{kiosk}")
    push(api, keys["hall-a"], [person_row("p-other", "hall-a", name="王小明", id_number=None, phone="13700001111"),
                               person_row("p-other-2", "hall-a", name="王小明", id_number=None,
                                          phone="13700001111")], kiosk="hall-a")
    push(api, keys["hall-a"], [case_row("c-other", "hall-a", today, person="p-other"),
                               case_row("c-other-2", "hall-a", today, person="p-other-2")],
         table="case", kiosk="hall-a")
    return cases


def search(desk, typed: str):
    return desk.post("/desk/search", data={"csrf_token": desk.csrf, "q": typed})


def test_one_box_finds_by_code_id_number_phone_and_part_of_a_name_and_shows_them_masked(
        central_app, desk, petitioner):
    for typed, expected in (("ABCDE12345", ["c-hall-b"]), ("abcde-12345", ["c-hall-b"]),
                            ("ABCDE-I2345", ["c-hall-b"]),  # I read as 1, as on the slip
                            (ID_NUMBER, sorted(petitioner)), ("139 1234 5678", sorted(petitioner)),
                            ("建国", sorted(petitioner)), ("小明", ["c-other", "c-other-2"])):
        answer = search(desk, typed)
        assert answer.status_code == 200
        assert sorted(cases_on(answer)) == expected, typed
        page = answer.get_data(as_text=True)
        assert ID_NUMBER not in page and PHONE not in page and "李建国" not in page
        assert "李*国" in page or "王*明" in page or "ABCDE" in typed.upper()
    assert "data-unreadable" in search(desk, "?").get_data(as_text=True)
    assert cases_on(search(desk, "%_")) == []
    assert search(desk, "x" * 500).status_code == 200
    with central_app.app_context():
        audit = db.session.execute(select(DeskAudit.action, DeskAudit.case_id, DeskAudit.detail)
                                   .where(DeskAudit.action == "search").order_by(DeskAudit.id)).all()
    assert len(audit) == 9 and all(case_id is None for _a, case_id, _d in audit)
    assert audit[3].detail.startswith(f"id_number: {ID_NUMBER} → 3 cases")
    refused = desk.post("/desk/search", data={"q": ID_NUMBER})  # no CSRF token
    assert refused.status_code == 400


def test_a_petitioner_seen_at_three_halls_is_one_page_and_every_case_is_flagged(
        central_app, desk, petitioner):
    listed = desk.get("/desk/").get_data(as_text=True)
    for cid in petitioner + ["c-other", "c-other-2"]:
        row = listed.split(f'data-case="{cid}"')[1].split("</tr>")[0]
        assert "data-repeat" in row, cid
    page = desk.get("/desk/petitioner/p-hall-b").get_data(as_text=True)
    assert ID_NUMBER in page and PHONE in page  # in full, for signed-in staff, audited
    assert re.findall(r'<tr data-visit="[^"]+" data-kiosk="([^"]+)"', page) == ["hall-a", "hall-b", "hall-c"]
    assert re.findall(r'<tr id="case-([^"]+)"', page) == petitioner
    other = desk.get("/desk/petitioner/p-other").get_data(as_text=True)
    assert 'data-petitioner-key="phone_name"' in other
    assert re.findall(r'<tr id="case-([^"]+)"', other) == ["c-other", "c-other-2"]
    assert desk.get("/desk/petitioner/nobody").status_code == 404
    with central_app.app_context():
        seen = db.session.scalars(select(DeskAudit.detail).where(DeskAudit.action == "petitioner")).all()
    assert seen[0].startswith("person=p-hall-b; 3 registrations, 3 cases at 3 halls")


def test_the_office_links_a_later_case_to_an_earlier_one_as_the_same_matter(central_app, desk, petitioner):
    from central.models import CaseChange, case

    later, earlier = petitioner[2], petitioner[0]
    answer = desk.post(f"/desk/petitioner/p-hall-a/case/{later}/same-matter",
                       data={"csrf_token": desk.csrf, "earlier": earlier})
    assert answer.status_code == 302
    page = desk.get(f"/desk/case/{later}").get_data(as_text=True)
    assert f'data-same-matter="{earlier}"' in page and "历下区接待室" in page
    # Only an earlier case of the same person; never the other way round.
    for case_id, chosen in ((earlier, later), (later, "c-other")):
        refused = desk.post(f"/desk/petitioner/p-hall-a/case/{case_id}/same-matter",
                            data={"csrf_token": desk.csrf, "earlier": chosen})
        assert refused.status_code == 302
    # Numbered for the hall's pull feed (the kiosk's side: tests/sync/test_agent.py).
    with central_app.app_context():
        changes = db.session.execute(select(CaseChange.case_id, CaseChange.kiosk_id)).all()
        row = db.session.execute(select(case).where(case.c.id == later)).first()
        audit = db.session.scalars(select(DeskAudit.detail).where(DeskAudit.action == "same_matter")).all()
    assert changes == [(later, "hall-c")]
    assert (row.same_matter_as, row.office_version) == (earlier, 1)
    assert row.same_matter_summary.startswith("历下区接待室 ")
    assert audit == [f"same_matter_as={earlier}"]
    desk.post(f"/desk/petitioner/p-hall-a/case/{later}/same-matter",
              data={"csrf_token": desk.csrf, "earlier": ""})
    assert "data-same-matter=\"" + earlier not in desk.get(f"/desk/case/{later}").get_data(as_text=True)
