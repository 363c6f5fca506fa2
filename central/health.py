"""`GET /healthz` of the office app, for a load balancer in front of its worker processes.

200 with `ok: true` when the database answers and its migrations are the ones this
code ships; 503 otherwise, with what is wrong. No sign-in, nothing personal.
"""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from appkit.migrations import migration_heads

from .extensions import db, migrate

bp = Blueprint("health", __name__)


def version() -> str:
    try:
        return metadata.version("jiedai")
    except metadata.PackageNotFoundError:
        return "unknown"


@bp.get("/healthz")
def healthz():
    report = {"app": "central", "version": current_app.config["APP_VERSION"]}
    try:
        db.session.execute(text("SELECT 1"))
        applied, heads = migration_heads(db.engine, migrate)
    except SQLAlchemyError as error:
        db.session.rollback()
        report.update(database="unreachable", migrations="unknown", ok=False, error=type(error).__name__)
        return report, 503
    current = applied == heads
    report.update(database="ok", migrations="current" if current else "pending",
                  migration_revision=sorted(applied), ok=current)
    return report, 200 if current else 503
