"""The receptionist's console: the window, the waiting queue, calling.

Views parse the button and call kiosk/calling/operations.py. The queue panel
is also served alone (with an ETag) so the console refreshes it in the
background and sees tickets another window took.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from appkit.etag import conditional, etag_of
from kiosk.calling import operations as queue
from petition.clock import local, local_date, start_of_local_day, utcnow
from petition.privacy import mask_name
from petition.vocabulary import SERVICES

from ..auth import PASSIVE_ENDPOINTS
from ..auth.routes import role_required
from ..models import Visit
from ..printing import operations as printing
from . import bp
from .forms import ActionForm, CallNextForm, TransferForm, WindowForm
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
        # Translated once for every waiting row (the template's _() would look it up per row).
        "minutes_format": _("%(m)d min"),
        "action": ActionForm(), "transfer": TransferForm(),
        "unprinted": printing.unprinted_tickets(kiosk_id=kiosk_id(), now=now),
    }


def _queue_etag(now: datetime) -> str:
    """Changes whenever a ticket or print job of today changes, a call is made, or a minute passes.

    Every value is read from today's rows through an index, so a poll costs
    the same on day 1,000 as on day one.
    """
    return etag_of(local_date(now), queue.today_marks(kiosk_id=kiosk_id(), now=now),
                   queue.last_call_id(), printing.jobs_marks(since=start_of_local_day(now)),
                   my_window(), f"{now:%H%M}", current_user.id)


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
    return conditional(_queue_etag(now),
                       lambda: render_template("staff/_queue.html", **queue_context(now)))


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


# The buttons on a called ticket: the step, what the receptionist is told, and whether the page
# they pressed it on (a visit's page, say) stays in front of them.
TICKET_STEPS = {
    "recall": (queue.recall, _l("%(ticket)s was called again."), True),
    "no_show": (queue.no_show, _l("%(ticket)s did not come and is marked as not received."), False),
    "finish": (queue.finish, _l("%(ticket)s is done."), False),
}


@bp.post("/recall", endpoint="recall", defaults={"step": "recall"})
@bp.post("/no-show", endpoint="no_show", defaults={"step": "no_show"})
@bp.post("/finish", endpoint="finish", defaults={"step": "finish"})
@role_required("receptionist")
def ticket_step(step: str):
    operation, message, stay = TICKET_STEPS[step]
    visit = _action(operation)
    if visit:
        flash(message % {"ticket": visit.ticket_number}, "info")
    return redirect(request.referrer if stay and _same_site_referrer() else url_for(".console"))


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


