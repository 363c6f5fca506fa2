"""The receptionist's console: the window, the waiting queue, calling.

Views parse the button and call kiosk/calling/operations.py. The queue panel
is also served alone (with an ETag) so the console refreshes it in the
background and sees tickets another window took.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from kiosk.calling import operations as queue
from petition.clock import local, local_date, utcnow
from petition.privacy import mask_name
from petition.vocabulary import SERVICES

from ..auth import PASSIVE_ENDPOINTS
from ..auth.routes import role_required
from ..extensions import db
from ..models import PrintJob, Visit
from . import bp
from .forms import ActionForm, CallNextForm, TransferForm, WindowForm
from .print_jobs import unprinted_tickets
from .syncing import sync_panel


def queue_message(code: str) -> str:
    return {
        "taken": _("Another window has already called that ticket."),
        "missing": _("There is no such ticket."),
        "not_called": _("That ticket is not being called at a window now."),
        "service": _("Choose a different service to transfer to."),
    }.get(code, code)


def my_window() -> int:
    window = session.get("window")
    windows = current_app.config["KIOSK_WINDOWS"]
    return window if isinstance(window, int) and 1 <= window <= windows else 1


def kiosk_id() -> str:
    return current_app.config["KIOSK_ID"]


def waiting_minutes(visit: Visit, now: datetime) -> int:
    return max(0, int((now - visit.created_at).total_seconds() // 60))


def queue_context(now: datetime) -> dict:
    waiting = queue.waiting(kiosk_id=kiosk_id(), now=now)
    by_service = {code: [] for code in SERVICES}
    for visit in waiting:
        by_service.setdefault(visit.service, []).append(visit)
    return {
        "now": now, "by_service": by_service, "services": SERVICES, "window": my_window(),
        "windows": range(1, current_app.config["KIOSK_WINDOWS"] + 1),
        "mine": queue.at_window(kiosk_id=kiosk_id(), window=my_window(), now=now),
        "waiting_minutes": waiting_minutes, "mask_name": mask_name, "local": local,
        "action": ActionForm(), "transfer": TransferForm(),
        "unprinted": unprinted_tickets(kiosk_id()),
    }


def _queue_etag(now: datetime) -> str:
    """Changes whenever a ticket of today changes, a call is made, or a minute passes."""
    day = local_date(now)
    count, versions, latest = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Visit.version), 0), func.max(Visit.updated_at))
        .where(Visit.kiosk_id == kiosk_id(), Visit.service_day == day)).one()
    calls = queue.last_call_id()
    jobs = db.session.execute(select(func.count(), func.max(PrintJob.updated_at))).one()
    raw = (f"{day}|{count}|{versions}|{latest}|{calls}|{jobs}|{my_window()}|{now:%H%M}"
           f"|{current_user.id}")
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


@bp.get("/")
@role_required("receptionist")
def console():
    now = utcnow()
    return render_template("staff/console.html", call_next=CallNextForm(),
                           window_form=WindowForm(window=my_window()), sync=sync_panel(),
                           **queue_context(now))


@bp.get("/queue/panel")
@role_required("receptionist")
def queue_panel():
    now = utcnow()
    etag = _queue_etag(now)
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(render_template("staff/_queue.html", **queue_context(now)))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


PASSIVE_ENDPOINTS.add("staff.queue_panel")


@bp.post("/window")
@role_required("receptionist")
def choose_window():
    form = WindowForm()
    if form.validate() and form.window.data <= current_app.config["KIOSK_WINDOWS"]:
        session["window"] = form.window.data
    else:
        flash(_("Choose one of the windows."), "error")
    return redirect(url_for(".console"))


def _after_call(visit):
    if visit is None:
        flash(_("Nobody is waiting."), "info")
        return redirect(url_for(".console"))
    return redirect(url_for(".visit", visit_id=visit.id))


@bp.post("/call-next")
@role_required("receptionist")
def call_next():
    form = CallNextForm()
    if not form.validate():
        flash(_("Choose a service from the list."), "error")
        return redirect(url_for(".console"))
    visit = queue.call_next(kiosk_id=kiosk_id(), window=my_window(), by=current_user.username,
                            now=utcnow(), service=form.service.data or None)
    return _after_call(visit)


def _action(operation, **kwargs):
    form = ActionForm()
    if not form.validate() or not form.visit_id.data:
        flash(_("That button needs a ticket."), "error")
        return None
    try:
        return operation(form.visit_id.data, by=current_user.username, now=utcnow(), **kwargs)
    except queue.QueueError as error:
        flash(queue_message(str(error)), "error")
        return None


@bp.post("/call")
@role_required("receptionist")
def call_chosen():
    visit = _action(queue.call_chosen, window=my_window())
    return _after_call(visit) if visit else redirect(url_for(".console"))


@bp.post("/recall")
@role_required("receptionist")
def recall():
    visit = _action(queue.recall)
    if visit:
        flash(_("%(ticket)s was called again.", ticket=visit.ticket_number), "info")
    return redirect(request.referrer if _same_site_referrer() else url_for(".console"))


@bp.post("/no-show")
@role_required("receptionist")
def no_show():
    visit = _action(queue.no_show)
    if visit:
        flash(_("%(ticket)s did not come and is marked as not received.", ticket=visit.ticket_number), "info")
    return redirect(url_for(".console"))


@bp.post("/finish")
@role_required("receptionist")
def finish():
    visit = _action(queue.finish)
    if visit:
        flash(_("%(ticket)s is done.", ticket=visit.ticket_number), "info")
    return redirect(url_for(".console"))


@bp.post("/transfer")
@role_required("receptionist")
def transfer():
    form = TransferForm()
    if not form.validate() or not (form.to_window.data or form.to_service.data):
        flash(_("Choose a window or a service to transfer to."), "error")
        return redirect(url_for(".console"))
    try:
        if form.to_window.data:
            if form.to_window.data > current_app.config["KIOSK_WINDOWS"]:
                raise queue.QueueError("window")
            visit = queue.transfer_window(form.visit_id.data, to_window=form.to_window.data,
                                          by=current_user.username, now=utcnow())
            flash(_("%(ticket)s was sent to window %(window)d.", ticket=visit.ticket_number,
                    window=visit.window), "info")
        else:
            visit = queue.transfer_service(form.visit_id.data, to_service=form.to_service.data,
                                           by=current_user.username, now=utcnow())
            flash(_("%(ticket)s waits again in the queue of %(service)s; tell the visitor the new number.",
                    ticket=visit.ticket_number, service=SERVICES[visit.service].label), "info")
    except queue.QueueError as error:
        flash(queue_message(str(error)) if str(error) != "window" else _("Choose one of the windows."),
              "error")
    return redirect(url_for(".console"))


def _same_site_referrer() -> bool:
    referrer = request.referrer or ""
    return referrer.startswith(request.host_url + "staff/")


