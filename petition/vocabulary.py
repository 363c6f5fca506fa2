"""The fixed vocabularies of a visit: services (kinds of visit) and categories.

Labels are lazy translatable strings, so the same code serves the Chinese
screen and the English switch.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Service:
    code: str
    prefix: str
    label: object
    hint: object


SERVICES = {
    service.code: service
    for service in (
        Service("individual", "A", _l("Personal visit"), _l("One person with their own matter")),
        Service("group", "B", _l("Group visit"), _l("Several people with one shared matter")),
        Service("deputy", "C", _l("Deputy visit"), _l("A people's congress deputy, or a visit with one")),
    )
}


@dataclass(frozen=True)
class Category:
    code: str
    label: object
    explanation: object


CATEGORIES = {
    category.code: category
    for category in (
        Category("suggestion", _l("Suggestions and opinions"),
                 _l("Ideas or criticism about the work of state bodies")),
        Category("accusation", _l("Reports and accusations"),
                 _l("Reporting illegal acts or misconduct of officials or bodies")),
        Category("appeal", _l("Appeals and requests"),
                 _l("Asking for your own rights and interests to be resolved")),
    )
}

MAX_REPRESENTATIVES = 5
MAX_GROUP_SIZE = 500


VISIT_STATUS = {
    "waiting": _l("Waiting to be received at the window"),
    "called": _l("Being received at the window"),
    "serving": _l("Being received at the window"),
    "done": _l("Received at the window"),
    "no_show": _l("Called, but not received: please ask at the window"),
}

CASE_STATUS = {
    "registered": _l("Registered, waiting for a decision"),
    "answered": _l("Answered on the spot"),
    "accepted": _l("Accepted, being handled"),
    "forwarded": _l("Forwarded to the competent body"),
    "assigned": _l("Assigned for handling, with follow-up"),
    "not_accepted": _l("Not accepted: see the written notice"),
    "replied": _l("Replied"),
    "closed": _l("Closed"),
}


def status_label(visit) -> object:
    """What a visitor is told about their visit.

    The central office's handling status (from the last sync) is the newest
    word on a case; before it has one, the window's decision; before that,
    where the visit is in the queue.
    """
    case = visit.case
    if case is not None and case.central_status:
        return CASE_STATUS.get(case.central_status, case.central_status)
    case_status = case.status if case is not None else "registered"
    if case_status != "registered":
        return CASE_STATUS.get(case_status, case_status)
    return VISIT_STATUS.get(visit.status, visit.status)
