"""Admin commands: a day of demo visits, and the list of bodies the touch screen offers."""

from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Body, Visit
from petition.clock import local_date, utcnow


def test_demo_data_makes_a_day_of_distinct_tickets_for_today(app, runner):
    result = runner.invoke(args=["demo-data", "--visits", "30", "--seed", "7"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        visits = db.session.scalars(select(Visit)).all()
    assert len(visits) == 30
    assert {visit.service_day for visit in visits} == {local_date(utcnow())}
    numbers = [visit.ticket_number for visit in visits]
    assert len(set(numbers)) == 30 and "A001" in numbers
    assert all(visit.created_at <= utcnow() for visit in visits)


def test_bodies_are_edited_without_code_changes(app, client, runner):
    assert runner.invoke(args=["bodies", "add", "交通运输局"]).exit_code == 0
    assert runner.invoke(args=["bodies", "hide", "教育局"]).exit_code == 0
    assert runner.invoke(args=["bodies", "hide", "没有这个单位"]).exit_code != 0
    listing = runner.invoke(args=["bodies", "list"]).output
    assert "交通运输局" in listing and "hidden  教育局" in listing
    from tests.support.touchscreen import walk_to_review
    walk_to_review(client)
    page = client.get("/matter").get_data(as_text=True)
    assert "交通运输局" in page and "教育局" not in page
    with app.app_context():
        assert db.session.scalars(select(Body).where(Body.name == "教育局")).one().active is False
