"""The console's view of the sync with the central office, and 立即同步 (sync now).

The console shows when records last reached the office, the last error and
how many records wait to be sent; the button starts a sync in the background
(kiosk/sync_agent/background.py) so the receptionist's page never waits on the network.

A record the office refused (kiosk/sync_agent/held.py) is listed with its
visit's ticket and the field at fault, linked to the registration page where
staff correct it; the next sync sends the corrected record.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from petition.clock import local

from ..auth.routes import role_required
from ..sync_agent import agent, held
from ..sync_agent.background import background
from . import bp
from .forms import ActionForm

# What a held record is, and why the office refused it, in the console's language.
RECORDS = {"person": _l("Person"), "case": _l("Matter"), "visit": _l("Visit"),
           "group_representative": _l("Representative"), "material": _l("Material")}
FIELDS = {"name": _l("Name"), "address": _l("Address"), "id_number": _l("ID number"),
          "phone": _l("Phone"), "matter": _l("The matter"), "request": _l("The request"),
          "result": _l("Result"), "extension_reason": _l("Reason"), "not_accepted_reason": _l("Reason"),
          "proper_channel": _l("Proper channel")}
REASONS = {
    "control_character": _l("contains an invisible control character: type it again"),
    "lone_surrogate": _l("contains a broken character: type it again"),
    "too_long": _l("is too long: shorten it"),
    "out_of_range": _l("is out of range"),
    "missing": _l("is missing"),
    "bad_value": _l("is not valid"),
    "wrong_kiosk": _l("belongs to another kiosk: tell the central office"),
}


def sync_panel() -> dict:
    """What the console shows of sync: agent.status() in local time, and whether one runs now."""
    app = current_app._get_current_object()
    status = agent.status(app)

    def shown(moment: str | None) -> str | None:
        return local(datetime.fromisoformat(moment)).strftime("%m-%d %H:%M") if moment else None

    return {**status, "running": background(app).running, "held_records": held.shown(),
            "held_labels": RECORDS, "held_fields": FIELDS, "held_reasons": REASONS,
            "last_success_local": shown(status["last_success_at"]),
            "last_error_local": shown(status["last_error_at"]),
            "next_nightly_local": shown(status["next_nightly_run"])}


@bp.post("/sync")
@role_required("receptionist")
def sync_now():
    if not ActionForm().validate():
        return redirect(url_for(".console"))
    runner = background(current_app._get_current_object())
    if not runner.configured():
        flash(_("Sync is not set up on this kiosk: set KIOSK_SYNC_URL and KIOSK_SYNC_KEY."), "error")
    elif runner.sync_now():
        flash(_("Sync with the central office has started."), "info")
    else:
        flash(_("A sync is already running."), "info")
    return redirect(url_for(".console"))
