"""The public progress page (办理进度查询): a query code shows its case's status and dates.

No sign-in and no personal data: only the status and the dates of the
office's handling. An unknown code and a malformed one get the same answer,
and each address may look up a limited number of codes per minute, so codes
cannot be enumerated (they carry 50 random bits as well). Behind a reverse
proxy, CENTRAL_TRUSTED_PROXIES makes `remote_addr` the visitor's address, not the proxy's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import delete, func, select, text

from petition import lifecycle, querycode
from petition.clock import utcnow_naive
from petition.lifecycle import STATUS_LABELS

from . import cases
from .extensions import db
from .models import ProgressLookup

bp = Blueprint("progress", __name__)
WINDOW = timedelta(seconds=60)


def allow(address: str, limit: int, now: datetime) -> bool:
    """Whether `address` may look up one more code: fewer than `limit` allowed in the last minute.

    Counted in the database (`progress_lookup`), so the limit holds across every worker
    process and restart. The check and the record are one transaction, serialised per
    address: PostgreSQL by an advisory lock on the address, SQLite by its write lock,
    which the first statement takes. Commits.
    """
    address, since = address[:64], now - WINDOW
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:address, 7))"),
                           {"address": address})
    db.session.execute(delete(ProgressLookup).where(ProgressLookup.address == address,
                                                    ProgressLookup.at <= since))
    recent = db.session.scalar(select(func.count()).select_from(ProgressLookup).where(
        ProgressLookup.address == address, ProgressLookup.at > since))
    allowed = recent < limit
    if allowed:
        lookup = ProgressLookup(address=address, at=now)
        db.session.add(lookup)
        db.session.flush()
        if lookup.id % 100 == 0:  # now and then, forget the addresses that went quiet
            db.session.execute(delete(ProgressLookup).where(ProgressLookup.at <= since))
    db.session.commit()
    return allowed


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.route("/", methods=["GET", "POST"])
def lookup():
    result, entered, status = None, "", 200
    if request.method == "POST":
        entered = (request.form.get("code") or "")[:64]
        if not allow(request.remote_addr or "-", current_app.config["CENTRAL_PROGRESS_PER_MINUTE"],
                     utcnow_naive()):
            result, status = "limited", 429
        else:
            # A malformed code is looked up too (as nothing), so both answers take alike.
            found = cases.progress(querycode.normalize(entered) or "")
            result = "unknown" if found is None else {
                "status": STATUS_LABELS.get(found.status, found.status),
                "milestones": lifecycle.milestones(found)}
    return render_template("progress.html", result=result, entered=entered), status
