"""Response headers and error pages shared by every blueprint.

The headers (appkit/security.py) keep every page to the kiosk's own assets
and out of the browser's cache. Every error a user can cause ends on a calm
page, never a 500 stack trace.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from appkit.security import deploy, refuse_nul, secure_headers


def init_app(app: Flask) -> None:
    deploy(app, trusted_proxies=app.config["KIOSK_TRUSTED_PROXIES"], https=app.config["KIOSK_HTTPS"])
    app.before_request(refuse_nul)
    app.after_request(secure_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def _error_template() -> str:
    """Staff pages keep the console's frame; everything else the touch screen's."""
    return "staff/error.html" if request.path.startswith("/staff/") else "error.html"


def _csrf_error(error: CSRFError):
    return render_template(
        _error_template(),
        title=_("This page has expired"),
        message=_("For your privacy the form was reset. Please start again."),
    ), 400


def _http_error(error: HTTPException):
    if error.response is not None:  # an answer made already (the sign-in limit's short page)
        return error.response
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": error.name, "status": error.code}, error.code
    messages = {
        404: _("This page does not exist."),
        405: _("This page cannot be used that way."),
        413: _("What was sent is too large."),
        403: _("Your account may not open this page."),
    }
    return render_template(
        _error_template(),
        title=_("Sorry"),
        message=messages.get(error.code, _("Something went wrong with that request.")),
    ), error.code
