"""The one case lifecycle (petition.lifecycle): time limits, who may do what, and the derived stage.

Pure domain: no app, no database. Dates are Asia/Shanghai calendar days.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from petition import lifecycle, limits, transitions
from petition.lifecycle import Owner, Status
from petition.transitions import IllegalTransition


def new_case(registered: date = date(2026, 1, 20), **facts) -> SimpleNamespace:
    case = SimpleNamespace(**{name: None for name in (*lifecycle.WINDOW_FACTS, *lifecycle.OFFICE_FACTS)})
    case.registered_on, case.extension_days = registered, 0
    for name, value in facts.items():
        setattr(case, name, value)
    return case


def do(case, name: str, owner: Owner, today: date, **values) -> SimpleNamespace:
    """Apply a step as an app would: set the facts it returns."""
    for field, value in transitions.apply(case, name, owner=owner, today=today, **values).items():
        setattr(case, field, value)
    return case


def test_the_decision_is_due_fifteen_days_after_registration_across_a_month_end():
    case = new_case()
    stage = lifecycle.stage(case)
    assert stage == lifecycle.Stage(Status.REGISTERED, date(2026, 2, 4))
    assert lifecycle.urgency(stage.due_on, date(2026, 1, 31)) is None
    assert lifecycle.urgency(stage.due_on, date(2026, 2, 1)) == "due_soon"   # 3 days left
    assert lifecycle.urgency(stage.due_on, date(2026, 2, 4)) == "due_soon"   # the last day
    assert lifecycle.urgency(stage.due_on, date(2026, 2, 5)) == "overdue"


@given(st.integers(min_value=-400, max_value=400))
def test_the_lists_due_dates_are_the_ones_urgency_names(offset):
    today = date(2026, 2, 27)
    due_on = today + timedelta(days=offset)
    for kind in (lifecycle.OVERDUE, lifecycle.DUE_SOON):
        first, last = lifecycle.due_between(kind, today)
        listed = (first is None or first <= due_on) and due_on <= last
        assert listed == (lifecycle.urgency(due_on, today) == kind)


def test_acceptance_makes_the_reply_due_sixty_days_later_and_one_extension_adds_to_it():
    case = do(new_case(), "accept", Owner.WINDOW, date(2026, 1, 31))
    assert lifecycle.stage(case) == lifecycle.Stage(Status.ACCEPTED, date(2026, 4, 1))
    do(case, "extend", Owner.WINDOW, date(2026, 3, 28), days=30, reason="需调查取证")
    assert lifecycle.stage(case).due_on == date(2026, 5, 1)
    with pytest.raises(IllegalTransition):
        do(case, "extend", Owner.WINDOW, date(2026, 4, 1), days=5, reason="again")


@pytest.mark.parametrize("days", [0, 31, -1, True])
def test_an_extension_is_one_to_thirty_days_with_a_reason(days):
    case = do(new_case(), "accept", Owner.WINDOW, date(2026, 1, 21))
    with pytest.raises(IllegalTransition):
        do(case, "extend", Owner.WINDOW, date(2026, 2, 1), days=days, reason="x")
    with pytest.raises(IllegalTransition):
        do(case, "extend", Owner.WINDOW, date(2026, 2, 1), days=10, reason="  ")


def test_an_answer_on_the_spot_closes_the_case_on_time_with_nothing_due():
    case = do(new_case(), "answer", Owner.WINDOW, date(2026, 1, 20), result="已当场解释政策")
    assert lifecycle.stage(case) == lifecycle.Stage(Status.CLOSED, None)
    assert lifecycle.on_time(case) is True
    assert transitions.allowed(case, Owner.WINDOW) == []
    # Answered on the spot is not a written reply: nothing for the office to review.
    assert transitions.allowed(case, Owner.OFFICE) == ["evaluate"]


def test_an_assignment_is_due_on_its_date_within_sixty_days():
    case = new_case()
    for due in (date(2026, 1, 28), date(2026, 3, 30)):  # not after today; beyond 60 days
        with pytest.raises(IllegalTransition):
            do(case, "assign", Owner.WINDOW, date(2026, 1, 28), to="公安局", due_on=due)
    do(case, "assign", Owner.WINDOW, date(2026, 1, 28), to="公安局", due_on=date(2026, 2, 27))
    assert lifecycle.stage(case) == lifecycle.Stage(Status.ASSIGNED, date(2026, 2, 27))
    do(case, "close", Owner.WINDOW, date(2026, 3, 2), result="已办结")
    assert lifecycle.on_time(case) is False


def test_each_side_makes_only_its_own_steps():
    case = new_case()
    assert transitions.allowed(case, Owner.WINDOW) == ["answer", "accept", "forward", "assign", "not_accept"]
    assert transitions.allowed(case, Owner.OFFICE) == []
    with pytest.raises(IllegalTransition):
        do(case, "accept", Owner.OFFICE, date(2026, 1, 21))
    do(case, "accept", Owner.WINDOW, date(2026, 1, 21))
    with pytest.raises(IllegalTransition):
        do(case, "reply", Owner.WINDOW, date(2026, 2, 1), text="答复")
    assert transitions.allowed(case, Owner.OFFICE) == ["reply"]
    window_facts, office_facts = set(lifecycle.WINDOW_FACTS), set(lifecycle.OFFICE_FACTS)
    assert not window_facts & office_facts
    for transition in transitions.TRANSITIONS.values():
        assert transition.owner in (Owner.WINDOW, Owner.OFFICE)


def test_a_case_answered_and_closed_at_the_window_is_not_due_at_the_office():
    case = do(new_case(), "answer", Owner.WINDOW, date(2026, 1, 20), result="已解答")
    stage = lifecycle.window_stage(case)  # what the office derives from the push
    assert stage.status == Status.CLOSED and stage.due_on is None
    assert lifecycle.urgency(stage.due_on, date(2026, 12, 31)) is None


def replied_case(replied: date) -> SimpleNamespace:
    case = do(new_case(), "accept", Owner.WINDOW, date(2026, 1, 20))
    return do(case, "reply", Owner.OFFICE, replied, text="经核实，已处理。")


def test_a_review_requested_on_day_thirty_is_accepted_and_due_thirty_days_later():
    case = replied_case(date(2026, 3, 1))
    do(case, "request_review", Owner.OFFICE, date(2026, 3, 31))
    assert lifecycle.stage(case) == lifecycle.Stage(Status.REVIEW_REQUESTED, date(2026, 4, 30))


def test_a_review_requested_on_day_thirty_one_is_refused_with_the_reason():
    case = replied_case(date(2026, 3, 1))
    with pytest.raises(IllegalTransition) as refused:
        do(case, "request_review", Owner.OFFICE, date(2026, 4, 1))
    assert "30" in str(refused.value.message) and "2026-03-31" in str(refused.value.message)
    assert lifecycle.stage(case).status == Status.REPLIED


def test_a_request_received_earlier_counts_from_its_own_date():
    case = replied_case(date(2026, 3, 1))
    do(case, "request_review", Owner.OFFICE, date(2026, 4, 5), requested_on=date(2026, 3, 30))
    assert lifecycle.stage(case).due_on == date(2026, 4, 29)
    with pytest.raises(IllegalTransition):
        do(replied_case(date(2026, 3, 1)), "request_review", Owner.OFFICE, date(2026, 3, 5),
           requested_on=date(2026, 3, 6))  # in the future


def test_review_then_re_examination_have_their_limits_and_end_the_matter():
    case = do(replied_case(date(2026, 3, 1)), "conclude", Owner.OFFICE, date(2026, 3, 2))
    assert lifecycle.stage(case).status == Status.CLOSED
    do(case, "request_review", Owner.OFFICE, date(2026, 3, 20))
    do(case, "decide_review", Owner.OFFICE, date(2026, 4, 10), result="维持原处理意见")
    assert lifecycle.stage(case) == lifecycle.Stage(Status.REVIEWED, None)
    with pytest.raises(IllegalTransition, match="30"):
        do(case, "request_reexam", Owner.OFFICE, date(2026, 5, 11))
    do(case, "request_reexam", Owner.OFFICE, date(2026, 5, 10))
    assert lifecycle.stage(case) == lifecycle.Stage(Status.REEXAM_REQUESTED, date(2026, 6, 9))
    do(case, "decide_reexam", Owner.OFFICE, date(2026, 6, 1), result="维持复查意见")
    assert lifecycle.stage(case) == lifecycle.Stage(Status.REEXAMINED, None)
    assert transitions.allowed(case, Owner.OFFICE) == ["evaluate"]
    do(case, "evaluate", Owner.OFFICE, date(2026, 6, 2), evaluation="fairly_satisfied")
    assert case.evaluation == "fairly_satisfied"
    assert [str(label) for label, _day in lifecycle.milestones(case)][-1] == "Re-examined on"


def test_the_limits_are_the_regulations():
    assert (limits.DECISION_DAYS, limits.HANDLING_DAYS, limits.MAX_EXTENSION_DAYS,
            limits.REQUEST_DAYS, limits.REVIEW_DAYS) == (15, 60, 30, 30, 30)


DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
WINDOW_FACTS = st.fixed_dictionaries({
    "registered_on": DAYS,
    "disposition": st.sampled_from([None, "answered", "accepted", "forwarded", "assigned", "not_accepted"]),
    "decided_on": DAYS, "extension_days": st.integers(0, 30),
    "assigned_due_on": st.one_of(st.none(), DAYS), "closed_on": st.one_of(st.none(), DAYS),
})
OFFICE_FACTS = st.fixed_dictionaries({
    name: st.one_of(st.none(), DAYS) for name in (
        "office_closed_on", "review_requested_on", "review_decided_on", "reexam_requested_on",
        "reexam_decided_on")})


@given(window=WINDOW_FACTS, office=OFFICE_FACTS)
def test_before_the_offices_reply_the_window_facts_alone_give_the_stage(window, office):
    """What the office's receiver relies on to derive a pushed case's stage in one statement."""
    case = new_case(**window)
    assert lifecycle.stage(case) == lifecycle.window_stage(case)
    # Every later office fact needs the reply, so without it none can be set by a step;
    # with the reply the office's facts decide, whatever the window's say.
    replied = new_case(**window, **office, replied_on=window["registered_on"] + timedelta(days=20))
    assert lifecycle.stage(replied).status in {
        Status.REPLIED, Status.CLOSED, Status.REVIEW_REQUESTED, Status.REVIEWED,
        Status.REEXAM_REQUESTED, Status.REEXAMINED}


def test_a_case_page_shows_the_offices_steps_after_its_reply_with_their_outcomes():
    case = SimpleNamespace(office_closed_on=None, review_requested_on=date(2026, 3, 2),
                           review_decided_on=date(2026, 3, 20), review_result="维持原意见",
                           reexam_requested_on=None, reexam_decided_on=None, reexam_result=None)
    assert [(str(label), day, outcome) for label, day, outcome in lifecycle.after_reply(case)] == [
        ("Review requested on", date(2026, 3, 2), None),
        ("Reviewed on", date(2026, 3, 20), "维持原意见")]
