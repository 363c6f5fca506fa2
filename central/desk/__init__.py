"""The case desk (案件办理台) for the central office's signed-in staff.

Every kiosk's cases, filtered by kiosk, status, category and due date; the
overdue and joint-supervision lists; a case's handling status and reply,
which flow back to the kiosk on its next sync; and, per kiosk, the last sync,
the records held and the last error. Every view and change of a case is audited.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from ..extensions import db, login_manager
from ..models import StaffUser

bp = Blueprint("desk", __name__, url_prefix="/desk")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "desk.login"
    login_manager.login_message = None
    from . import access, admin, figures, routes, supervision  # noqa: F401  (the guard and views)

    app.register_blueprint(bp)


@login_manager.user_loader
def _load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    return user if user is not None and user.active else None  # disabled: signed out at once
