"""Staff in tests: the test accounts' password, signing in (test client or Chromium), tickets taken."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from kiosk.visits.operations import VisitDraft, register_visit

from .touchscreen import csrf_token, valid_id_number

PASSWORD = "correct horse battery"


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/staff/sign-in").get_data(as_text=True)
    return client.post("/staff/sign-in", data={"csrf_token": csrf_token(page), "username": username,
                                               "password": password})


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


def sign_in_page(page, base: str, username: str) -> None:
    """Sign in to the console in Chromium as one of the test accounts."""
    page.goto(f"{base}/staff/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/")
