"""Where a visit (来访) stands in the hall, named once for code and templates alike.

A ticket waits, is called to a window, is received there and is done, or the
visitor did not come when called. The matter behind it has its own life
(petition.lifecycle); `status_label` tells a visitor the newest word on both.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from petition.lifecycle import STATUS_LABELS, Status


class VisitStatus(StrEnum):
    WAITING = "waiting"    # 等候叫号
    CALLED = "called"      # 已叫号
    SERVING = "serving"    # 窗口接待中
    DONE = "done"          # 接待完毕
    NO_SHOW = "no_show"    # 叫号未到


#: Tickets at a window: called there, or being received there.
AT_WINDOW = (VisitStatus.CALLED, VisitStatus.SERVING)

LABELS = {
    VisitStatus.WAITING: _l("Waiting to be received at the window"),
    VisitStatus.CALLED: _l("Being received at the window"),
    VisitStatus.SERVING: _l("Being received at the window"),
    VisitStatus.DONE: _l("Received at the window"),
    VisitStatus.NO_SHOW: _l("Called, but not received: please ask at the window"),
}


def status_label(visit) -> object:
    """What a visitor is told about their visit.

    Once the matter has moved past registration (at the window or, after a
    sync, at the office), its status is the newest word; before that, where
    the visit is in the queue.
    """
    case = visit.case
    if case is not None and case.status != Status.REGISTERED:
        return STATUS_LABELS.get(case.status, case.status)
    return LABELS.get(visit.status, visit.status)
