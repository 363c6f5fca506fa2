"""The central case desk: signed-in staff see every kiosk's cases, make the office's steps, all audited."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from central.extensions import db
from central.models import DeskAudit
from petition.clock import local_date, utcnow
from sync import protocol
from tests.support.central import KIOSK, push, register_kiosk
from tests.support.desk import add_desk_user, signed_in_desk

NOW = datetime(2026, 11, 23, 12, 0)
PASSWORD = "correct horse battery"


def a_case(cid: str, registered: date, *, kiosk: str = KIOSK, joint: bool = False,
           category: str = "suggestion", version: int = 1, **window) -> dict:
    return protocol.encode_row("case", {
        "id": cid, "kiosk_id": kiosk, "person_id": f"p-{cid}", "category": category,
        "body_name": "区住建局", "matter": "小区路灯不亮", "request": "尽快修复",
        "registered_on": registered, "urgent": False, "joint_supervision": joint, "version": version,
        "created_at": NOW, "updated_at": NOW, **window}, version)


def a_person(pid: str, kiosk: str = KIOSK) -> dict:
    return protocol.encode_row("person", {
        "id": pid, "kiosk_id": kiosk, "name": "王小明", "gender": None, "id_number": "370102198001011234",
        "phone": "13812345678", "address": None, "is_deputy": False, "version": 1,
        "created_at": NOW, "updated_at": NOW}, 1)


@pytest.fixture
def desk(central_app):
    """Two kiosks' cases at the central office and a signed-in desk client."""
    today = local_date(utcnow())
    keys = {KIOSK: register_kiosk(central_app, KIOSK, "历下区接待室"),
            "kiosk-two": register_kiosk(central_app, "kiosk-two", "市中区接待室")}
    api = central_app.test_client()
    push(api, keys[KIOSK], [a_case("old", today - timedelta(days=20)),
                            a_case("fresh", today, joint=True)], table="case")
    push(api, keys[KIOSK], [a_person("p-old")])
    push(api, keys["kiosk-two"], [a_case("two", today - timedelta(days=3), kiosk="kiosk-two",
                                         category="appeal")], table="case", kiosk="kiosk-two")
    add_desk_user(central_app, password=PASSWORD)
    return signed_in_desk(central_app, password=PASSWORD)


def cases_on(page) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', page.get_data(as_text=True))


