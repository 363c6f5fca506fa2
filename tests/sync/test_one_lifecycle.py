"""One case lifecycle through both apps: the window decides at the kiosk, the office handles,
and after a sync both show the same status and due dates, review and re-examination included."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from central import cases as office
from central.desk.listing import Filters, page
from central.extensions import db as central_db
from central.models import case as office_case
from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import Case, Visit
from kiosk.sync_agent import agent
from petition.clock import local_date, utcnow
from tests.support.central import make_visits
from tests.support.desk import add_desk_user, signed_in_desk
from tests.support.touchscreen import csrf_token

KIOSK = "kiosk-test"


def shanghai(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=8))) \
        .astimezone(timezone.utc)


def naive(day: date) -> datetime:
    return shanghai(day).replace(tzinfo=None)


@pytest.fixture
def sync(app, central_server, kiosk_key):
    client = agent.Client(central_server.url, KIOSK, kiosk_key, timeout=10)
    return lambda: agent.run_once(app, client)


def stages(app, central_app) -> tuple[dict, dict]:
    with app.app_context():
        here = {r.id: (r.status, r.due_on) for r in db.session.execute(
            select(Case.id, Case.status, Case.due_on))}
    with central_app.app_context():
        there = {r.id: (r.status, r.due_on) for r in central_db.session.execute(
            select(office_case.c.id, office_case.c.status, office_case.c.due_on))}
        central_db.session.remove()
    return here, there


def kiosk_cases(app) -> list[Case]:
    return list(db.session.scalars(select(Case).order_by(Case.created_at, Case.id)))


def test_every_case_has_the_same_status_and_due_date_at_the_kiosk_and_the_office(
        app, central_app, sync):
    make_visits(app, 7, group_every=0)
    day = date(2026, 1, 20)
    with app.app_context():
        waiting, accepted, extended, assigned, forwarded, refused, answered = kiosk_cases(app)
        states.accept(accepted, by="rita", now=shanghai(day))
        states.accept(extended, by="rita", now=shanghai(day))
        states.extend(extended, by="rita", now=shanghai(day + timedelta(days=50)), days=25, reason="调查")
        states.assign(assigned, by="rita", now=shanghai(day), to="公安局", due_on=day + timedelta(days=40))
        states.forward(forwarded, by="rita", now=shanghai(day), body="教育局")
        states.not_accept(refused, by="rita", now=shanghai(day), reason="诉讼中", channel="法院")
        states.answer(answered, by="rita", now=shanghai(day), result="已解释")
        db.session.commit()
        ids = [c.id for c in (accepted, extended, assigned, forwarded)]
    sync()
    here, there = stages(app, central_app)
    assert here == there and len(here) == 7
    assert here[ids[1]][1] == day + timedelta(days=60 + 25)
    # The office replies to three and concludes one; the kiosk learns it at its next sync.
    with central_app.app_context():
        for case_id in ids[:3]:
            office.step(case_id, "reply", by="li", text="已答复", now=naive(day + timedelta(days=30)))
        office.step(ids[0], "conclude", by="li", now=naive(day + timedelta(days=31)))
    assert sync().pulled == 4
    here, there = stages(app, central_app)
    assert here == there
    assert [here[i][0] for i in ids] == ["closed", "replied", "replied", "forwarded"]


def test_a_case_answered_at_the_window_is_never_due_at_the_office(app, central_app, sync):
    make_visits(app, 1, group_every=0)
    with app.app_context():
        [case] = kiosk_cases(app)
        states.answer(case, by="rita", now=shanghai(date(2026, 1, 20)), result="当场答复")
        db.session.commit()
        case_id = case.id
    sync()
    with central_app.app_context():
        row = central_db.session.execute(select(office_case).where(office_case.c.id == case_id)).one()
        assert (row.status, row.due_on) == ("closed", None)
        for later in (date(2026, 2, 5), date(2026, 6, 1)):  # past every limit it could have had
            for due in ("overdue", "due_soon"):
                assert case_id not in [r.id for r in page(Filters(due=due), later).rows]
        central_db.session.remove()


def desk_client(central_app):
    add_desk_user(central_app)
    return signed_in_desk(central_app)


def progress_at_the_kiosk(app, code: str) -> str:
    client = app.test_client()
    token = csrf_token(client.get("/progress").get_data(as_text=True))
    return client.post("/progress", data={"csrf_token": token, "code": code}).get_data(as_text=True)


def test_review_and_re_examination_have_their_limits_and_show_at_the_desk_and_the_kiosk(
        app, central_app, sync):
    make_visits(app, 1, group_every=0)
    today = local_date(utcnow())  # the office's and the kiosk's day: Asia/Shanghai
    with app.app_context():
        [case] = kiosk_cases(app)
        states.accept(case, by="rita", now=shanghai(today - timedelta(days=40)))
        db.session.commit()
        case_id = case.id
        code = db.session.scalar(select(Visit.query_code).where(Visit.case_id == case_id))
    sync()
    desk = desk_client(central_app)

    def step(name, **fields):
        data = {"csrf_token": desk.csrf, **{f"{name}-{k}": v for k, v in fields.items()}}
        return desk.post(f"/desk/case/{case_id}/{name}", data=data)

    with central_app.app_context():  # the reply was sent 31 days ago
        office.step(case_id, "reply", by="li", text="经核实已处理", now=naive(today - timedelta(days=31)))
    refused = step("request_review")
    assert refused.status_code == 302
    page = desk.get(f"/desk/case/{case_id}").get_data(as_text=True)
    assert "复查应自收到书面答复之日起30日内提出" in page and 'data-status="replied"' in page
    # A request that reached the office on day 30 is on time.
    assert step("request_review", requested_on=(today - timedelta(days=1)).isoformat()).status_code == 302
    page = desk.get(f"/desk/case/{case_id}").get_data(as_text=True)
    due = today - timedelta(days=1) + timedelta(days=30)
    assert 'data-status="review_requested"' in page and f'data-due="{due.isoformat()}"' in page
    sync()
    shown = progress_at_the_kiosk(app, code)
    assert "已申请复查，办理中" in shown and due.isoformat() in shown
    assert step("decide_review", result="维持原处理意见").status_code == 302
    assert step("request_reexam").status_code == 302
    page = desk.get(f"/desk/case/{case_id}").get_data(as_text=True)
    assert 'data-status="reexam_requested"' in page
    assert f'data-due="{(today + timedelta(days=30)).isoformat()}"' in page
    assert step("decide_reexam", result="维持复查意见").status_code == 302
    sync()
    shown = progress_at_the_kiosk(app, code)
    assert "已复核，事项终结" in shown and "复核日期" in shown and "复查日期" in shown
    assert re.search(r"下一步办理期限", shown) is None  # nothing is due any more
    here, there = stages(app, central_app)
    assert here == there
