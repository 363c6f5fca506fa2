"""What happens to a case after the visit: the window's decision, and the later steps.

At the window most cases are decided at once; some wait for a later decision.
The later steps are put on an agenda by day: the window's extension and
closing (kiosk/cases/states.py) and the office's reply, conclusion and review,
which arrive as the sync agent's pull applies them (kiosk/sync_agent/agent.py).
Steps due after the last generated day never happen: those cases are still
open, some overdue, some due soon, as in a real hall.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from petition import transitions
from petition.clock import local_date
from sync import protocol

from ..cases import states
from ..extensions import db
from ..models import Case
from ..sync_agent.agent import apply_office_change
from .people import CHANNELS, REASONS

DECISIONS = (("answer", 25), ("accept", 34), ("forward", 15), ("assign", 10), ("not_accept", 8),
             ("later", 8))


class Agenda:
    def __init__(self, rng: random.Random, summary):
        self.rng, self.summary = rng, summary
        self.steps: dict[date, list[tuple[str, str]]] = defaultdict(list)
        self.office_version: dict[str, int] = {}
        self.bodies = ("教育局", "人社局", "住建局", "卫健委", "公安局")

    def later(self, day: date, days: int, step: str, case_id: str) -> None:
        self.steps[day + timedelta(days=days)].append((step, case_id))

    def run(self, day: date, *, by: str, now: datetime) -> None:
        """Every step due on or before `day` (steps due on a weekend happen the next working day)."""
        for due in sorted(d for d in self.steps if d <= day):
            for step, case_id in self.steps.pop(due):
                case = db.session.get(Case, case_id)
                if case is None:  # merged into an earlier case as a repeat visit
                    continue
                try:
                    getattr(self, f"_{step}")(case, by=by, now=now)
                except transitions.IllegalTransition:
                    continue  # the case moved on another way meanwhile
                self.summary.count(step)

    # The window (kiosk/cases/states.py).

    def decide_at_window(self, case: Case, *, by: str, now: datetime) -> None:
        choice = self.rng.choices([name for name, _ in DECISIONS],
                                  weights=[weight for _, weight in DECISIONS])[0]
        if choice == "later":
            # Decided after a few days; one in six never is (it ends overdue).
            if self.rng.random() < 5 / 6:
                self.later(local_date(now), self.rng.randint(2, 20), "decide", case.id)
            return
        self._decide(case, by=by, now=now, choice=choice)

    def _decide(self, case: Case, *, by: str, now: datetime, choice: str | None = None) -> None:
        rng, day = self.rng, local_date(now)
        choice = choice or rng.choice(("accept", "forward", "assign", "not_accept"))
        if choice == "answer":
            states.answer(case, by=by, now=now, result="当场解释政策，信访人表示理解",
                          satisfaction=rng.choice(("satisfied", "fairly_satisfied", "dissatisfied")))
        elif choice == "accept":
            states.accept(case, by=by, now=now)
            roll = rng.random()
            if roll < 0.05:
                return  # never replied: overdue
            if roll < 0.20:
                self.later(day, rng.randint(45, 58), "extend", case.id)
                self.later(day, rng.randint(62, 88), "reply", case.id)
            else:
                self.later(day, rng.randint(10, 58), "reply", case.id)
        elif choice == "forward":
            states.forward(case, by=by, now=now, body=rng.choice(self.bodies))
            if rng.random() < 0.9:
                self.later(day, rng.randint(5, 40), "close", case.id)
        elif choice == "assign":
            due = day + timedelta(days=rng.randint(20, 60))
            states.assign(case, by=by, now=now, to=rng.choice(self.bodies), due_on=due)
            if rng.random() < 0.95:
                self.later(day, (due - day).days + rng.randint(-15, 5), "reply", case.id)
        else:
            states.not_accept(case, by=by, now=now, reason=rng.choice(REASONS),
                              channel=rng.choice(CHANNELS))
            self.later(day, rng.randint(1, 10), "close", case.id)
        self.summary.count(f"decide_{choice}")

    def _extend(self, case: Case, *, by: str, now: datetime) -> None:
        states.extend(case, by=by, now=now, days=30, reason="案情复杂，需进一步调查")

    def _close(self, case: Case, *, by: str, now: datetime) -> None:
        states.close(case, by=by, now=now, result="已办理完毕并告知信访人",
                     satisfaction=self.rng.choice(("satisfied", "fairly_satisfied", None)))

    # The office, as the sync agent's pull brings it.

    def _office(self, case: Case, facts: dict, now: datetime) -> None:
        version = self.office_version.get(case.id, 0) + 1
        self.office_version[case.id] = version
        change = {"case_id": case.id, "office_version": version, "office_updated_at": now,
                  **{name: getattr(case, name) for name in protocol.OFFICE_CASE_RULES
                     if name not in ("office_version", "office_updated_at")}, **facts}
        apply_office_change({name: protocol.encode_value(value) for name, value in change.items()})
        db.session.expire(case)

    def _reply(self, case: Case, *, by: str, now: datetime) -> None:
        day = local_date(now)
        self._office(case, transitions.reply(case, today=day, text="经调查核实，现书面答复如下"), now)
        roll = self.rng.random()
        if roll < 0.08:
            self.later(day, self.rng.randint(5, 25), "review", case.id)
        elif roll < 0.85:
            self.later(day, self.rng.randint(3, 20), "conclude", case.id)

    def _conclude(self, case: Case, *, by: str, now: datetime) -> None:
        self._office(case, transitions.conclude(case, today=local_date(now)), now)

    def _review(self, case: Case, *, by: str, now: datetime) -> None:
        day = local_date(now)
        self._office(case, transitions.request_review(case, today=day), now)
        if self.rng.random() < 0.9:
            self.later(day, self.rng.randint(10, 29), "decide_review", case.id)

    def _decide_review(self, case: Case, *, by: str, now: datetime) -> None:
        self._office(case, transitions.decide_review(case, today=local_date(now),
                                                     result="维持原答复意见"), now)
