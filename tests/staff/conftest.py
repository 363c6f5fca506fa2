"""Fixtures of the staff tests: accounts of each role, signed-in clients, waiting tickets."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pytest

from kiosk.auth import operations as accounts
from kiosk.extensions import db
from kiosk.visits.operations import VisitDraft, register_visit
from tests.helpers import csrf_token, valid_id_number

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(app):
    """One account per role: receptionist `rita`, supervisor `sam`, admin `ada`."""
    with app.app_context():
        for name, role in (("rita", "receptionist"), ("rick", "receptionist"),
                           ("sam", "supervisor"), ("ada", "admin")):
            accounts.create_user(name, PASSWORD, role)
        db.session.commit()
    return {"receptionist": "rita", "supervisor": "sam", "admin": "ada"}


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/staff/sign-in").get_data(as_text=True)
    return client.post("/staff/sign-in", data={"csrf_token": csrf_token(page), "username": username,
                                               "password": password})


@pytest.fixture
def receptionist(app, staff):
    client = app.test_client()
    assert sign_in(client, "rita").status_code == 302
    return client


@pytest.fixture
def supervisor(app, staff):
    client = app.test_client()
    assert sign_in(client, "sam").status_code == 302
    return client


def take_tickets(app, count: int, *, service: str = "individual", now: datetime | None = None,
                 start: int = 0, **fields) -> list[str]:
    """Register `count` visits as the touch screen would; their ids, oldest first."""
    ids = []
    with app.app_context():
        for index in range(count):
            draft = VisitDraft(service=service, id_number=fields.get("id_number") or valid_id_number(seq=start + index),
                               phone=fields.get("phone", f"138{start + index:08d}"),
                               name=fields.get("name", "张三丰"), category="appeal",
                               body_name="教育局", locale="zh_Hans_CN")
            visit = register_visit(draft, kiosk_id=app.config["KIOSK_ID"],
                                   idempotency_key=secrets.token_urlsafe(16),
                                   now=now or datetime.now(timezone.utc))
            ids.append(visit.id)
    return ids


def post_form(client, page: str, action: str, data: dict):
    """POST `data` to `action` with the CSRF token of `page`."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})
