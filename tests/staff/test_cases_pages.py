"""Deciding a case at the console, the due lists, figures, CSV export and the audit log page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from appkit.export import csv_text, safe_cell
from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import AuditEntry, Case, Visit
from petition.clock import local_date, utcnow
from tests.support.staff import take_tickets
from tests.support.touchscreen import csrf_token


def case_of(app, visit_id):
    with app.app_context():
        return db.session.get(Visit, visit_id).case_id


def decide(client, case_id, transition, **data):
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    return client.post(f"/staff/cases/{case_id}/{transition}", data={"csrf_token": csrf_token(page), **data})


def test_accepting_shows_the_reply_due_date(app, receptionist):
    case_id = case_of(app, take_tickets(app, 1)[0])
    response = decide(receptionist, case_id, "accept")
    page = receptionist.get(response.headers["Location"]).get_data(as_text=True)
    due = local_date(utcnow()) + timedelta(days=60)
    assert "已保存" in page and "答复期限" in page and due.isoformat() in page


def test_an_illegal_step_is_a_message_not_an_error(app, receptionist):
    case_id = case_of(app, take_tickets(app, 1)[0])
    decide(receptionist, case_id, "accept")
    response = decide(receptionist, case_id, "forward", **{"forward-body": "教育局"})
    assert response.status_code == 302
    page = receptionist.get(response.headers["Location"]).get_data(as_text=True)
    assert "该事项当前不能进行这一步" in page
    with app.app_context():
        assert db.session.get(Case, case_id).status == "accepted"


def test_not_accepting_needs_the_reason_and_the_channel(app, receptionist):
    case_id = case_of(app, take_tickets(app, 1)[0])
    response = decide(receptionist, case_id, "not_accept", **{"not_accept-reason": "属司法程序"})
    assert response.status_code == 422 and "请更正标出的内容" in response.get_data(as_text=True)
    decide(receptionist, case_id, "not_accept", **{"not_accept-reason": "属司法程序",
                                                   "not_accept-channel": "向人民法院申请再审"})
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "not_accepted" and case.proper_channel == "向人民法院申请再审"


def test_an_unknown_transition_is_a_404(app, receptionist):
    case_id = case_of(app, take_tickets(app, 1)[0])
    assert decide(receptionist, case_id, "explode").status_code == 404


def test_due_soon_and_overdue_lists(app, receptionist):
    today = local_date(utcnow())
    soon, late, fine = (case_of(app, v) for v in take_tickets(app, 3))
    with app.app_context():
        for case_id, days in ((soon, 13), (late, 16)):  # due in 2 days; due yesterday
            case = db.session.get(Case, case_id)
            case.registered_on = today - timedelta(days=days)
            states.refresh(case)
        db.session.commit()
    due_soon = receptionist.get("/staff/cases?show=due_soon").get_data(as_text=True)
    overdue = receptionist.get("/staff/cases?show=overdue").get_data(as_text=True)
    assert f"/staff/cases/{soon}" in due_soon and f"/staff/cases/{late}" not in due_soon
    assert f"/staff/cases/{late}" in overdue and f"/staff/cases/{soon}" not in overdue
    assert f"/staff/cases/{fine}" not in due_soon + overdue


def test_figures_count_people_dispositions_and_rates(app, supervisor):
    take_tickets(app, 2)
    [group] = take_tickets(app, 1, service="group", start=10)
    with app.app_context():
        db.session.get(Visit, group).group_size = 15
        db.session.commit()
    first = case_of(app, take_tickets(app, 1, start=20)[0])
    decide(supervisor, first, "answer", **{"answer-result": "当场解释", "answer-satisfaction": "satisfied"})
    page = supervisor.get("/staff/figures").get_data(as_text=True)
    assert "<b>4</b><span>来访" in page.replace("\n", "").replace("  ", "")  # visits
    assert "<b>18</b>" in page                                              # 3 people + a group of 15
    assert "25.0%" in page and "100.0%" in page                             # 1 of 4 closed, on time
    assert "当场答复" in page and "满意" in page


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped():
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(v) for v in ("+1", "-2", "@SUM(A1)", "正常", 5, None)] == \
        ["'+1", "'-2", "'@SUM(A1)", "正常", "5", ""]
    rows = list(csv.reader(io.StringIO(csv_text([["a", "=1+1"]]).lstrip("\ufeff"))))
    assert rows == [["a", "'=1+1"]]


def test_the_csv_export_masks_names_and_escapes_formulas(app, supervisor):
    [visit_id] = take_tickets(app, 1, name="张三丰")
    with app.app_context():
        db.session.get(Visit, visit_id).case.matter = "=cmd|' /C calc'!A0"
        db.session.commit()
    response = supervisor.get("/staff/figures.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert "张*丰" in text and "张三丰" not in text
    assert "'=cmd" in text


def test_the_audit_log_page_lists_changes_for_supervisors(app, supervisor):
    case_id = case_of(app, take_tickets(app, 1)[0])
    decide(supervisor, case_id, "accept")
    page = supervisor.get(f"/staff/audit?id={case_id}").get_data(as_text=True)
    assert "accepted" in page and "sam" in page and "disposition" in page
    with app.app_context():
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == case_id,
                                                           AuditEntry.action == "view")).first()
    assert supervisor.get("/staff/audit?page=abc").status_code == 200


def test_the_admin_adds_an_account_on_the_accounts_page(app, staff):
    from tests.support.staff import sign_in

    admin = app.test_client()
    sign_in(admin, "ada")
    page = admin.get("/staff/admin/users").get_data(as_text=True)
    response = admin.post("/staff/admin/users", data={"csrf_token": csrf_token(page), "username": "nina",
                                                      "role": "receptionist", "password": "a long password",
                                                      "confirm": "a long password"})
    assert response.status_code == 302
    assert "nina" in admin.get("/staff/admin/users").get_data(as_text=True)
    fresh = app.test_client()
    assert sign_in(fresh, "nina", "a long password").status_code == 302

