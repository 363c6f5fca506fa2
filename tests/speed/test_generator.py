"""`flask --app kiosk demo-history`: a hall's history made by the kiosk's own operations."""

from __future__ import annotations

from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import AuditEntry, Call, Case, PrintJob, Visit
from petition import lifecycle


def test_the_command_fills_the_kiosk_with_days_of_a_hall(app, runner):
    result = runner.invoke(args=["demo-history", "--years", "0.02", "--per-day", "15", "--seed", "3",
                                 "--today", "2026-03-06"])
    assert result.exit_code == 0, result.output
    assert "on 5 working days, 2026-03-02 to 2026-03-06" in result.output
    with app.app_context():
        days = db.session.scalars(select(Visit.service_day).distinct()).all()
        assert len(days) == 5 and all(day.weekday() < 5 for day in days)
        visits = db.session.scalar(select(func.count()).select_from(Visit))
        assert 60 <= visits <= 75  # the last day stops mid-morning
        assert db.session.scalar(select(func.count()).select_from(Call)) >= visits - 15
        assert not db.session.scalar(select(func.count()).select_from(PrintJob)
                                     .where(PrintJob.status == "pending"))
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) > 5 * visits
        statuses = {case.status for case in db.session.scalars(select(Case))}
        assert "closed" in statuses and statuses & set(lifecycle.OPEN)


def test_the_command_refuses_a_silly_span(runner):
    result = runner.invoke(args=["demo-history", "--years", "0"])
    assert result.exit_code != 0 and "--years" in result.output
