"""Desk roles: a viewer sees figures and lists, a handler cases and supervision, an admin accounts
and kiosks; existing desk users become handlers; every account change is audited."""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import upgrade as alembic_upgrade
from sqlalchemy import select, text

from central.extensions import db
from central.models import DeskAudit, StaffUser
from tests.support.central import register_kiosk
from tests.support.office import case_record, desk_client, push_all

ASSIGNED = {"disposition": "assigned", "decided_on": date(2026, 11, 2), "assigned_to": "区住建局",
            "assigned_due_on": date(2026, 11, 20)}


@pytest.fixture
def a_case(central_app):
    key = register_kiosk(central_app, "hall-1", "第一接待大厅")
    push_all(central_app, key, "hall-1", "case", [case_record("c1", "hall-1", date(2026, 11, 1), **ASSIGNED)])
    return "c1"


def test_a_viewer_sees_figures_and_lists_but_no_case_and_changes_nothing(central_app, a_case):
    viewer = desk_client(central_app, "vera", "viewer")
    assert viewer.get("/desk/").status_code == 200
    assert viewer.get("/desk/figures").status_code == 200
    assert viewer.get("/desk/supervision").status_code == 200
    refused = viewer.get("/desk/case/c1")
    assert refused.status_code == 403 and "您的角色不能打开此页" in refused.get_data(as_text=True)
    assert viewer.get("/desk/case/c1/supervision").status_code == 403
    assert viewer.post("/desk/case/c1/reply", data={"csrf_token": viewer.csrf,
                                                    "reply-text": "答复"}).status_code == 403
    assert viewer.get("/desk/kiosks").status_code == 403
    assert viewer.get("/desk/admin/accounts").status_code == 403
    nav = viewer.get("/desk/").get_data(as_text=True).split("</nav>")[0]
    assert "统计分析" in nav and "账户" not in nav and "接待终端" not in nav
    with central_app.app_context():
        assert db.session.scalars(select(DeskAudit.action).where(DeskAudit.case_id == "c1")).all() == []


def test_a_handler_works_cases_and_supervision_but_not_accounts(central_app, a_case):
    handler = desk_client(central_app, "li", "handler")
    assert handler.get("/desk/case/c1").status_code == 200
    assert handler.get("/desk/case/c1/supervision").status_code == 200
    assert handler.get("/desk/kiosks").status_code == 200
    assert handler.get("/desk/admin/accounts").status_code == 403
    assert handler.post("/desk/admin/kiosks", data={"csrf_token": handler.csrf, "kiosk_id": "x",
                                                    "name": "x"}).status_code == 403


