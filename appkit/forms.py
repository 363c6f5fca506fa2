"""WTForms glue both apps' forms share: a field checked by a rule of the domain.

`Cleaned(rule)` runs `rule(data)` on a filled-in field: the rule returns the
value to keep (normalised) or raises a ValueError whose text is the message
shown beside the field. The rules themselves live in the domain
(petition.text for every text field, petition.identity for ID and phone
numbers), which this module does not import.
"""

from __future__ import annotations

from collections.abc import Callable

from wtforms.validators import ValidationError


class Cleaned:
    def __init__(self, rule: Callable[[str], str]):
        self.rule = rule

    def __call__(self, form, field) -> None:
        if field.data is None or field.data == "":
            return
        try:
            field.data = self.rule(field.data)
        except ValueError as error:
            raise ValidationError(str(getattr(error, "reason", error))) from None
