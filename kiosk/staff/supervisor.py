"""The supervisor's pages: today's and this month's figures, the CSV export, the audit log."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _

from appkit.export import csv_text
from petition.clock import local, local_date, utcnow
from petition.lifecycle import STATUS_LABELS
from petition.privacy import mask_name
from petition.vocabulary import CATEGORIES, DISPOSITIONS, SATISFACTION

from ..auth import operations as accounts
from ..auth.routes import role_required
from . import audit_log as audit_log_page
from . import bp
from .figures import figures, month_bounds, period_visits


def _action_labels() -> dict:
    return {"view": _("viewed"), "change": _("changed"), "call": _("called"), "recall": _("called again"),
            "add": _("added"), "delete": _("removed"), "print": _("printed")}


def _labels():
    return {"category": {code: c.label for code, c in CATEGORIES.items()},
            "disposition": DISPOSITIONS, "satisfaction": SATISFACTION}


@bp.get("/figures")
@role_required("supervisor")
def figures_page():
    today = local_date(utcnow())
    kiosk = current_app.config["KIOSK_ID"]
    day = figures(today, today, kiosk_id=kiosk)
    month = figures(*month_bounds(today), kiosk_id=kiosk)
    return render_template("staff/figures.html", day=day, month=month, today=today,
                           labels=_labels())


@bp.get("/figures.csv")
@role_required("supervisor")
def figures_csv():
    """Every visit of the month, one row each, masked as any list is."""
    today = local_date(utcnow())
    start, end = month_bounds(today)
    rows = [[_("Ticket"), _("Date"), _("Service"), _("Name"), _("Group size"), _("Category"),
             _("Body concerned"), _("Matter"), _("Status"), _("Disposition"), _("Satisfaction")]]
    labels = _labels()
    for visit in period_visits(start, end):
        case, person = visit.case, visit.person
        rows.append([
            visit.ticket_number, visit.service_day.isoformat(), visit.service,
            mask_name(person.name if person else None), visit.group_size,
            labels["category"].get(visit.category, visit.category or ""),
            (case.body_name if case else visit.body_name) or "",
            (case.matter if case else "") or "",
            STATUS_LABELS.get(case.status, case.status) if case else "",
            DISPOSITIONS.get(case.disposition, "") if case else "",
            SATISFACTION.get(case.satisfaction, "") if case else "",
        ])
    return Response(csv_text(rows), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=visits-{start:%Y-%m}.csv"})


@bp.get("/audit")
@role_required("supervisor")
def audit_log():
    filters = audit_log_page.Filters.parse(request.args)
    found = audit_log_page.page(filters, before=audit_log_page.Cursor.parse(request.args.get("before")),
                                after=audit_log_page.Cursor.parse(request.args.get("after")))
    staff_names = [user.username for user in accounts.all_users()]
    return render_template("staff/audit.html", page=found, filters=filters, links=filters.args(),
                           staff_names=staff_names, local=local, shown=audit_log_page.shown,
                           actions=_action_labels())
