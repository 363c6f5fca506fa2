"""The case state machine and its due dates, with `now` moved across month ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import AuditEntry, Case


def at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in Shanghai on `day`, as the UTC moment a transition gets."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=8))) \
        .astimezone(timezone.utc)


@pytest.fixture
def case(app):
    with app.app_context():
        item = Case(kiosk_id="kiosk-test", registered_on=date(2026, 1, 20), status="registered")
        db.session.add(item)
        db.session.commit()
        yield item


def test_the_decision_is_due_fifteen_days_after_registration_across_a_month_end(case):
    assert states.decision_due_on(case) == date(2026, 2, 4)
    assert states.due_on(case) == date(2026, 2, 4)
    assert states.urgency(case, date(2026, 1, 31)) is None
    assert states.urgency(case, date(2026, 2, 1)) == "due_soon"   # 3 days left
    assert states.urgency(case, date(2026, 2, 4)) == "due_soon"   # the last day
    assert states.urgency(case, date(2026, 2, 5)) == "overdue"


def test_acceptance_makes_the_reply_due_sixty_days_later_and_extension_adds_once(case):
    # Accepted at 23:30 Shanghai on 31 January: still the 31st there, though the 15:30 UTC.
    states.accept(case, by="rita", now=at(date(2026, 1, 31), 23))
    assert case.status == "accepted" and case.decided_on == date(2026, 1, 31)
    assert states.reply_due_on(case) == date(2026, 4, 1)          # 31 Jan + 60 days (2026 not leap)
    states.extend(case, by="sam", now=at(date(2026, 3, 28)), days=30, reason="需调查取证")
    assert states.reply_due_on(case) == date(2026, 5, 1)          # 60 + 30
    assert states.urgency(case, date(2026, 4, 28)) == "due_soon"
    assert states.urgency(case, date(2026, 5, 2)) == "overdue"
    with pytest.raises(states.IllegalTransition):
        states.extend(case, by="sam", now=at(date(2026, 4, 1)), days=5, reason="again")
    assert case.extension_days == 30


@pytest.mark.parametrize("days", [0, 31, -1])
def test_an_extension_is_one_to_thirty_days_with_a_reason(case, days):
    states.accept(case, by="rita", now=at(date(2026, 1, 21)))
    with pytest.raises(states.IllegalTransition):
        states.extend(case, by="sam", now=at(date(2026, 2, 1)), days=days, reason="x")
    with pytest.raises(states.IllegalTransition):
        states.extend(case, by="sam", now=at(date(2026, 2, 1)), days=10, reason="  ")
    assert case.extension_days == 0


def test_answering_on_the_spot_closes_the_case_at_once(case):
    states.answer(case, by="rita", now=at(date(2026, 1, 20)), result="已当场解释政策", satisfaction="satisfied")
    assert (case.status, case.disposition, case.closed_on) == ("closed", "answered", date(2026, 1, 20))
    assert states.due_on(case) is None and states.on_time(case) is True
    assert states.allowed(case) == set()


def test_illegal_transitions_are_refused_and_change_nothing(case):
    states.not_accept(case, by="rita", now=at(date(2026, 1, 22)), reason="属诉讼程序",
                      channel="向人民法院提起诉讼")
    version = case.version
    for step, kwargs in (("accept", {}), ("forward", {"body": "教育局"}),
                         ("extend", {"days": 5, "reason": "x"})):
        with pytest.raises(states.IllegalTransition):
            getattr(states, step)(case, by="rita", now=at(date(2026, 1, 23)), **kwargs)
    assert case.status == "not_accepted" and case.version == version
    states.close(case, by="rita", now=at(date(2026, 1, 25)), result="已书面告知")
    with pytest.raises(states.IllegalTransition):
        states.close(case, by="rita", now=at(date(2026, 1, 26)), result="again")


def test_assignment_needs_a_later_due_date_and_is_due_then(case):
    with pytest.raises(states.IllegalTransition):
        states.assign(case, by="rita", now=at(date(2026, 1, 28)), to="公安局", due_on=date(2026, 1, 28))
    states.assign(case, by="rita", now=at(date(2026, 1, 28)), to="公安局", due_on=date(2026, 2, 27))
    assert states.due_on(case) == date(2026, 2, 27)
    states.close(case, by="rita", now=at(date(2026, 3, 2)), result="已办结", satisfaction="dissatisfied")
    assert states.on_time(case) is False


def test_closing_an_accepted_case_after_its_reply_date_is_late(case):
    states.accept(case, by="rita", now=at(date(2026, 1, 20)))
    states.close(case, by="rita", now=at(date(2026, 3, 21)), result="已答复")   # day 60: on time
    assert states.on_time(case) is True


def test_every_transition_is_in_the_audit_log_and_bumps_the_version(app, case):
    version = case.version
    states.forward(case, by="rita", now=at(date(2026, 1, 21)), body="住房和城乡建设局")
    db.session.commit()
    assert case.version == version + 1
    fields = {(e.actor, e.field, e.before, e.after) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == case.id))}
    assert ("rita", "status", "registered", "forwarded") in fields
    assert ("rita", "forwarded_to", None, "住房和城乡建设局") in fields
