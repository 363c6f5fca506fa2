"""Checks of what a visitor types: the resident ID number and the phone.

Each way an entry can be wrong has its own reason, so the visitor is told
exactly what to fix rather than "invalid input". The reasons are lazy
translatable strings; the forms turn them into messages beside the field.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes are 010, 02X or 0XXX; local numbers 7 or 8 digits.
LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d{2})\d{7,8}")


class InvalidEntry(ValueError):
    """A visitor's entry that cannot be accepted; `reason` is shown to them."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


def clean_id_number(value: str, today: date | None = None) -> str:
    """The 18-character resident ID number (GB 11643), or InvalidEntry saying why not."""
    number = "".join((value or "").split()).upper()
    if len(number) != 18:
        raise InvalidEntry(_l("An ID number has 18 characters; %(count)d were entered.",
                              count=len(number)))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidEntry(_l("An ID number has 17 digits, then a digit or X."))
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:  # an impossible date such as 19990231
        birth = None
    today = today or date.today()
    if birth is None or birth.year < 1900 or birth > today:
        raise InvalidEntry(_l("The birth date in this ID number (characters 7 to 14) is not a real date."))
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidEntry(_l("The last character does not match the others; please check each digit."))
    return number


def clean_phone(value: str) -> str:
    """A mobile number (1[3-9] and 9 digits) or a landline with its area code."""
    number = re.sub(r"[\s\-()]", "", value or "")
    if not number.isdigit():
        raise InvalidEntry(_l("A phone number has digits only."))
    if number.startswith("1"):
        if not MOBILE.fullmatch(number):
            raise InvalidEntry(_l("A mobile number has 11 digits and starts with 13 to 19."))
        return number
    if number.startswith("0"):
        if not LANDLINE.fullmatch(number):
            raise InvalidEntry(_l("A landline needs its area code and a 7 or 8 digit number."))
        return number
    raise InvalidEntry(_l("Enter a mobile number, or a landline starting with its area code (0…)."))
