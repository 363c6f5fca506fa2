"""The desk's door: each view's permission (central/roles.py), checked before it runs.

`requires(permission)` marks a view; `open_view` marks one any visitor may reach
(signing in). The blueprint's guard sends a visitor who has not signed in to the
sign-in page and refuses a signed-in user whose role lacks the view's permission
with a 403 page; a view with no mark needs `Permission.CASES`. So every desk view
is closed unless it says otherwise.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from ..roles import Permission, can
from . import bp

DEFAULT = Permission.CASES


def requires(permission: Permission):
    def mark(view):
        view.desk_permission = permission
        return view
    return mark


def open_view(view):
    view.desk_permission = None
    return view


def permission_of(endpoint: str | None) -> Permission | None:
    """The permission a desk view needs; None for an open view or no view at all."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "desk_permission", DEFAULT) if view is not None else None


@bp.before_request
def _guard():
    needed = permission_of(request.endpoint)
    if needed is None:
        return None  # an open view, or no such page (404)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not can(current_user, needed):
        return render_template("desk/forbidden.html"), 403
    return None


@bp.app_context_processor
def _permissions():
    return {"can": lambda name: can(current_user, Permission(name)), "Permission": Permission}
