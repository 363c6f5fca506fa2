"""Staff accounts: sign-in, the lock after failed attempts, idle sign-out, roles, CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import SignInFailure, StaffUser
from tests.support.staff import PASSWORD, post_form, sign_in, take_tickets
from tests.support.touchscreen import csrf_token

STAFF_GETS = ["/staff/", "/staff/queue/panel", "/staff/cases", "/staff/cases?show=overdue",
              "/staff/figures", "/staff/figures.csv", "/staff/audit", "/staff/admin/users",
              "/staff/visits/{visit}", "/staff/cases/{case}", "/staff/visits/{visit}/receipt.pdf",
              "/staff/cases/{case}/notice.pdf", "/staff/register.pdf", "/staff/figures/monthly.pdf",
              "/staff/print-jobs"]
STAFF_POSTS = ["/staff/window", "/staff/call-next", "/staff/call", "/staff/recall", "/staff/no-show",
               "/staff/finish", "/staff/transfer", "/staff/visits/{visit}", "/staff/sync",
               "/staff/visits/{visit}/link-case", "/staff/cases/{case}/accept", "/staff/print-jobs/reprint"]


@pytest.fixture
def ids(app):
    [visit_id] = take_tickets(app, 1)
    with app.app_context():
        from kiosk.models import Visit
        return {"visit": visit_id, "case": db.session.get(Visit, visit_id).case_id}


def test_every_staff_url_without_sign_in_goes_to_the_sign_in_page(client, ids):
    for url in STAFF_GETS:
        response = client.get(url.format(**ids))
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/sign-in"), url
    # A form posted without a session is refused by its CSRF check, calmly.
    for url in STAFF_POSTS:
        response = client.post(url.format(**ids), data={})
        assert response.status_code in (302, 400), url
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/staff/sign-in"), url


def test_the_list_above_is_every_staff_url_the_app_has(app, ids):
    """So a new staff page cannot be added without the sign-in check above covering it."""
    listed = {url.split("?")[0] for url in STAFF_GETS + STAFF_POSTS}
    names = {"visit_id": "{visit}", "case_id": "{case}", "transition": "accept"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or rule.endpoint.startswith("auth."):
            continue
        path = rule.rule
        for argument in rule.arguments - set(rule.defaults or {}):
            path = path.replace(f"<{argument}>", names[argument])
        assert path in listed, path


def test_sign_in_with_the_right_password_opens_the_console(client, staff):
    response = sign_in(client, "rita")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = client.get("/staff/").get_data(as_text=True)
    assert "rita" in page and "叫号" in page
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, staff):
    for name in ("rita", "nobody"):
        page = sign_in(client, name, "wrong password!").get_data(as_text=True)
        assert "用户名或密码不正确" in page
    assert client.get("/staff/").status_code == 302


def test_five_failures_lock_the_account_from_that_address_only(app, staff):
    client = app.test_client()
    for _ in range(5):
        sign_in(client, "rita", "wrong password!")
    page = sign_in(client, "rita").get_data(as_text=True)  # the right password, too late
    assert "已锁定" in page
    assert client.get("/staff/").status_code == 302
    # The count is in the database, so a restart does not clear it...
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(SignInFailure)) == 5
    # ...and another computer can still sign in.
    other = app.test_client()
    page = other.get("/staff/sign-in").get_data(as_text=True)
    response = other.post("/staff/sign-in", data={"csrf_token": csrf_token(page), "username": "rita",
                                                  "password": PASSWORD},
                          environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302


def test_the_lock_ends_after_fifteen_minutes(app, staff):
    from datetime import timedelta

    from kiosk.auth.operations import SignInRefused, authenticate
    from petition.clock import utcnow

    now = utcnow()
    with app.app_context():
        for _ in range(5):
            with pytest.raises(SignInRefused):
                authenticate("rita", "nope", address="10.0.0.1", now=now)
        with pytest.raises(SignInRefused) as refused:
            authenticate("rita", PASSWORD, address="10.0.0.1", now=now + timedelta(minutes=14))
        assert refused.value.locked
        user = authenticate("rita", PASSWORD, address="10.0.0.1", now=now + timedelta(minutes=16))
        assert user.username == "rita"


def test_an_idle_console_is_signed_out_after_fifteen_minutes(receptionist):
    assert receptionist.get("/staff/").status_code == 200
    with receptionist.session_transaction() as session:
        session["staff_seen"] -= 15 * 60 + 1
    response = receptionist.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in")
    assert "一段时间未操作" in receptionist.get("/staff/sign-in").get_data(as_text=True)


def test_the_background_refresh_does_not_keep_an_idle_console_signed_in(receptionist):
    with receptionist.session_transaction() as session:
        session["staff_seen"] -= 14 * 60
        seen = session["staff_seen"]
    assert receptionist.get("/staff/queue/panel").status_code == 200
    with receptionist.session_transaction() as session:
        assert session["staff_seen"] == seen


def test_a_receptionist_cannot_reach_supervisor_or_admin_pages(receptionist):
    for url in ("/staff/figures", "/staff/figures.csv", "/staff/audit", "/staff/admin/users"):
        response = receptionist.get(url)
        assert response.status_code == 403, url
        assert "无权" in response.get_data(as_text=True)


def test_a_supervisor_reaches_figures_but_not_accounts(supervisor):
    assert supervisor.get("/staff/figures").status_code == 200
    assert supervisor.get("/staff/audit").status_code == 200
    assert supervisor.get("/staff/admin/users").status_code == 403


def test_a_form_without_its_csrf_token_is_refused_calmly(receptionist, ids):
    for url in STAFF_POSTS:
        response = receptionist.post(url.format(**ids), data={"visit_id": ids["visit"]})
        assert response.status_code == 400, url
        assert "页面已过期" in response.get_data(as_text=True)


def test_sign_out_ends_the_session(receptionist):
    response = post_form(receptionist, "/staff/", "/staff/sign-out", {})
    assert response.status_code == 302
    assert receptionist.get("/staff/").status_code == 302


def test_the_cli_adds_a_user_asking_for_the_password_twice(app, runner):
    result = runner.invoke(args=["user", "add", "lena", "--role", "supervisor"],
                           input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    assert "a long password" not in result.output  # hidden input is not echoed
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.username == "lena")).one()
        assert user.role == "supervisor" and user.password_hash.startswith("$argon2")
    mismatch = runner.invoke(args=["user", "add", "otto"], input="a long password\nanother one!!\n"
                             "a long password\na long password\n")
    assert mismatch.exit_code == 0 and "match" in mismatch.output.lower()


def test_the_cli_refuses_a_short_password_and_an_unknown_role(runner):
    assert runner.invoke(args=["user", "add", "kim"], input="short\nshort\n").exit_code != 0
    assert runner.invoke(args=["user", "add", "kim", "--role", "boss"], input="x\n").exit_code != 0


JUNK = ["", "x" * 5000, "-1", "9999999999999999999999", "<script>", "2026-02-30", "\u0000", "None"]


def test_no_form_input_makes_a_server_error(app, staff, ids):
    from tests.support.staff import sign_in

    client = app.test_client()
    sign_in(client, "ada")
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    fields = ["visit_id", "case_id", "window", "service", "to_window", "to_service", "name", "id_number",
              "phone", "group_size", "materials-0-count", "representatives-0-id_number",
              "forward-body", "assign-due_on", "assign-body", "extend-days", "extend-reason",
              "answer-result", "answer-satisfaction", "close-satisfaction", "username", "role"]
    posts = STAFF_POSTS + [f"/staff/cases/{{case}}/{step}" for step in
                           ("answer", "forward", "assign", "not_accept", "extend", "close")] + ["/staff/admin/users"]
    for junk in JUNK:
        for url in posts:
            response = client.post(url.format(**ids), data={"csrf_token": token, **{f: junk for f in fields}})
            assert response.status_code < 500, (url, junk)
        for url in ("/staff/cases?show=", "/staff/audit?page=", "/staff/audit?id=", "/staff/register.pdf?day="):
            assert client.get(url + junk).status_code < 500, (url, junk)
