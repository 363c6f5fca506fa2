"""The rules every piece of text follows, wherever it comes from: a form, a card, a push.

One set of rules for the visitor's and the staff's forms of both apps and for
every text field the sync protocol carries, so what a form accepted is what
the office accepts:

- no control character (NUL, tab, escape, …) except a line break in a
  multi-line field; a form's CR LF becomes LF;
- no lone surrogate (half of a UTF-16 pair, which is not a character and
  which PostgreSQL refuses);
- at most the column's length, counted in characters.

A NUL typed at the kiosk would otherwise be stored there and refused by the
office's PostgreSQL for ever. Each way a text can be wrong has its own
reason, with the position of the offending character, because a control
character is invisible: the person correcting it needs to know where it is.
"""

from __future__ import annotations

import re
from typing import Callable

from flask_babel import lazy_gettext as _l

from .identity import InvalidEntry

#: The longest free text (the matter, the request, a reply, a reason): the staff forms' limit.
LONG_TEXT = 5000

# The codes a text can be refused with (the sync protocol names them to the kiosk).
CONTROL, SURROGATE, TOO_LONG = "control_character", "lone_surrogate", "too_long"

# Unicode's control characters (category Cc: C0, DEL, C1) and surrogates (Cs), as one search
# in C: the receiver runs it on every text of every pushed record.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_MULTILINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def problem(value: str, max_length: int | None, *, multiline: bool = False) -> tuple[str, int] | None:
    """(code, position from 1) of the first thing wrong with `value`, or None when it is fine.

    `value` is already normalised (`normalise`): a multi-line field may hold LF, never CR.
    """
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(value)
    if found is not None:
        return (SURROGATE if "\ud800" <= found.group() <= "\udfff" else CONTROL), found.start() + 1
    if max_length is not None and len(value) > max_length:
        return TOO_LONG, len(value)
    return None


def normalise(value: str, *, multiline: bool = False) -> str:
    """A form's line breaks (CR LF, lone CR) as LF in a multi-line field; nothing else changes."""
    if multiline and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def reason(code: str, position: int, max_length: int | None):
    """What the person at the screen is told, as a lazy translatable string."""
    if code == TOO_LONG:
        return _l("Please keep this to %(max)d characters; it has %(count)d.",
                  max=max_length or 0, count=position)
    if code == SURROGATE:
        return _l("Character %(position)d is not a valid character; please type this again.",
                  position=position)
    return _l("Character %(position)d is an invisible control character; please type this again "
              "without it.", position=position)


def clean(value: str, max_length: int | None, *, multiline: bool = False) -> str:
    """`value` normalised, or InvalidEntry saying what is wrong and where."""
    value = normalise(value, multiline=multiline)
    found = problem(value, max_length, multiline=multiline)
    if found is not None:
        raise InvalidEntry(reason(*found, max_length))
    return value


def cleaner(max_length: int | None, *, multiline: bool = False) -> Callable[[str], str]:
    """`clean` with the field's rules fixed, for a form field's validator."""

    def run(value: str) -> str:
        return clean(value, max_length, multiline=multiline)

    run.max_length, run.multiline = max_length, multiline  # what the input-rules test reads
    return run
