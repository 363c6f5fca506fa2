"""The case desk's forms: sign in, and each of the office's steps on a case."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from appkit.forms import Cleaned
from petition import text
from petition.vocabulary import SATISFACTION

_long_text = Cleaned(text.cleaner(text.LONG_TEXT, multiline=True))


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Cleaned(text.cleaner(64))])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class StepForm(FlaskForm):
    """A step with nothing to fill in (conclude)."""


class ReplyForm(FlaskForm):
    text = TextAreaField(_l("Reply to the petitioner"), validators=[DataRequired(), _long_text])


class RequestForm(FlaskForm):
    requested_on = DateField(_l("Request received on (empty: today)"), validators=[Optional()])


class DecisionForm(FlaskForm):
    result = TextAreaField(_l("The answer"), validators=[DataRequired(), _long_text])


class EvaluationForm(FlaskForm):
    evaluation = SelectField(_l("The petitioner's evaluation"), validators=[DataRequired()],
                             choices=[SelectChoice(code, label) for code, label in SATISFACTION.items()])


# Each office step: its form and how the form's fields become the step's arguments.
STEPS = {
    "reply": (ReplyForm, lambda f: {"text": f.text.data}),
    "conclude": (StepForm, lambda f: {}),
    "request_review": (RequestForm, lambda f: {"requested_on": f.requested_on.data}),
    "decide_review": (DecisionForm, lambda f: {"result": f.result.data}),
    "request_reexam": (RequestForm, lambda f: {"requested_on": f.requested_on.data}),
    "decide_reexam": (DecisionForm, lambda f: {"result": f.result.data}),
    "evaluate": (EvaluationForm, lambda f: {"evaluation": f.evaluation.data}),
}


def step_forms() -> dict[str, FlaskForm]:
    return {name: form_class(prefix=name) for name, (form_class, _args) in STEPS.items()}


class SearchForm(FlaskForm):
    """The one search box; posted, so an ID number or phone never lands in a URL or a log."""

    q = StringField(_l("Query code, ID number, phone or name"),
                    validators=[DataRequired(), Cleaned(text.cleaner(64))])


class SameMatterForm(FlaskForm):
    """Which earlier case of the petitioner this case is the same matter as (empty: none)."""

    earlier = SelectField(_l("Same matter as"), choices=[], validate_choice=True)
