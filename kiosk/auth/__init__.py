"""Staff accounts: signing in and out of the console, roles, idle sign-out.

Flask-Login keeps the signed-in member of staff in the session cookie
(HttpOnly, SameSite=Lax, set in the factory). A console left alone for
KIOSK_STAFF_IDLE_MINUTES is signed out at its next request; the background
refresh of the queue does not count as activity, so an unattended console
still times out.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from appkit.signin import idle_signed_out, load_session_user
from petition.clock import utcnow

from ..extensions import db
from ..models import StaffUser

bp = Blueprint("auth", __name__, url_prefix="/staff")
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Please sign in to use the staff console.")
login_manager.login_message_category = "info"

# Endpoints a page calls by itself (polling): they neither count as activity
# nor keep an idle console signed in.
PASSIVE_ENDPOINTS: set[str] = set()


@login_manager.user_loader
def _load_user(value: str) -> StaffUser | None:
    """The signed-in user, if the cookie's session token is still theirs (appkit.signin)."""
    return load_session_user(value, lambda user_id: db.session.get(StaffUser, user_id[:36]))


def _idle_sign_out():
    if idle_signed_out("staff_seen", current_app.config["KIOSK_STAFF_IDLE_MINUTES"], utcnow(),
                       passive=request.endpoint in PASSIVE_ENDPOINTS):
        flash(_l("You were signed out after a while without activity."), "info")
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_idle_sign_out)
    from . import cli

    app.cli.add_command(cli.user)


from . import routes  # noqa: E402,F401  (routes register themselves on bp)
