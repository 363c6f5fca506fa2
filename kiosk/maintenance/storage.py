"""A full disk: the write is refused cleanly, the visitor is told calmly, the console warns.

SQLite answers a write it cannot make with SQLITE_FULL ("database or disk is
full") and rolls the transaction back, so a registration is either whole or
absent. This handler turns that refusal into a 503 page for the visitor (go to
the window) or the staff member (nothing was saved), instead of a 500, and
remembers when it happened so the console shows a banner.
"""

from __future__ import annotations

import errno
import logging
import time

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db

log = logging.getLogger("jiedai.storage")
_LAST_FULL = "jiedai.disk_full_at"
REMEMBER_SECONDS = 15 * 60


def is_disk_full(error: BaseException) -> bool:
    original = getattr(error, "orig", error)
    if isinstance(original, OSError) and original.errno == errno.ENOSPC:
        return True
    return "database or disk is full" in str(original) or "SQLITE_FULL" in str(original)


def disk_full_recently(app: Flask) -> bool:
    at = app.extensions.get(_LAST_FULL)
    return at is not None and time.monotonic() - at < REMEMBER_SECONDS


def init_app(app: Flask) -> None:
    def refused(error):
        if not is_disk_full(error):
            raise error
        db.session.rollback()
        app.extensions[_LAST_FULL] = time.monotonic()
        log.error("a write was refused: the disk is full (%s %s)", request.method, request.path)
        staff = request.path.startswith("/staff/")
        if request.accept_mimetypes.best == "application/json":
            return {"error": "disk_full", "status": 503}, 503
        return render_template(
            "staff/error.html" if staff else "error.html",
            title=_("Sorry, this cannot be saved now") if staff else _("Please go to the window"),
            message=_("The kiosk's disk is full, so nothing was saved. Free space or call the "
                      "district's support.") if staff else
            _("The kiosk cannot take registrations at the moment. Nothing was saved. Please go "
              "to the window, where staff will help you."),
        ), 503

    def retained(error):
        # The triggers of migration 0007_retention refuse changing a purged person.
        if "retention rule" not in str(getattr(error, "orig", error)):
            raise error
        db.session.rollback()
        return render_template(
            "staff/error.html" if request.path.startswith("/staff/") else "error.html",
            title=_("This record can no longer be changed here"),
            message=_("The personal data of this case was removed from the kiosk under the "
                      "retention rule; the central office keeps the full record."),
        ), 409

    app.register_error_handler(OperationalError, refused)
    app.register_error_handler(OSError, refused)
    app.register_error_handler(IntegrityError, retained)
