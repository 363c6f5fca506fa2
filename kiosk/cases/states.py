"""The one place a case's state changes, and its due dates.

States and the transitions between them:

    registered ─ answer ──────────────→ closed     (当场答复: answered on the spot)
    registered ─ accept ──────────────→ accepted   (受理: reply due in 60 days, extendable once ≤ 30)
    registered ─ forward ─────────────→ forwarded  (转送: to the competent body)
    registered ─ assign ──────────────→ assigned   (交办: with a due date and follow-up)
    registered ─ not_accept ──────────→ not_accepted (不予受理: the reason and the proper channel)
    accepted / forwarded / assigned / not_accepted ─ close → closed (result, date, satisfaction)
    accepted ─ extend (once) ─────────→ accepted

Every transition takes `now` and the member of staff doing it, writes each
changed field to the audit log and bumps the case's version; an illegal one
raises `IllegalTransition` with a message the console shows. Due dates are
Asia/Shanghai calendar days computed from the record, never stored twice: the
decision is due 15 days after registration, the reply 60 days (plus any
extension) after acceptance. Callers commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from .. import audit
from ..models import Case
from petition.clock import local_date

DECISION_DAYS = 15
REPLY_DAYS = 60
MAX_EXTENSION_DAYS = 30
DUE_SOON_DAYS = 3

SATISFACTION = {"satisfied": _l("Satisfied"), "fairly_satisfied": _l("Fairly satisfied"),
                "dissatisfied": _l("Dissatisfied")}
DISPOSITIONS = {"answered": _l("Answered on the spot"), "accepted": _l("Accepted"),
                "forwarded": _l("Forwarded"), "assigned": _l("Assigned"),
                "not_accepted": _l("Not accepted")}

TRANSITIONS = {
    "answer": ({"registered"}, "closed"),
    "accept": ({"registered"}, "accepted"),
    "forward": ({"registered"}, "forwarded"),
    "assign": ({"registered"}, "assigned"),
    "not_accept": ({"registered"}, "not_accepted"),
    "close": ({"accepted", "forwarded", "assigned", "not_accepted"}, "closed"),
    "extend": ({"accepted"}, "accepted"),
}


class IllegalTransition(ValueError):
    """This case cannot move that way now; `message` is shown to the receptionist."""

    def __init__(self, message):
        super().__init__(message)  # a lazy string: translated when shown, in a request
        self.message = message


def allowed(case: Case) -> set[str]:
    """The transitions open to this case now (what the console offers)."""
    open_ = {name for name, (sources, _target) in TRANSITIONS.items() if case.status in sources}
    if case.extension_days:
        open_.discard("extend")
    return open_


def _move(case: Case, transition: str, by: str, now: datetime, **values) -> None:
    sources, target = TRANSITIONS[transition]
    if case.status not in sources:
        raise IllegalTransition(_l("This case is no longer waiting for that step; "
                                   "the page shows what can be done now."))
    values.setdefault("status", target)
    audit.change(by, case, "case", values, now=now)


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


def answer(case: Case, *, by: str, now: datetime, result: str, satisfaction: str | None = None):
    _move(case, "answer", by, now, disposition="answered", decided_on=local_date(now),
          result=_required(result, _l("Write down the answer given.")),
          closed_on=local_date(now), satisfaction=_satisfaction(satisfaction))


def accept(case: Case, *, by: str, now: datetime):
    _move(case, "accept", by, now, disposition="accepted", decided_on=local_date(now))


def extend(case: Case, *, by: str, now: datetime, days: int, reason: str):
    if "extend" not in allowed(case):
        raise IllegalTransition(_l("The time limit can be extended only once, and only for an accepted case."))
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise IllegalTransition(_l("An extension is 1 to 30 days."))
    _move(case, "extend", by, now, extension_days=days,
          extension_reason=_required(reason, _l("Give the reason for the extension.")))


def forward(case: Case, *, by: str, now: datetime, body: str):
    _move(case, "forward", by, now, disposition="forwarded", decided_on=local_date(now),
          forwarded_to=_required(body, _l("Choose the body the matter is forwarded to.")))


def assign(case: Case, *, by: str, now: datetime, to: str, due_on: date | None):
    if due_on is None or due_on <= local_date(now):
        raise IllegalTransition(_l("An assigned case needs a due date after today."))
    _move(case, "assign", by, now, disposition="assigned", decided_on=local_date(now),
          assigned_to=_required(to, _l("Choose the body the matter is assigned to.")),
          assigned_due_on=due_on)


def not_accept(case: Case, *, by: str, now: datetime, reason: str, channel: str):
    _move(case, "not_accept", by, now, disposition="not_accepted", decided_on=local_date(now),
          not_accepted_reason=_required(reason, _l("Give the reason the matter is not accepted.")),
          proper_channel=_required(channel, _l("Tell the petitioner the proper channel.")))


def close(case: Case, *, by: str, now: datetime, result: str, satisfaction: str | None = None):
    _move(case, "close", by, now, result=_required(result, _l("Write down the result.")),
          closed_on=local_date(now), satisfaction=_satisfaction(satisfaction))


# Due dates ---------------------------------------------------------------

def decision_due_on(case: Case) -> date:
    """Whether to accept is told to the petitioner within 15 days of registration."""
    return case.registered_on + timedelta(days=DECISION_DAYS)


def reply_due_on(case: Case) -> date | None:
    """An accepted case is handled within 60 days of acceptance, plus any extension."""
    if case.disposition != "accepted" or case.decided_on is None:
        return None
    return case.decided_on + timedelta(days=REPLY_DAYS + (case.extension_days or 0))


def due_on(case: Case) -> date | None:
    """The date the next step of this case is due, or None when nothing is."""
    if case.status == "registered":
        return decision_due_on(case)
    if case.status == "accepted":
        return reply_due_on(case)
    if case.status == "assigned":
        return case.assigned_due_on
    return None


def on_time(case: Case) -> bool | None:
    """For a closed case: was it closed by its due date (the 按期办结 figure)."""
    if case.status != "closed" or case.closed_on is None:
        return None
    if case.disposition == "accepted":
        limit = reply_due_on(case)
    elif case.disposition == "assigned":
        limit = case.assigned_due_on
    else:
        limit = decision_due_on(case)
    return limit is None or case.closed_on <= limit


def urgency(case: Case, today: date) -> str | None:
    """'overdue' (已超期), 'due_soon' (即将到期: 3 days or less) or None."""
    due = due_on(case)
    if due is None:
        return None
    if today > due:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return None
