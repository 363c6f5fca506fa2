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

from ..extensions import db, login_manager
from ..models import StaffUser

bp = Blueprint("desk", __name__, url_prefix="/desk")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "desk.login"
    login_manager.login_message = None
    from . import (  # noqa: F401  (the guard, then the views register themselves on bp)
        access, admin, cases, figures, kiosks, petitioners, search, signin, supervision)

    app.register_blueprint(bp)


@login_manager.user_loader
def _load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    return user if user is not None and user.active else None  # disabled: signed out at once
