"""Forms of the sign-in page and the admin's account page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from appkit.forms import Cleaned
from petition import text

from .operations import MIN_PASSWORD, ROLES

ROLE_LABELS = {"receptionist": _l("Receptionist"), "supervisor": _l("Supervisor"),
               "admin": _l("Administrator")}


class SignInForm(FlaskForm):
    username = StringField(_l("Name"), validators=[DataRequired(), Cleaned(text.cleaner(64))])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SignOutForm(FlaskForm):
    pass


class UserForm(FlaskForm):
    username = StringField(_l("Name"), validators=[DataRequired(), Cleaned(text.cleaner(64))])
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    confirm = PasswordField(_l("Password again"),
                            validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))])
