"""Forms of the staff console. Every one carries the CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from appkit.forms import Cleaned
from petition import text
from petition.identity import clean_id_number, clean_phone
from petition.limits import MAX_EXTENSION_DAYS
from petition.vocabulary import CATEGORIES, MAX_GROUP_SIZE, MAX_REPRESENTATIVES, SATISFACTION, SERVICES

MAX_MATERIALS = 6


def options(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


GENDERS = {"": "—", "male": _l("Male"), "female": _l("Female")}


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token and the ids it names."""

    visit_id = HiddenField()


class WindowForm(FlaskForm):
    window = IntegerField(_l("Window"), validators=[DataRequired(), NumberRange(min=1, max=99)])


class CallNextForm(FlaskForm):
    service = SelectField(_l("Service"), choices=options([("", _l("Any service"))] + [
        (code, service.label) for code, service in SERVICES.items()]), validate_choice=True)


class TransferForm(FlaskForm):
    visit_id = HiddenField(validators=[DataRequired()])
    to_window = IntegerField(_l("To window"), validators=[Optional(), NumberRange(min=1, max=99)])
    # Checked by the queue operation, which names the problem; a missing select is "none".
    to_service = SelectField(_l("To service"), choices=options([("", "—")] + [
        (code, service.label) for code, service in SERVICES.items()]), validate_choice=False)


_id_number, _phone = Cleaned(clean_id_number), Cleaned(clean_phone)


def _text(length: int) -> Cleaned:
    return Cleaned(text.cleaner(length))


def _long_text(length: int = text.LONG_TEXT) -> Cleaned:
    return Cleaned(text.cleaner(length, multiline=True))


class RepresentativeForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), _text(50)])
    id_number = StringField(_l("ID number"), validators=[Optional(), _id_number])
    phone = StringField(_l("Phone"), validators=[Optional(), _phone])


class MaterialForm(Form):
    name = StringField(_l("Material"), validators=[Optional(), _text(100)])
    count = IntegerField(_l("Count"), validators=[Optional(), NumberRange(min=1, max=999)])


class RegistrationForm(FlaskForm):
    """接谈登记: everything the receptionist completes with the person at the window."""

    name = StringField(_l("Name"), validators=[DataRequired(), _text(50)])
    gender = SelectField(_l("Gender"), choices=options(GENDERS.items()))
    id_number = StringField(_l("ID number"), validators=[DataRequired(), _id_number])
    phone = StringField(_l("Phone"), validators=[DataRequired(), _phone])
    address = StringField(_l("Address"), validators=[Optional(), _text(200)])
    is_deputy = BooleanField(_l("People's congress deputy"))
    category = SelectField(_l("Category"), choices=options((code, c.label) for code, c in CATEGORIES.items()))
    body_name = SelectField(_l("Body concerned"), choices=[], validate_choice=False)
    matter = TextAreaField(_l("The matter"), validators=[DataRequired(), _long_text()])
    request = TextAreaField(_l("The request"), validators=[DataRequired(), _long_text()])
    group_size = IntegerField(_l("Group size"), validators=[Optional(), NumberRange(min=1, max=MAX_GROUP_SIZE)])
    representatives = FieldList(FormField(RepresentativeForm), min_entries=MAX_REPRESENTATIVES,
                                max_entries=MAX_REPRESENTATIVES)
    materials = FieldList(FormField(MaterialForm), min_entries=MAX_MATERIALS, max_entries=MAX_MATERIALS)
    urgent = BooleanField(_l("Urgent"))
    joint_supervision = BooleanField(_l("Joint supervision"))

    def validate_body_name(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a body from the list."))


class LinkCaseForm(FlaskForm):
    case_id = HiddenField(validators=[DataRequired()])


class AcceptForm(FlaskForm):
    """受理 needs nothing but the decision (and the CSRF token)."""


class AnswerForm(FlaskForm):
    result = TextAreaField(_l("Answer given"), validators=[DataRequired(), _long_text()])
    satisfaction = SelectField(_l("Satisfaction"), choices=options([("", "—")] + list(SATISFACTION.items())))


class CloseForm(AnswerForm):
    result = TextAreaField(_l("Result"), validators=[DataRequired(), _long_text()])


class ForwardForm(FlaskForm):
    # One of the bodies listed (涉及单位), never free text.
    body = SelectField(_l("Body"), choices=[], validators=[DataRequired()])


class AssignForm(FlaskForm):
    body = SelectField(_l("Body"), choices=[], validators=[DataRequired()])
    due_on = DateField(_l("Due date"), validators=[DataRequired()])


class NotAcceptForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), _long_text(2000)])
    channel = TextAreaField(_l("Proper channel"), validators=[DataRequired(), _long_text(2000)])


class ExtendForm(FlaskForm):
    days = IntegerField(_l("Days"), validators=[DataRequired(), NumberRange(min=1, max=MAX_EXTENSION_DAYS)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), _long_text(2000)])
