"""The fixed vocabularies of a petition: services (kinds of visit), categories, decisions, satisfaction.

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


#: The window's first decision on a matter (处理方式).
DISPOSITIONS = {"answered": _l("Answered on the spot"), "accepted": _l("Accepted"),
                "forwarded": _l("Forwarded"), "assigned": _l("Assigned"),
                "not_accepted": _l("Not accepted")}

#: How satisfied the petitioner is (满意/基本满意/不满意), at the window or with the handling.
SATISFACTION = {"satisfied": _l("Satisfied"), "fairly_satisfied": _l("Fairly satisfied"),
                "dissatisfied": _l("Dissatisfied")}
