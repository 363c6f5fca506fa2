"""The steps of a case's life (petition.lifecycle): who may take each, what it checks, what it sets.

Each step is owned by the window (接待窗口) or by the office (总部). `allowed`
says which steps a side may take on a case now; `apply` runs one: it checks
the case and the values and returns the facts to set, or raises
`IllegalTransition` with a message for the person at the screen. The app
sets the facts (with its audit trail) and stores the case's derived stage
(`lifecycle.stage`) again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from . import limits
from .lifecycle import Owner, Status, stage
from .vocabulary import SATISFACTION


def _days(start: date, days: int) -> date:
    return start + timedelta(days=days)


class IllegalTransition(ValueError):
    """This case cannot move that way now; `message` (lazy, translated when shown) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    name: str
    owner: Owner
    sources: frozenset[Status]
    label: Any


def _t(name, owner, sources, label) -> tuple[str, Transition]:
    return name, Transition(name, owner, frozenset(sources), label)


_DECIDING = {Status.REGISTERED}
TRANSITIONS: dict[str, Transition] = dict([
    _t("answer", Owner.WINDOW, _DECIDING, _l("Answer on the spot")),
    _t("accept", Owner.WINDOW, _DECIDING, _l("Accept")),
    _t("forward", Owner.WINDOW, _DECIDING, _l("Forward to the competent body")),
    _t("assign", Owner.WINDOW, _DECIDING, _l("Assign with follow-up")),
    _t("not_accept", Owner.WINDOW, _DECIDING, _l("Not accept")),
    _t("extend", Owner.WINDOW, {Status.ACCEPTED}, _l("Extend the time limit")),
    _t("close", Owner.WINDOW, {Status.ACCEPTED, Status.FORWARDED, Status.ASSIGNED,
                               Status.NOT_ACCEPTED}, _l("Close")),
    _t("reply", Owner.OFFICE, {Status.ACCEPTED, Status.FORWARDED, Status.ASSIGNED},
       _l("Reply in writing")),
    _t("conclude", Owner.OFFICE, {Status.REPLIED}, _l("Conclude the handling")),
    _t("request_review", Owner.OFFICE, {Status.REPLIED, Status.CLOSED}, _l("Record a request for review")),
    _t("decide_review", Owner.OFFICE, {Status.REVIEW_REQUESTED}, _l("Record the review's answer")),
    _t("request_reexam", Owner.OFFICE, {Status.REVIEWED}, _l("Record a request for re-examination")),
    _t("decide_reexam", Owner.OFFICE, {Status.REEXAM_REQUESTED},
       _l("Record the re-examination's answer")),
    _t("evaluate", Owner.OFFICE, {Status.REPLIED, Status.CLOSED, Status.REVIEWED, Status.REEXAMINED},
       _l("Record the petitioner's evaluation")),
])


def allowed(case: Any, owner: Owner) -> list[str]:
    """The transitions `owner` may make on this case now, in the order a screen offers them."""
    status = stage(case).status
    names = [t.name for t in TRANSITIONS.values() if t.owner == owner and status in t.sources]
    if "extend" in names and getattr(case, "extension_days", 0):
        names.remove("extend")
    if "request_review" in names and getattr(case, "replied_on", None) is None:
        names.remove("request_review")  # closed at the window: no written reply to review
    return names


def _check(case: Any, name: str) -> None:
    if stage(case).status not in TRANSITIONS[name].sources:
        raise IllegalTransition(_l("This case is no longer waiting for that step; "
                                   "the page shows what can be done now."))


def _required(text: str | None, message) -> str:
    text = (text or "").strip()
    if not text:
        raise IllegalTransition(message)
    return text


