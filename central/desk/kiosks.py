"""The desk's page of kiosks: per hall the last push and pull, the records held, the last error,
and the health each kiosk reported with its last sync."""

from __future__ import annotations

from flask import render_template

from .. import fleet
from ..roles import Permission
from . import bp, operations
from .access import requires


@bp.get("/kiosks")
@requires(Permission.SYNC_STATUS)
def kiosks():
    return render_template("desk/kiosks.html", overview=operations.kiosk_overview(), fleet=fleet)
