"""A petitioner's page (信访人): one person's visits and cases across every hall, in time order.

Reached from a case or a search result by a person row's id, so no ID number
or phone appears in the URL. The page shows the person in full, so seeing it
is audited. From here the office links a case to an earlier one of the same
person as the same matter (同一事项); the kiosk shows it after its next sync.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from appkit.views import found_or_404
from petition.clock import local, utcnow_naive
from petition.lifecycle import STATUS_LABELS
from petition.vocabulary import CATEGORIES, SERVICES

from .. import audit, petitioners
from ..extensions import db
from ..roles import Permission
from . import bp
from .access import requires
from .cases import today
from .forms import SameMatterForm


def _history(person_id: str) -> petitioners.History:
    return found_or_404(petitioners.history(person_id[:36]))


@bp.get("/petitioner/<person_id>")
@requires(Permission.CASES)
def petitioner(person_id: str):
    found = _history(person_id)
    audit.record(current_user.username, "petitioner", None, now=utcnow_naive(),
                 detail=f"person={person_id[:36]}; {len(found.persons)} registrations, "
                        f"{len(found.cases)} cases at {len(found.halls)} halls")
    db.session.commit()
    return render_template("desk/petitioner.html", found=found, person_id=person_id[:36],
                           form=SameMatterForm(), statuses=STATUS_LABELS, categories=CATEGORIES,
                           services=SERVICES, local=local, today=today())


@bp.post("/petitioner/<person_id>/case/<case_id>/same-matter")
@requires(Permission.CASES)
def same_matter(person_id: str, case_id: str):
    found = _history(person_id)
    ids = [row.id for row in found.cases]
    if case_id not in ids:
        abort(404)
    form = SameMatterForm()
    form.earlier.choices = ["", *ids[:ids.index(case_id)]]
    if not form.validate_on_submit():
        flash(_("Choose an earlier case of this petitioner."), "error")
    else:
        try:
            petitioners.link_same_matter(case_id, form.earlier.data or None, by=current_user.username,
                                         now=utcnow_naive())
        except petitioners.LinkRefused as refused:
            db.session.rollback()
            flash(str(refused.message), "error")
        else:
            flash(_("Saved. The kiosk receives it on its next sync."))
    return redirect(url_for(".petitioner", person_id=person_id[:36], _anchor=f"case-{case_id}"))
