"""The case desk's forms: sign in, and set a case's handling."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from petition.vocabulary import CASE_STATUS
from sync.protocol import CENTRAL_STATUSES


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class HandlingForm(FlaskForm):
    status = SelectField(_l("Handling status"),
                         choices=[SelectChoice(code, CASE_STATUS[code]) for code in CENTRAL_STATUSES])
    reply = TextAreaField(_l("Reply to the petitioner"), validators=[Length(max=5000)])
