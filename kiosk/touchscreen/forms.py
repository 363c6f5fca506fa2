"""Forms of the touch screen; every field is checked again on the server."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from appkit.forms import Cleaned, Form
from petition import text
from petition.identity import clean_id_number, clean_phone
from petition.vocabulary import CATEGORIES, MAX_GROUP_SIZE, MAX_REPRESENTATIVES, SERVICES


class StartForm(Form):
    service = SelectField(choices=[SelectChoice(code) for code in SERVICES],
                          validators=[InputRequired()])


class AcknowledgeForm(Form):
    """The personal-data notice: only 我已知晓 goes on."""


class RestartForm(Form):
    pass


class LanguageForm(Form):
    locale = StringField(validators=[InputRequired(), Cleaned(text.cleaner(20))])
    next = StringField(validators=[Optional(), Cleaned(text.cleaner(200))])


class IdentityForm(Form):
    id_number = StringField(_l("ID card number"), validators=[
        InputRequired(_l("Please enter your ID card number.")), Length(max=40),
        Cleaned(clean_id_number)])
    phone = StringField(_l("Phone number"), validators=[
        InputRequired(_l("Please enter a phone number we can reach you on.")), Length(max=30),
        Cleaned(clean_phone)])
    name = StringField(_l("Name (optional, can be given at the window)"),
                       validators=[Optional(), Cleaned(text.cleaner(50))])
    address = StringField(_l("Address (optional)"), validators=[
        Optional(), Length(max=200, message=_l("Please shorten the address to 200 characters.")),
        Cleaned(text.cleaner(200))])
    group_size = IntegerField(_l("Number of people in the group"), validators=[
        Optional(), NumberRange(2, MAX_GROUP_SIZE,
                                _l("A group has 2 to %(max)d people.", max=MAX_GROUP_SIZE))])
    representative_count = IntegerField(_l("Number of representatives"), validators=[
        Optional(), NumberRange(1, MAX_REPRESENTATIVES,
                                _l("A group chooses 1 to %(max)d representatives.",
                                   max=MAX_REPRESENTATIVES))])

    def __init__(self, *args, group: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        if not group:
            del self.group_size
            del self.representative_count

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.group:
            for field, message in (
                (self.group_size, _l("Please enter how many people came.")),
                (self.representative_count, _l("Please enter how many representatives the group chose.")),
            ):
                if field.data is None and not field.errors:
                    field.errors.append(message)
                    valid = False
            if (valid and self.representative_count.data > self.group_size.data):
                self.representative_count.errors.append(
                    _l("There cannot be more representatives than people."))
                valid = False
        return valid


class MatterForm(Form):
    category = RadioField(_l("What kind of matter is it?"),
                          choices=[SelectChoice(code) for code in CATEGORIES],
                          validators=[InputRequired(_l("Please choose the kind of matter."))])
    body = SelectField(_l("Which body does it concern?"), validate_choice=True,
                       validators=[Optional()])
    matter = TextAreaField(_l("Your matter in a few words (optional)"), validators=[
        Optional(), Length(max=500, message=_l("Please keep it to 500 characters; the window takes the rest.")),
        Cleaned(text.cleaner(text.LONG_TEXT, multiline=True))])
    request = TextAreaField(_l("What you ask for (optional)"), validators=[
        Optional(), Length(max=500, message=_l("Please keep it to 500 characters; the window takes the rest.")),
        Cleaned(text.cleaner(text.LONG_TEXT, multiline=True))])


class ConfirmForm(Form):
    """The review screen's 确认并取号: the visit's idempotency key (the confirm view reads it
    from the request without binding this form: the hot path of every registration)."""

    KEY_LENGTH = (16, 64)

    key = HiddenField(validators=[InputRequired(), Length(min=KEY_LENGTH[0], max=KEY_LENGTH[1])])
