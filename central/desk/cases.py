"""The desk's case list (paged by keyset, filters in the URL) and a case's page with the office's steps.

Views are thin: the list's rules live in desk/listing.py, the steps in
petition.lifecycle and central/cases.py. Every page that shows a
petitioner's data is audited.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from appkit.forms import posted_step
from petition import lifecycle, transitions
from petition.clock import local_date, utcnow_naive
from petition.lifecycle import STATUS_LABELS
from petition.vocabulary import CATEGORIES, DISPOSITIONS, SATISFACTION

from .. import audit, petitioners
from .. import cases as office_cases
from ..extensions import db
from ..operations import CentralError
from ..roles import Permission
from . import bp, listing, operations
from .access import requires
from .forms import STEPS, step_forms


def today():
    return local_date(datetime.now(timezone.utc))


@bp.get("/")
@requires(Permission.LISTS)
def cases():
    filters = listing.Filters.from_args(request.args)
    day = today()
    page = listing.page(filters, day, after=listing.Cursor.parse(request.args.get("after")),
                        before=listing.Cursor.parse(request.args.get("before")))
    return render_template("desk/cases.html", rows=listing.decorate(page.rows, day), page=page,
                           filters=filters, query=filters.args(), today=day,
                           kiosks=listing.kiosk_names(), bodies=listing.bodies(),
                           statuses=STATUS_LABELS, categories=CATEGORIES)


def _case_page(case_id: str, forms: dict, status: int = 200):
    row, petitioner, visits = operations.case_detail(case_id)
    if row is None:
        abort(404)
    # Every page that shows the petitioner's data is a view, a refused form included.
    audit.record(current_user.username, "view", case_id, now=utcnow_naive())
    db.session.commit()
    day = today()
    repeat = bool(petitioner) and petitioner.id in petitioners.repeat_keys([petitioner.id])
    return render_template("desk/case.html", row=row, petitioner=petitioner, visits=visits,
                           repeat=repeat, forms=forms, lifecycle=lifecycle,
                           allowed=transitions.allowed(row, lifecycle.Owner.OFFICE),
                           transitions=transitions.TRANSITIONS, urgency=lifecycle.urgency(row.due_on, day),
                           statuses=STATUS_LABELS, categories=CATEGORIES, dispositions=DISPOSITIONS,
                           satisfaction=SATISFACTION, today=day), status


@bp.get("/case/<case_id>")
@requires(Permission.CASES)
def case(case_id: str):
    return _case_page(case_id[:36], step_forms())


@bp.post("/case/<case_id>/<step>")
@requires(Permission.CASES)
def case_step(case_id: str, step: str):
    case_id = case_id[:36]
    forms = step_forms()
    form = posted_step(forms, step)
    if form is None:
        return _case_page(case_id, forms, 422)
    try:
        office_cases.step(case_id, step, by=current_user.username, now=utcnow_naive(), **STEPS[step][1](form))
    except CentralError as error:
        abort(error.status)
    except office_cases.IllegalTransition as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for(".case", case_id=case_id))
    flash(_("Saved. The kiosk receives it on its next sync."))
    return redirect(url_for(".case", case_id=case_id))
