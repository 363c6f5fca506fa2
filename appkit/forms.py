"""WTForms glue both apps' forms share: a field checked by a rule of the domain.

`Cleaned(rule)` runs `rule(data)` on a filled-in field: the rule returns the
value to keep (normalised) or raises a ValueError whose text is the message
shown beside the field. The rules themselves live in the domain
(petition.text for every text field, petition.identity for ID and phone
numbers), which this module does not import.

`posted_step` is how a case page takes one of its step forms (the window's at
the kiosk, the office's at the desk): the form posted, checked, or the page
again with the fields to correct.

`Form` is Flask-WTF's form with WTForms' own messages (required field, not a
number …) read once per process instead of on every request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from babel import support
from flask import abort, current_app, flash
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path
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


class _WTFormsMessages:
    """WTForms' own messages in the request's language, each catalog read once per process.

    Flask-WTF reads and parses the catalog again on every request that makes a
    form; the catalogs never change while the app runs.
    """

    @staticmethod
    def _catalog():
        return _wtforms_catalog(str(get_locale()))

    def gettext(self, string: str) -> str:
        return self._catalog().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ungettext(singular, plural, n)


@lru_cache(maxsize=16)
def _wtforms_catalog(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """A Flask-WTF form whose WTForms messages come from the per-process catalogs above."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return MESSAGES


MESSAGES = _WTFormsMessages()


def posted_step(forms: Mapping[str, FlaskForm], step: str) -> FlaskForm | None:
    """The posted form of `step`, if it validates; None when its fields need correcting (they
    are marked, and a message asks for it: the caller shows the page again). A step that is
    not one of `forms` is not found."""
    if step not in forms:
        abort(404)
    form = forms[step]
    if form.validate():
        return form
    flash(_("Please correct the marked fields."), "error")
    return None
