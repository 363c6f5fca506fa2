"""`GET /healthz`: is the database reachable, are the migrations current; and the kiosk's
health summary (printer, card reader, disk, last backup: kiosk/maintenance/health.py)."""

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..database import migration_heads
from ..extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    report = {"version": current_app.config["APP_VERSION"],
              "kiosk_id": current_app.config["KIOSK_ID"]}
    try:
        db.session.execute(text("SELECT 1"))
        applied, heads = migration_heads()
    except SQLAlchemyError as error:
        report.update(database="unreachable", migrations="unknown", ok=False,
                      error=type(error).__name__)
        return report, 503
    current = applied == heads
    report.update(database="ok", migrations="current" if current else "pending",
                  migration_revision=sorted(applied), ok=current)
    if current:
        from ..sync_agent.agent import status as sync_status

        sync = sync_status()
        report["sync"] = {key: sync[key] for key in
                          ("configured", "last_success_at", "last_error", "backlog",
                           "backlog_capped")}
        from ..maintenance.health import summary

        report.update({key: value for key, value in summary().items() if key != "kiosk_id"})
    return report, 200 if current else 503
