"""The case desk (案件办理台) for the central office's signed-in staff.

Every kiosk's cases, filtered by kiosk, status, category and due date; the
overdue and joint-supervision lists; a case's handling status and reply,
which flow back to the kiosk on its next sync; and, per kiosk, the last sync,
the records held and the last error. Every view and change of a case is audited.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from appkit.signin import load_session_user

from ..extensions import db, login_manager
from ..models import StaffUser

bp = Blueprint("desk", __name__, url_prefix="/desk")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "desk.login"
    login_manager.login_message = None
    from . import routes  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)


@login_manager.user_loader
def _load_user(value: str):
    """The signed-in desk user, if the cookie's session token is still theirs: a disabled user,
    a sign-out elsewhere or a new password signs every session out at once (appkit.signin)."""
    return load_session_user(value, lambda user_id: db.session.get(StaffUser, int(user_id))
                             if user_id.isascii() and user_id.isdigit() and len(user_id) < 10 else None)
