"""The console's view of the sync with the central office, and 立即同步 (sync now).

The console shows when records last reached the office, the last error and
how many records wait to be sent; the button starts a sync in the background
(kiosk/sync_agent/background.py) so the receptionist's page never waits on the network.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _

from petition.clock import local

from ..auth.routes import role_required
from ..sync_agent import agent
from ..sync_agent.background import background
from . import bp
from .forms import ActionForm


def sync_panel() -> dict:
    """What the console shows of sync: agent.status() in local time, and whether one runs now."""
    app = current_app._get_current_object()
    status = agent.status(app)

    def shown(moment: str | None) -> str | None:
        return local(datetime.fromisoformat(moment)).strftime("%m-%d %H:%M") if moment else None

    return {**status, "running": background(app).running,
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
