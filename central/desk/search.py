"""The desk's search: one box for a query code, an ID number, a phone or part of a name; audited.

Posted rather than put in the URL, so an ID number or a phone never lands in
a bookmark, the browser's history or a server log. Every search is a line of
the desk's audit log, with what was typed and how many cases it found, since
a search can reveal people.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from petition.clock import utcnow_naive
from petition.lifecycle import STATUS_LABELS
from petition.vocabulary import CATEGORIES

from .. import audit
from ..extensions import db
from ..roles import Permission
from . import bp, listing, searching
from .access import requires
from .cases import today
from .forms import SearchForm


@bp.route("/search", methods=["GET", "POST"])
@requires(Permission.CASES)
def search():
    form = SearchForm()
    found, rows = None, []
    if form.validate_on_submit():
        found = searching.search(form.q.data)
        kinds = ",".join(query.kind for query in found.queries) or "unreadable"
        audit.record(current_user.username, "search", None, now=utcnow_naive(),
                     detail=f"{kinds}: {form.q.data.strip()} → {len(found.rows)} cases")
        db.session.commit()
        rows = listing.decorate(found.rows, today())
        form.q.data = ""  # the page never shows a whole ID number or phone, not even back
    return render_template("desk/search.html", form=form, found=found, rows=rows,
                           statuses=STATUS_LABELS, categories=CATEGORIES)
