"""The life of a petition matter (信访事项), one state machine for the window and the office.

Each fact about a case has exactly one owner, so sync never merges:

- the window (the kiosk, 接待窗口) registers the matter and makes the first
  decision: answer on the spot, accept, forward, assign, not accept; it may
  extend an accepted matter's time limit once, and close what it decided;
- the office (总部) replies in writing, concludes the handling, records the
  petitioner's requests for review (复查) and re-examination (复核) with their
  answers, and the petitioner's evaluation of the handling.

The case's status and its next due date are never owned: `stage` derives
them from the facts, and both apps store what it says (for their lists) and
recompute it whenever a fact changes. Given the same facts, the kiosk and the
office derive the same status and the same due date.

        registered ─ answer ─────→ closed
                   ─ accept ─────→ accepted ──┐ extend (once, ≤ 30 days)
                   ─ forward ────→ forwarded  │
                   ─ assign ─────→ assigned   ├─ close (window) ─→ closed
                   ─ not_accept ─→ not_accepted┘
        accepted / forwarded / assigned ─ reply (office) ─→ replied ─ conclude ─→ closed
        replied / closed (within 30 days of the reply) ─ request_review ─→ review_requested
        review_requested ─ decide_review ─→ reviewed
        reviewed (within 30 days of its answer) ─ request_reexam ─→ reexam_requested
        reexam_requested ─ decide_reexam ─→ reexamined (final)

The steps themselves (who takes each, what it checks and sets) are in
petition/transitions.py; the app sets the facts a step returns (with its
audit trail), then stores `stage(case)` again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from . import limits


class Status(StrEnum):
    """Where a case stands; derived from its facts by `stage`, never set by hand."""

    REGISTERED = "registered"            # 已登记，待决定
    ACCEPTED = "accepted"                # 已受理，办理中
    FORWARDED = "forwarded"              # 已转送有权处理机关
    ASSIGNED = "assigned"                # 已交办，督办中
    NOT_ACCEPTED = "not_accepted"        # 不予受理（已书面告知）
    REPLIED = "replied"                  # 已书面答复
    CLOSED = "closed"                    # 已办结
    REVIEW_REQUESTED = "review_requested"  # 复查申请办理中
    REVIEWED = "reviewed"                # 已复查
    REEXAM_REQUESTED = "reexam_requested"  # 复核申请办理中
    REEXAMINED = "reexamined"            # 已复核（终结）


STATUS_LABELS = {
    Status.REGISTERED: _l("Registered, waiting for a decision"),
    Status.ACCEPTED: _l("Accepted, being handled"),
    Status.FORWARDED: _l("Forwarded to the competent body"),
    Status.ASSIGNED: _l("Assigned for handling, with follow-up"),
    Status.NOT_ACCEPTED: _l("Not accepted: see the written notice"),
    Status.REPLIED: _l("Replied in writing"),
    Status.CLOSED: _l("Closed"),
    Status.REVIEW_REQUESTED: _l("Review requested, being handled"),
    Status.REVIEWED: _l("Reviewed"),
    Status.REEXAM_REQUESTED: _l("Re-examination requested, being handled"),
    Status.REEXAMINED: _l("Re-examined: the matter is concluded"),
}


class Owner(StrEnum):
    WINDOW = "window"
    OFFICE = "office"


#: Facts the window owns: registered at the kiosk and sent to the office.
WINDOW_FACTS = ("registered_on", "disposition", "decided_on", "extension_days", "extension_reason",
                "forwarded_to", "assigned_to", "assigned_due_on", "not_accepted_reason",
                "proper_channel", "result", "closed_on", "satisfaction")
#: Facts the office owns: recorded at the office and sent back to the kiosk.
OFFICE_FACTS = ("reply_text", "replied_on", "office_closed_on", "review_requested_on",
                "review_decided_on", "review_result", "reexam_requested_on", "reexam_decided_on",
                "reexam_result", "evaluation", "evaluated_on")
#: Until the office has replied, a case's stage depends on the window's facts alone (every
#: office step after the first needs the reply). The office's receiver relies on this to
#: derive a pushed case's stage without reading the office's facts first.
OFFICE_STAGE_BEGINS_WITH = "replied_on"

#: Statuses in which a case still waits for someone; the others are concluded.
OPEN = frozenset({Status.REGISTERED, Status.ACCEPTED, Status.FORWARDED, Status.ASSIGNED,
                  Status.NOT_ACCEPTED, Status.REPLIED, Status.REVIEW_REQUESTED,
                  Status.REEXAM_REQUESTED})

OVERDUE, DUE_SOON = "overdue", "due_soon"


@dataclass(frozen=True)
class Stage:
    status: Status
    due_on: date | None


def _days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def stage(case: Any) -> Stage:
    """The status and the next due date of a case, from its facts (attributes of `case`).

    The office's facts, once it has replied, say where the case is; before
    that, the window's decision does.
    """
    fact = lambda name: getattr(case, name, None)  # noqa: E731  (rows, models and namespaces alike)
    if fact("reexam_decided_on"):
        return Stage(Status.REEXAMINED, None)
    if fact("reexam_requested_on"):
        return Stage(Status.REEXAM_REQUESTED, _days(fact("reexam_requested_on"), limits.REVIEW_DAYS))
    if fact("review_decided_on"):
        return Stage(Status.REVIEWED, None)
    if fact("review_requested_on"):
        return Stage(Status.REVIEW_REQUESTED, _days(fact("review_requested_on"), limits.REVIEW_DAYS))
    if fact("office_closed_on"):
        return Stage(Status.CLOSED, None)
    if fact("replied_on"):
        return Stage(Status.REPLIED, None)
    return window_stage(case)


def window_stage(case: Any) -> Stage:
    """The stage the window's facts alone give (what the office derives from a push)."""
    fact = lambda name: getattr(case, name, None)  # noqa: E731
    disposition = fact("disposition")
    if fact("closed_on") or disposition == "answered":
        return Stage(Status.CLOSED, None)
    if disposition == "accepted":
        return Stage(Status.ACCEPTED, reply_due_on(case))
    if disposition == "assigned":
        return Stage(Status.ASSIGNED, fact("assigned_due_on")
                     or _days(fact("decided_on"), limits.HANDLING_DAYS))
    if disposition == "forwarded":
        return Stage(Status.FORWARDED, None)
    if disposition == "not_accepted":
        return Stage(Status.NOT_ACCEPTED, None)
    return Stage(Status.REGISTERED, decision_due_on(case))