def _satisfaction(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in SATISFACTION:
        raise IllegalTransition(_l("Choose how satisfied the petitioner is from the list."))
    return value


# The window's decisions (接待窗口).

def answer(case, *, today: date, result: str, satisfaction: str | None = None) -> dict:
    _check(case, "answer")
    return {"disposition": "answered", "decided_on": today,
            "result": _required(result, _l("Write down the answer given.")),
            "closed_on": today, "satisfaction": _satisfaction(satisfaction)}


def accept(case, *, today: date) -> dict:
    _check(case, "accept")
    return {"disposition": "accepted", "decided_on": today}


def extend(case, *, today: date, days: int, reason: str) -> dict:
    _check(case, "extend")
    if getattr(case, "extension_days", 0):
        raise IllegalTransition(_l("The time limit can be extended only once, and only for an "
                                   "accepted case."))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limits.MAX_EXTENSION_DAYS:
        raise IllegalTransition(_l("An extension is 1 to 30 days."))
    return {"extension_days": days,
            "extension_reason": _required(reason, _l("Give the reason for the extension."))}


def forward(case, *, today: date, body: str) -> dict:
    _check(case, "forward")
    return {"disposition": "forwarded", "decided_on": today,
            "forwarded_to": _required(body, _l("Choose the body the matter is forwarded to."))}


def assign(case, *, today: date, to: str, due_on: date | None) -> dict:
    _check(case, "assign")
    if due_on is None or due_on <= today:
        raise IllegalTransition(_l("An assigned case needs a due date after today."))
    if due_on > _days(today, limits.HANDLING_DAYS):
        raise IllegalTransition(_l("An assigned case is due within 60 days."))
    return {"disposition": "assigned", "decided_on": today, "assigned_due_on": due_on,
            "assigned_to": _required(to, _l("Choose the body the matter is assigned to."))}


def not_accept(case, *, today: date, reason: str, channel: str) -> dict:
    _check(case, "not_accept")
    return {"disposition": "not_accepted", "decided_on": today,
            "not_accepted_reason": _required(reason, _l("Give the reason the matter is not accepted.")),
            "proper_channel": _required(channel, _l("Tell the petitioner the proper channel."))}


def close(case, *, today: date, result: str, satisfaction: str | None = None) -> dict:
    _check(case, "close")
    return {"result": _required(result, _l("Write down the result.")), "closed_on": today,
            "satisfaction": _satisfaction(satisfaction)}


# The office's handling (总部).

def reply(case, *, today: date, text: str) -> dict:
    _check(case, "reply")
    return {"reply_text": _required(text, _l("Write the reply.")), "replied_on": today}


def conclude(case, *, today: date) -> dict:
    _check(case, "conclude")
    return {"office_closed_on": today}


def _requested_on(since: date, today: date, requested_on: date | None, late) -> date:
    """The day of a request that must come within REQUEST_DAYS of `since`; `late(last_day)` is
    the refusal when it comes after."""
    requested_on = requested_on or today
    if requested_on > today or requested_on < since:
        raise IllegalTransition(_l("The request's date must lie between the answer and today."))
    last = _days(since, limits.REQUEST_DAYS)
    if requested_on > last:
        raise IllegalTransition(late(last.isoformat()))
    return requested_on


def request_review(case, *, today: date, requested_on: date | None = None) -> dict:
    """The petitioner asks for review (复查) within 30 days of the written reply."""
    _check(case, "request_review")
    if case.replied_on is None:
        raise IllegalTransition(_l("Only a written reply can be reviewed."))
    return {"review_requested_on": _requested_on(case.replied_on, today, requested_on, lambda day: _l(
        "A review must be requested within 30 days of the written reply; that period ended on %(day)s.",
        day=day))}


def request_reexam(case, *, today: date, requested_on: date | None = None) -> dict:
    """The petitioner asks for re-examination (复核) within 30 days of the review's answer."""
    _check(case, "request_reexam")
    return {"reexam_requested_on": _requested_on(case.review_decided_on, today, requested_on, lambda day: _l(
        "A re-examination must be requested within 30 days of the review's answer; that period ended "
        "on %(day)s.", day=day))}


def decide_review(case, *, today: date, result: str) -> dict:
    _check(case, "decide_review")
    return {"review_decided_on": today,
            "review_result": _required(result, _l("Write down the review's answer."))}


def decide_reexam(case, *, today: date, result: str) -> dict:
    _check(case, "decide_reexam")
    return {"reexam_decided_on": today,
            "reexam_result": _required(result, _l("Write down the re-examination's answer."))}


def evaluate(case, *, today: date, evaluation: str) -> dict:
    """The petitioner's evaluation of the handling (满意度评价)."""
    _check(case, "evaluate")
    value = _satisfaction(evaluation)
    if value is None:
        raise IllegalTransition(_l("Choose how satisfied the petitioner is from the list."))
    return {"evaluation": value, "evaluated_on": today}


_STEPS = {"answer": answer, "accept": accept, "extend": extend, "forward": forward, "assign": assign,
          "not_accept": not_accept, "close": close, "reply": reply, "conclude": conclude,
          "request_review": request_review, "decide_review": decide_review,
          "request_reexam": request_reexam, "decide_reexam": decide_reexam, "evaluate": evaluate}


def apply(case, name: str, *, owner: Owner, today: date, **values) -> dict:
    """Run transition `name` for `owner`; the facts to set. Another side's step is refused."""
    transition = TRANSITIONS.get(name)
    if transition is None or transition.owner != owner:
        raise IllegalTransition(_l("There is no such step here."))
    return _STEPS[name](case, today=today, **values)
