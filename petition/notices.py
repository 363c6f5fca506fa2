"""Which written notice (书面告知) a window decision produces, and what it needs first.

An accepted matter gets a 受理告知书 with the date its reply is due; a matter
not accepted gets a 不予受理告知书 with the reason and the proper channel.
Both are addressed to the petitioner about their matter, so both need the
registration taken at the window (接谈登记): the petitioner's name and the
matter. Other decisions produce no notice.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

ACCEPTANCE = "acceptance"
NOT_ACCEPTED = "not_accepted"

_BY_DISPOSITION = {"accepted": ACCEPTANCE, "not_accepted": NOT_ACCEPTED}


def notice_for(case: Any) -> str | None:
    """The notice this case's decision produces, or None."""
    return _BY_DISPOSITION.get(getattr(case, "disposition", None))


def refusal(case: Any, person: Any) -> Any | None:
    """Why a notice cannot be issued for this case now (a message), or None when it can."""
    if notice_for(case) is None:
        return _l("A written notice exists only for an accepted or a not-accepted case.")
    if person is None or not (person.name or "").strip() or not (case.matter or "").strip():
        return _l("A notice needs the saved registration: the petitioner's name and the matter. "
                  "Save the registration at the visit first.")
    return None
