"""The case desk (案件办理台) for the central office's signed-in staff.

One module of views per page: signin (and the idle sign-out), cases (the
list, paged by keyset with its filters in the URL, and a case's page with the
office's steps), search (one box: query code, ID number, phone, part of a
name), petitioners (one person across halls, and the same-matter link),
kiosks; supervision (督查督办) and figures; admin (accounts and kiosks). Each
view names the permission it needs (access.py, roles.py). Every view and change
of a case, and every search, is audited.
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
    from . import access, admin, cases, figures, kiosks, petitioners, search, signin, supervision  # noqa: F401  (the guard, then the views register themselves on bp)

    app.register_blueprint(bp)


@login_manager.user_loader
def _load_user(value: str):
    """The signed-in desk user, if the cookie's session token is still theirs: a disabled user,
    a sign-out elsewhere or a new password signs every session out at once (appkit.signin)."""
    return load_session_user(value, lambda user_id: db.session.get(StaffUser, int(user_id))
                             if user_id.isascii() and user_id.isdigit() and len(user_id) < 10 else None)