def test_the_desk_needs_a_sign_in_and_refuses_a_wrong_password(central_app):
    client = central_app.test_client()
    assert client.get("/desk/").status_code == 302
    central_app.test_cli_runner().invoke(args=["staff", "add", "li", "--name", "李", "--password", PASSWORD])
    page = client.get("/desk/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for username, password in (("li", "wrong password"), ("nobody", PASSWORD)):
        answer = client.post("/desk/login", data={"csrf_token": token, "username": username,
                                                  "password": password})
        assert answer.status_code == 401
        assert "用户名或密码不正确" in answer.get_data(as_text=True)
    assert client.get("/desk/").status_code == 302


def test_every_kiosks_cases_with_filters_overdue_and_joint_lists(desk):
    assert sorted(cases_on(desk.get("/desk/"))) == ["fresh", "old", "two"]
    assert cases_on(desk.get("/desk/?kiosk=kiosk-two")) == ["two"]
    assert cases_on(desk.get("/desk/?category=appeal")) == ["two"]
    assert cases_on(desk.get("/desk/?due=overdue")) == ["old"]  # 20 days without a decision
    assert cases_on(desk.get("/desk/?joint=1")) == ["fresh"]
    assert sorted(cases_on(desk.get("/desk/?status=registered"))) == ["fresh", "old", "two"]
    assert sorted(cases_on(desk.get("/desk/?status=open"))) == ["fresh", "old", "two"]
    assert cases_on(desk.get("/desk/?status=nonsense&due=nonsense")) != []


def test_a_case_shows_the_petitioner_in_full_and_the_look_is_audited(central_app, desk):
    page = desk.get("/desk/case/old").get_data(as_text=True)
    assert "王小明" in page and "13812345678" in page and "小区路灯不亮" in page
    with central_app.app_context():
        audit = db.session.execute(select(DeskAudit.actor, DeskAudit.action, DeskAudit.case_id)
                                   .where(DeskAudit.case_id.is_not(None))).all()
    assert audit == [("li", "view", "old")]
    assert desk.get("/desk/case/no-such-case").status_code == 404


def test_the_offices_reply_reaches_the_change_feed_and_the_audit(central_app, desk):
    today = local_date(utcnow())
    api = central_app.test_client()
    key = register_kiosk(central_app, KIOSK, "历下区接待室")
    # The window decides first: the office replies only to a decided case.
    assert 'data-step="reply"' not in desk.get("/desk/case/old").get_data(as_text=True)
    refused = desk.post("/desk/case/old/reply", data={"csrf_token": desk.csrf, "reply-text": "答复"})
    assert refused.status_code == 302
    assert "该事项当前不能进行这一步" in desk.get("/desk/case/old").get_data(as_text=True)
    push(api, key, [a_case("old", today - timedelta(days=20), version=2, disposition="accepted",
                           decided_on=today - timedelta(days=19))], table="case")
    answer = desk.post("/desk/case/old/reply", data={"csrf_token": desk.csrf,
                                                     "reply-text": "已转区住建局办理，路灯已修复。"})
    assert answer.status_code == 302
    page = desk.get("/desk/case/old").get_data(as_text=True)
    assert "已保存" in page and 'data-status="replied"' in page and 'data-due=""' in page
    assert cases_on(desk.get("/desk/?due=overdue")) == []
    assert cases_on(desk.get("/desk/?status=replied")) == ["old"]
    with central_app.app_context():
        from central.feed import changes_after
        feed = changes_after(KIOSK, None, 10, now=NOW)["changes"]
        actions = db.session.scalars(select(DeskAudit.action).where(DeskAudit.case_id == "old")
                                     .order_by(DeskAudit.id)).all()
    assert [(c["case_id"], c["replied_on"], c["reply_text"]) for c in feed] == [
        ("old", today.isoformat(), "已转区住建局办理，路灯已修复。")]
    assert actions == ["view", "view", "reply", "view"]
    refused = desk.post("/desk/case/old/conclude", data={})  # no CSRF token
    assert refused.status_code == 400


def test_the_kiosks_page_shows_last_sync_records_and_last_error(central_app, desk):
    page = desk.get("/desk/kiosks").get_data(as_text=True)
    assert "历下区接待室" in page and "市中区接待室" in page
    row = page.split('data-kiosk="kiosk-test"')[1].split("</tr>")[0]
    assert "<td>3</td>" in row and "UTC" in row


def test_five_failed_sign_ins_lock_the_desk_account_from_that_address(central_app):
    central_app.test_cli_runner().invoke(args=["staff", "add", "li", "--name", "李", "--password", PASSWORD])
    client = central_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/desk/login").get_data(as_text=True)).group(1)

    def attempt(password, address="10.0.0.7"):
        return client.post("/desk/login", data={"csrf_token": token, "username": "li",
                                                "password": password},
                           environ_base={"REMOTE_ADDR": address})

    for _ in range(5):
        assert attempt("wrong password").status_code == 401
    locked = attempt(PASSWORD)
    assert locked.status_code == 401 and "锁定" in locked.get_data(as_text=True)
    assert attempt(PASSWORD, address="10.0.0.8").status_code == 302  # another address is not locked


def test_an_idle_desk_is_signed_out(desk, central_app):
    assert desk.get("/desk/").status_code == 200
    with desk.session_transaction() as session:
        session["desk_seen"] -= (central_app.config["CENTRAL_STAFF_IDLE_MINUTES"] * 60 + 1)
    response = desk.get("/desk/")
    assert response.status_code == 302 and "/desk/login" in response.headers["Location"]
    assert "一段时间未操作" in desk.get(response.headers["Location"]).get_data(as_text=True)
    assert desk.get("/desk/").status_code == 302


def test_a_disabled_desk_user_is_signed_out_at_once(desk, central_app):
    assert desk.get("/desk/").status_code == 200
    central_app.test_cli_runner().invoke(args=["staff", "disable", "li"])
    assert desk.get("/desk/").status_code == 302


def test_the_one_extension_moves_the_desks_due_date(desk, central_app):
    from central.desk.listing import Filters, page
    from central.models import case

    today = local_date(utcnow())
    api = central_app.test_client()
    key = register_kiosk(central_app, KIOSK, "历下区接待室")
    accepted = today - timedelta(days=70)
    push(api, key, [a_case("old", accepted, version=2, disposition="accepted", decided_on=accepted)],
         table="case")
    with central_app.app_context():
        assert "old" in [row.id for row in page(Filters(due="overdue"), today).rows]
    push(api, key, [a_case("old", accepted, version=3, disposition="accepted", decided_on=accepted,
                           extension_days=30, extension_reason="需调查")], table="case")
    with central_app.app_context():
        overdue = [row.id for row in page(Filters(due="overdue"), today).rows]
        soon = [row.id for row in page(Filters(due="due_soon"), today).rows]
        row = db.session.execute(case.select().where(case.c.id == "old")).first()
    assert "old" not in overdue and "old" not in soon
    assert row.due_on == today + timedelta(days=20)
