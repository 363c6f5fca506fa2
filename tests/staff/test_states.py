"""The window's steps at the kiosk: audited, versioned for sync, the stored stage kept current."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import AuditEntry, Case
from petition import lifecycle


def at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in Shanghai on `day`, as the UTC moment a step gets."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=8))) \
        .astimezone(timezone.utc)


@pytest.fixture
def case(app):
    with app.app_context():
        item = Case(kiosk_id="kiosk-test", registered_on=date(2026, 1, 20))
        states.refresh(item)
        db.session.add(item)
        db.session.commit()
        yield item


def stored(case: Case) -> tuple:
    db.session.commit()
    return db.session.execute(select(Case.status, Case.due_on).where(Case.id == case.id)).one()


def test_a_new_case_is_stored_as_registered_and_due_in_fifteen_days(case):
    assert tuple(stored(case)) == ("registered", date(2026, 2, 4))


def test_acceptance_late_at_night_is_that_shanghai_day_and_moves_the_stored_due_date(case):
    # 23:30 Shanghai on 31 January is 15:30 UTC the same day; still the 31st there.
    states.accept(case, by="rita", now=at(date(2026, 1, 31), 23))
    assert case.decided_on == date(2026, 1, 31)
    assert tuple(stored(case)) == ("accepted", date(2026, 4, 1))
    states.extend(case, by="sam", now=at(date(2026, 3, 28)), days=30, reason="需调查取证")
    assert tuple(stored(case)) == ("accepted", date(2026, 5, 1))
    assert states.allowed(case) == ["close"]


def test_illegal_steps_are_refused_and_change_nothing(case):
    states.not_accept(case, by="rita", now=at(date(2026, 1, 22)), reason="属诉讼程序",
                      channel="向人民法院提起诉讼")
    db.session.commit()
    version = case.version
    for step, kwargs in (("accept", {}), ("forward", {"body": "教育局"}),
                         ("extend", {"days": 5, "reason": "x"})):
        with pytest.raises(states.IllegalTransition):
            getattr(states, step)(case, by="rita", now=at(date(2026, 1, 23)), **kwargs)
    assert case.status == "not_accepted" and case.version == version
    states.close(case, by="rita", now=at(date(2026, 1, 25)), result="已书面告知")
    assert tuple(stored(case)) == ("closed", None)
    with pytest.raises(states.IllegalTransition):
        states.close(case, by="rita", now=at(date(2026, 1, 26)), result="again")


def test_every_step_is_in_the_audit_log_and_bumps_the_version_once(app, case):
    version = case.version
    states.forward(case, by="rita", now=at(date(2026, 1, 21)), body="住房和城乡建设局")
    db.session.commit()
    assert case.version == version + 1
    [step] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == case.id)).all()
    assert (step.actor, step.action) == ("rita", "change")  # one step, one line with its fields
    assert step.fields["disposition"] == (None, "forwarded")
    assert step.fields["forwarded_to"] == (None, "住房和城乡建设局")


def test_the_stored_stage_is_what_the_domain_derives(case):
    states.assign(case, by="rita", now=at(date(2026, 1, 28)), to="公安局", due_on=date(2026, 2, 27))
    stage = lifecycle.stage(case)
    assert tuple(stored(case)) == (stage.status, stage.due_on) == ("assigned", date(2026, 2, 27))
