"""The ticket printer seen from the window: what failed, and reprinting (补打).

A ticket that did not print is still a registered visit; the visitor was
told to collect the slip here. These views show the day's print jobs with
the printer's reason and queue a new job for a visit on the print worker.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from petition.clock import local, utcnow

from ..auth.routes import role_required
from ..extensions import db
from ..models import Visit
from ..printing import operations as printing
from ..printing.worker import worker
from . import bp
from .forms import ActionForm


@bp.get("/print-jobs")
@role_required("receptionist")
def print_jobs():
    return render_template("staff/print_jobs.html", jobs=printing.todays_jobs(
        kiosk_id=current_app.config["KIOSK_ID"], now=utcnow()),
                           local=local)


@bp.post("/print-jobs/reprint")
@role_required("receptionist")
def reprint_ticket():
    form = ActionForm()
    visit = db.session.get(Visit, form.visit_id.data or "") if form.validate() else None
    if visit is None:
        flash(_("There is no such ticket."), "error")
        return redirect(url_for(".print_jobs"))
    job = printing.reprint(visit)
    worker(current_app._get_current_object()).submit(job.id)
    flash(_("Ticket %(number)s is being printed again.", number=visit.ticket_number), "info")
    back = request.form.get("next") or ""
    if not back.startswith("/staff/") or "\\" in back or "//" in back:
        back = url_for(".print_jobs")
    return redirect(back)
