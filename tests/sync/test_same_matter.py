"""The office's same-matter link reaches the kiosk on its next sync and shows on the case's page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from central import petitioners
from kiosk.extensions import db
from kiosk.models import Case
from kiosk.sync_agent import agent
from tests.support.central import make_visits
from tests.support.staff import sign_in

KIOSK = "kiosk-test"


def test_a_same_matter_link_made_at_the_office_shows_at_the_kiosk_after_a_sync(
        app, staff, central_app, central_server, kiosk_key):
    make_visits(app, 3, group_every=0)  # the same person three times (make_visits' 张三)
    client = agent.Client(central_server.url, KIOSK, kiosk_key, timeout=10)
    agent.run_once(app, client)
    with app.app_context():
        first, _second, third = db.session.scalars(select(Case.id).order_by(Case.created_at, Case.id)).all()
    with central_app.app_context():
        petitioners.link_same_matter(third, first, by="li", now=datetime(2026, 11, 25, 2, 0))
    assert agent.run_once(app, client).pulled == 1
    with app.app_context():
        case = db.session.get(Case, third)
        assert (case.same_matter_as, case.office_version) == (first, 1)
        assert case.same_matter_summary.startswith("测试接待室 ")
    console = app.test_client()
    sign_in(console, "rita")
    page = console.get(f"/staff/cases/{third}").get_data(as_text=True)
    assert f'data-same-matter="{first}"' in page and f"/staff/cases/{first}" in page
    assert agent.run_once(app, client).pushed["case"] == 0  # the office's fact is not sent back
