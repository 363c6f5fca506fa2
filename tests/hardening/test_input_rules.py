"""One set of input rules: every text field of every form, and every pushed field, by petition.text.

Walks every form class of both apps: each text field (not passwords, not
hidden fields) carries the text rule, multi-line exactly when it is a text
area, never longer than the column it fills; and the protocol's lengths are
the kiosk's columns, so what a form accepts, the office accepts.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import String
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from appkit.forms import Cleaned
from petition import text
from petition.identity import clean_id_number, clean_phone
from sync import protocol

FORM_MODULES = ("kiosk.touchscreen.forms", "kiosk.staff.forms", "kiosk.auth.forms", "central.desk.forms")


def form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, (Form, FlaskForm)) and cls.__module__ == name:
                yield cls


def text_fields():
    for cls in form_classes():
        for attr, value in vars(cls).items():
            if isinstance(value, UnboundField) and issubclass(value.field_class, StringField) \
                    and not issubclass(value.field_class, (PasswordField, HiddenField)):
                yield f"{cls.__module__}.{cls.__name__}.{attr}", value


@pytest.mark.parametrize("name, field", list(text_fields()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_text_field_follows_the_text_rules(name, field):
    validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
    cleaned = [v.rule for v in validators if isinstance(v, Cleaned)]
    if cleaned and cleaned[0] in (clean_id_number, clean_phone):
        return  # digits (and X) only, of a fixed length: stricter than the text rules
    rules = [rule for rule in cleaned if hasattr(rule, "max_length")]
    assert rules, f"{name} has no petition.text rule"
    [rule] = rules
    assert rule.multiline == issubclass(field.field_class, TextAreaField), name
    assert rule.max_length is not None and rule.max_length <= text.LONG_TEXT, name


def test_the_list_of_text_fields_is_the_whole_of_them():
    """Not vacuous: the walk finds the forms' text fields, staff and visitor, both apps."""
    names = {name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] for name, _ in text_fields()}
    assert {"IdentityForm.name", "MatterForm.matter", "RegistrationForm.address", "ReplyForm.text",
            "SignInForm.username", "LoginForm.username", "NotAcceptForm.reason"} <= names


def test_the_protocols_lengths_are_the_kiosks_columns():
    from kiosk.sync_agent.agent import MODELS

    for table, rules in protocol.ALL_RULES.items():
        columns = MODELS[table].__table__.c
        for column, rule in rules.items():
            if rule.kind != protocol.STR:
                continue
            kind = columns[column].type
            if isinstance(kind, String) and kind.length:
                assert rule.max_length == kind.length, (table, column)
            else:  # Text: the long-text limit, multi-line
                assert (rule.max_length, rule.multiline) == (text.LONG_TEXT, True), (table, column)


@pytest.mark.parametrize("value, multiline, problem", [
    ("赵六", False, None), ("赵\x00六", False, ("control_character", 2)), ("a\tb", False, ("control_character", 2)),
    ("a\nb", False, ("control_character", 2)), ("a\nb", True, None), ("a\ud800", True, ("lone_surrogate", 2)),
    ("\x85", True, ("control_character", 1)), ("x" * 51, False, ("too_long", 51)), ("‮", False, None),
])
def test_the_text_rule(value, multiline, problem):
    assert text.problem(value, 50, multiline=multiline) == problem
    assert text.clean("a\r\nb\rc", 10, multiline=True) == "a\nb\nc"
