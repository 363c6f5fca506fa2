"""The visitor's touch screen: welcome, notice, identity, matter, review, ticket."""

from flask import Blueprint

bp = Blueprint("touchscreen", __name__)

from ..visits.states import status_label  # noqa: E402

bp.add_app_template_global(status_label)

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
