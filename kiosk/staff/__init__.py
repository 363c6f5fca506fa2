"""The staff console under /staff/: queue and calling, registration at the window,
cases and time limits, the supervisor's figures and audit log, accounts."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from . import admin, cases, console, documents, print_jobs, supervisor, syncing, visits  # noqa: E402,F401  (routes register on bp)