#: The dates of a case anyone may see with its query code, in the order they happen.
MILESTONES = (
    ("registered_on", _l("Registered on")),
    ("decided_on", _l("Decided on")),
    ("replied_on", _l("Replied in writing on")),
    ("closed_on", _l("Closed at the window on")),
    ("office_closed_on", _l("Handling concluded on")),
    ("review_requested_on", _l("Review requested on")),
    ("review_decided_on", _l("Reviewed on")),
    ("reexam_requested_on", _l("Re-examination requested on")),
    ("reexam_decided_on", _l("Re-examined on")),
)


def milestones(case: Any) -> list[tuple[Any, date]]:
    """(label, date) of each milestone the case has reached: all a public page may show."""
    return [(label, getattr(case, name)) for name, label in MILESTONES if getattr(case, name, None)]


#: The office's steps after its reply, each with the fact that holds its outcome, if it has one.
AFTER_REPLY = (("office_closed_on", None), ("review_requested_on", None),
               ("review_decided_on", "review_result"), ("reexam_requested_on", None),
               ("reexam_decided_on", "reexam_result"))


def after_reply(case: Any) -> list[tuple[Any, date, str | None]]:
    """(label, date, outcome) of each step the office has taken after its reply, in order: what
    a case page shows of the office's handling, at the office and at the window alike."""
    labels = dict(MILESTONES)
    return [(labels[name], getattr(case, name), getattr(case, outcome) if outcome else None)
            for name, outcome in AFTER_REPLY if getattr(case, name, None)]


def decision_due_on(case: Any) -> date:
    """Whether the matter is accepted is told in writing within 15 days of registration."""
    return _days(case.registered_on, limits.DECISION_DAYS)


def reply_due_on(case: Any) -> date | None:
    """An accepted matter is handled within 60 days of acceptance, plus its one extension."""
    if getattr(case, "disposition", None) != "accepted" or case.decided_on is None:
        return None
    return _days(case.decided_on, limits.HANDLING_DAYS + (case.extension_days or 0))


def urgency(due_on: date | None, today: date) -> str | None:
    """'overdue' (已超期), 'due_soon' (即将到期, DUE_SOON_DAYS or fewer days left) or None."""
    if due_on is None:
        return None
    if today > due_on:
        return OVERDUE
    if (due_on - today).days <= limits.DUE_SOON_DAYS:
        return DUE_SOON
    return None


def due_between(kind: str, today: date) -> tuple[date | None, date]:
    """The due dates that `urgency` calls `kind` (OVERDUE or DUE_SOON) today, as the first and
    the last (no first for OVERDUE): what a list of such cases filters by."""
    if kind == OVERDUE:
        return None, _days(today, -1)
    if kind == DUE_SOON:
        return today, _days(today, limits.DUE_SOON_DAYS)
    raise ValueError(f"not an urgency: {kind!r}")


def concluded_on(case: Any) -> date | None:
    """The day the handling ended: the office's conclusion, its reply, or the window's closing."""
    return (getattr(case, "office_closed_on", None) or getattr(case, "replied_on", None)
            or getattr(case, "closed_on", None))


def on_time(case: Any) -> bool | None:
    """For a concluded case: was it concluded by its limit (the 按期办结 figure)? None if open."""
    ended = concluded_on(case)
    if ended is None:
        return None
    disposition = getattr(case, "disposition", None)
    if disposition == "accepted":
        limit = reply_due_on(case)
    elif disposition == "assigned":
        limit = case.assigned_due_on or _days(case.decided_on, limits.HANDLING_DAYS)
    elif disposition in ("forwarded", "not_accepted", "answered"):
        limit = case.decided_on and max(case.decided_on, decision_due_on(case))
    else:
        limit = decision_due_on(case)
    return limit is None or ended <= limit