def test_an_admin_manages_accounts_and_kiosks_audited_but_reads_no_case(central_app, a_case):
    admin = desk_client(central_app, "ada", "admin")
    assert admin.get("/desk/case/c1").status_code == 403
    page = admin.get("/desk/admin/accounts").get_data(as_text=True)
    assert 'data-account="ada"' in page
    made = admin.post("/desk/admin/accounts", data={
        "csrf_token": admin.csrf, "username": "vera", "display_name": "韦拉", "role": "viewer",
        "password": "a long enough password"})
    assert made.status_code == 302
    assert admin.post("/desk/admin/accounts", data={
        "csrf_token": admin.csrf, "username": "short", "display_name": "x", "role": "viewer",
        "password": "short"}).status_code == 422
    assert admin.post("/desk/admin/accounts/vera/role", data={"csrf_token": admin.csrf,
                                                              "role": "handler"}).status_code == 302
    # The last active admin can be neither demoted nor disabled.
    admin.post("/desk/admin/accounts/ada/role", data={"csrf_token": admin.csrf, "role": "viewer"})
    admin.post("/desk/admin/accounts/ada/disable", data={"csrf_token": admin.csrf})
    page = admin.get("/desk/admin/accounts").get_data(as_text=True)
    assert 'data-account="ada" data-role="admin" data-active="yes"' in page
    assert 'data-account="vera" data-role="handler" data-active="yes"' in page
    assert admin.post("/desk/admin/accounts/vera/disable", data={"csrf_token": admin.csrf}).status_code == 302

    issued = admin.post("/desk/admin/kiosks", data={"csrf_token": admin.csrf, "kiosk_id": "hall-9",
                                                    "name": "第九接待大厅"})
    assert issued.status_code == 200 and "KIOSK_SYNC_KEY=" in issued.get_data(as_text=True)
    assert "KIOSK_SYNC_KEY" not in admin.get("/desk/kiosks").get_data(as_text=True)
    assert admin.post("/desk/admin/kiosks/hall-9/revoke", data={"csrf_token": admin.csrf}).status_code == 302
    assert "已吊销" in admin.get("/desk/kiosks").get_data(as_text=True).split('data-kiosk="hall-9"')[1]
    with central_app.app_context():
        lines = db.session.execute(select(DeskAudit.actor, DeskAudit.action, DeskAudit.detail)
                                   .where(DeskAudit.actor == "ada").order_by(DeskAudit.id)).all()
        assert not db.session.scalar(select(StaffUser.active).where(StaffUser.username == "vera"))
    assert [(action, detail) for _actor, action, detail in lines] == [
        ("account", "vera: viewer, active, password set"), ("account", "vera: handler"),
        ("account", "vera: disabled"), ("kiosk", "hall-9: credential issued"), ("kiosk", "hall-9: revoked")]


def test_the_cli_gives_roles(central_app):
    runner = central_app.test_cli_runner()
    made = runner.invoke(args=["staff", "add", "vera", "--name", "韦拉", "--role", "viewer",
                               "--password", "a long enough password"])
    assert made.exit_code == 0 and "(viewer)" in made.output
    assert runner.invoke(args=["staff", "role", "vera", "admin"]).exit_code == 0
    assert runner.invoke(args=["staff", "role", "nobody", "admin"]).exit_code != 0
    assert runner.invoke(args=["staff", "role", "vera", "king"]).exit_code != 0
    with central_app.app_context():
        assert db.session.scalar(select(StaffUser.role).where(StaffUser.username == "vera")) == "admin"


def test_existing_desk_users_become_handlers(central_database, tmp_path):
    from central import create_app
    from central.extensions import migrate

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"),
                      "SQLALCHEMY_DATABASE_URI": central_database, "CENTRAL_SECRET_KEY": "k"})
    with app.app_context():
        alembic_upgrade(directory=migrate.directory, revision="0005_case_lifecycle")
        db.session.execute(text("INSERT INTO staff_user (username, display_name, password_hash, active, "
                                "created_at) VALUES ('li', '李', 'x', TRUE, '2026-01-01 00:00:00')"))
        db.session.commit()
        alembic_upgrade(directory=migrate.directory)
        assert db.session.execute(select(StaffUser.username, StaffUser.role)).all() == [("li", "handler")]
        db.session.remove()
        db.engine.dispose()


def test_every_desk_page_but_signing_in_sends_a_stranger_to_sign_in(central_app, a_case):
    client = central_app.test_client()
    rules = [rule for rule in central_app.url_map.iter_rules()
             if rule.endpoint.startswith("desk.") and rule.endpoint not in ("desk.login", "desk.static")]
    assert len(rules) > 15
    for rule in rules:
        numbers = {name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter"}
        path = rule.build({name: 1 if name in numbers else a_case if name.endswith("_id") else "x"
                           for name in rule.arguments})[1]
        method = "GET" if "GET" in rule.methods else "POST"
        answer = client.open(path, method=method)
        if method == "POST" and answer.status_code == 400:
            continue  # the form's missing CSRF token refuses it even before the door
        assert answer.status_code == 302 and "/desk/login" in answer.headers["Location"], (method, path)
    gets = [rule for rule in rules if "GET" in rule.methods]
    assert len(gets) > 10
