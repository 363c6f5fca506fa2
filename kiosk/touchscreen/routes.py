"""Routes of the touch screen.

The visit being entered is a draft (drafts.py) until the visitor confirms;
confirming forgets it at once, and 重新开始 and the idle timeout clear the
session, so nothing one visitor typed is reachable by the next (every page
is also `no-store`).
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from petition import querycode
from petition.clock import utcnow
from petition.vocabulary import CATEGORIES, SERVICES
from printer.render import to_html

from ..extensions import csrf
from ..i18n import LOCALES
from ..models import Visit
from ..printing.operations import latest_ticket_job, ticket_receipt
from ..printing.worker import worker
from ..visits import bodies, operations
from . import bp, card_reading
from . import progress as progress_rules
from .drafts import drafts
from .forms import (
    AcknowledgeForm,
    ConfirmForm,
    IdentityForm,
    LanguageForm,
    MatterForm,
    RestartForm,
    StartForm,
)

LOCAL_PATH = re.compile(r"/[A-Za-z0-9/_.~%?&=+-]*")
STEPS = ("notice", "identity", "matter", "review")


def _store():
    return drafts(current_app._get_current_object())


def _draft() -> dict | None:
    draft = _store().get(session.get("draft_id"))
    return draft if isinstance(draft, dict) and draft.get("service") in SERVICES else None


def _require(step: str):
    """The draft if the visitor has reached `step`, else where they should be."""
    draft = _draft()
    if draft is None:
        return None, redirect(url_for(".welcome"))
    if step != "notice" and not draft.get("acknowledged"):
        return None, redirect(url_for(".notice"))
    if step in ("matter", "review") and not draft.get("id_number"):
        return None, redirect(url_for(".identity"))
    if step == "review" and not draft.get("category"):
        return None, redirect(url_for(".matter"))
    return draft, None


def _save(draft: dict) -> None:
    draft_id = session.get("draft_id")
    if not isinstance(draft_id, str):
        draft_id = session["draft_id"] = _store().new_id()
    _store().put(draft_id, draft, client=request.remote_addr or "-")


def _forget_visitor() -> None:
    """Everything of this visitor: the draft in memory and the session."""
    _store().discard(session.get("draft_id"))
    session.clear()


@bp.get("/")
def welcome():
    return render_template("touchscreen/welcome.html", form=StartForm(), services=SERVICES.values())


@bp.post("/start")
def start():
    form = StartForm()
    if not form.validate():
        return redirect(url_for(".welcome"))
    locale = session.get("locale")
    _forget_visitor()
    if locale in LOCALES:
        session["locale"] = locale
    # The visit's idempotency key: in the draft for the confirm form, and in the session for
    # the ticket screen, which finds the visit by it once the draft is gone.
    key = session["visit_key"] = secrets.token_urlsafe(24)
    _save({"service": form.service.data, "key": key})
    return redirect(url_for(".notice"))


@bp.post("/restart")
@csrf.exempt
def restart():
    # Without a CSRF check: forgetting the visitor is always safe, and a page left open past
    # a restart of the kiosk (a stale token) must still clear.
    _forget_visitor()
    return redirect(url_for(".welcome"))


@bp.post("/language")
def language():
    form = LanguageForm()
    target = url_for(".welcome")
    if form.validate() and form.locale.data in LOCALES:
        session["locale"] = form.locale.data
        nxt = form.next.data or ""
        # Only a path of this kiosk: no other host, and nothing (CR, LF) that could split headers.
        if LOCAL_PATH.fullmatch(nxt) and not nxt.startswith("//"):
            target = nxt
    return redirect(target)


@bp.route("/notice", methods=["GET", "POST"])
def notice():
    draft, elsewhere = _require("notice")
    if elsewhere:
        return elsewhere
    form = AcknowledgeForm()
    if form.validate_on_submit():
        draft["acknowledged"] = True
        _save(draft)
        return redirect(url_for(".identity"))
    return render_template("touchscreen/notice.html", form=form, back=url_for(".welcome"),
                           service=SERVICES[draft["service"]], step=1)


@bp.route("/identity", methods=["GET", "POST"])
def identity():
    draft, elsewhere = _require("identity")
    if elsewhere:
        return elsewhere
    group = draft["service"] == "group"
    form = IdentityForm(group=group, data=None if request.method == "POST" else {
        key: draft.get(key) for key in ("id_number", "phone", "name", "address", "group_size",
                                        "representative_count")})
    if form.validate_on_submit():
        card = draft.get("card")
        if card and card.get("id_number") != form.id_number.data:
            # The visitor typed another ID number: what the card said is not theirs.
            draft.pop("card")
        draft.update(id_number=form.id_number.data, phone=form.phone.data,
                     name=(form.name.data or "").strip() or None,
                     address=(form.address.data or "").strip() or None)
        if group:
            draft.update(group_size=form.group_size.data,
                         representative_count=form.representative_count.data)
        _save(draft)
        return redirect(url_for(".matter"))
    card_error = session.pop("card_error", None)
    return render_template("touchscreen/identity.html", form=form, group=group,
                           card=draft.get("card"), card_error=card_reading.reason(card_error),
                           reader=bool(current_app.config["KIOSK_CARD_READER_URL"]),
                           card_form=RestartForm(), back=url_for(".notice"),
                           service=SERVICES[draft["service"]], step=2)


@bp.post("/identity/card")
def identity_card():
    """读取身份证: read the card on the reader into the draft, for the visitor to confirm."""
    draft, elsewhere = _require("identity")
    if elsewhere:
        return elsewhere
    if not RestartForm().validate():
        return redirect(url_for(".identity"))
    outcome = card_reading.read_into(draft, current_app.config)
    if outcome is None:
        _save(draft)
    else:
        session["card_error"] = outcome
    return redirect(url_for(".identity"))


def _body_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("Not sure: the window will help"))] + [
        SelectChoice(name) for name in bodies.active_names()]


@bp.route("/matter", methods=["GET", "POST"])
def matter():
    draft, elsewhere = _require("matter")
    if elsewhere:
        return elsewhere
    form = MatterForm(data=None if request.method == "POST" else {
        "category": draft.get("category"), "body": draft.get("body_name") or "",
        "matter": draft.get("matter") or "", "request": draft.get("request") or ""})
    form.body.choices = _body_choices()
    if form.validate_on_submit():
        draft.update(category=form.category.data, body_name=form.body.data or None,
                     matter=(form.matter.data or "").strip() or None,
                     request=(form.request.data or "").strip() or None)
        _save(draft)
        return redirect(url_for(".review"))
    return render_template("touchscreen/matter.html", form=form, categories=CATEGORIES,
                           back=url_for(".identity"), service=SERVICES[draft["service"]], step=3)


@bp.get("/review")
def review():
    draft, elsewhere = _require("review")
    if elsewhere:
        return elsewhere
    return render_template("touchscreen/review.html", draft=draft, form=ConfirmForm(key=draft["key"]),
                           service=SERVICES[draft["service"]], category=CATEGORIES[draft["category"]],
                           back=url_for(".matter"), step=4)


@bp.post("/confirm")
@csrf.exempt
def confirm():
    # The key is this form's synchronizer token, and a stronger one than the session-wide CSRF
    # token: 24 random bytes held server-side in this session's draft, in no page but this
    # visitor's review screen. Only a POST carrying the draft's own key registers; any other
    # key at most finds the visit it made before and writes nothing. It is read without a
    # form: compared with the draft's (or looked up as a whole), never stored as typed.
    key = request.form.get("key", "")
    draft, elsewhere = _require("review")
    if not ConfirmForm.KEY_LENGTH[0] <= len(key) <= ConfirmForm.KEY_LENGTH[1]:
        return elsewhere or redirect(url_for(".review"))
    if elsewhere or not hmac.compare_digest(key.encode(), draft.get("key", "").encode()):
        # No draft for this key: a second tap after the first registered (its draft is
        # forgotten), or a stale page (a key that made no visit, or an earlier visitor's:
        # the ticket screen shows this session's visit only).
        if key != session.get("visit_key") or operations.find_by_key(key) is None:
            return elsewhere or redirect(url_for(".review"))
    else:
        # register() looks the key up again under the write lock: a double tap that
        # raced this one gets the visit the first tap made, and no second ticket.
        made = operations.register(
            operations.VisitDraft(
                service=draft["service"], id_number=draft.get("id_number"),
                phone=draft.get("phone"), name=draft.get("name"),
                gender=(draft.get("card") or {}).get("sex"), address=draft.get("address"),
                matter=draft.get("matter"), request=draft.get("request"),
                group_size=draft.get("group_size") or 1,
                representative_count=draft.get("representative_count") or 0,
                category=draft.get("category"), body_name=draft.get("body_name"),
                locale=session.get("locale") or current_app.config["KIOSK_DEFAULT_LOCALE"]),
            kiosk_id=current_app.config["KIOSK_ID"], idempotency_key=key, now=utcnow())
        if made.print_job_id is not None:
            # Queued by id only: the print worker reads the visit and renders the ticket.
            worker(current_app._get_current_object()).submit(made.print_job_id)
        # The visit is registered: its draft is forgotten now, not at the next visitor's start,
        # so the shared screen's /review and /identity no longer show it. A second tap finds
        # the visit by its key, and so does the ticket screen: the session cookie is left as
        # it was.
        _store().discard(session.get("draft_id"))
    return redirect(url_for(".ticket"))


def _ticket_visit() -> Visit | None:
    key = session.get("visit_key")
    return operations.find_by_key(key) if isinstance(key, str) else None


@bp.get("/ticket")
def ticket():
    visit = _ticket_visit()
    if visit is None:
        return redirect(url_for(".welcome"))
    return render_template(
        "touchscreen/ticket.html", visit=visit, service=SERVICES[visit.service],
        query_code=querycode.display(visit.query_code),
        waiting_ahead=operations.waiting_ahead(visit), print_job=latest_ticket_job(visit),
        receipt=to_html(ticket_receipt(visit)),
        waiting_area=current_app.config["KIOSK_WAITING_AREA"]
        or _("Please take a seat in the waiting area and watch the screen for your number."),
        restart_form=RestartForm())


@bp.get("/ticket/print-status")
def ticket_print_status():
    """The ticket screen asks this until the slip is printed or has failed."""
    visit = _ticket_visit()
    job = latest_ticket_job(visit) if visit is not None else None
    return {"status": job.status if job is not None else "none"}


@bp.route("/progress", methods=["GET", "POST"])
def progress():
    """查询办理进度: the status of a visit by its query code, no personal data."""
    outcome = None
    entered = ""
    if request.method == "POST":
        form = RestartForm()  # CSRF only; the code is read below
        entered = (request.form.get("code") or "")[:256]
        if form.validate():
            outcome = _look_up(entered, now=utcnow())
            if outcome.unknown:
                entered = ""  # a wrong code is typed again from the start
    return render_template("touchscreen/progress.html", outcome=outcome, entered=entered,
                           form=RestartForm(), back=url_for(".welcome"))


def _look_up(entered: str, *, now):
    """Look the code up with this session's and this address's wrong tries counted."""
    addresses = current_app.extensions.setdefault("progress_tries", progress_rules.AddressTries())
    addresses.prune(now)
    stored = session.get("progress_tries") or [0, None]
    session_tries = progress_rules.Tries(
        failures=int(stored[0]), last=datetime.fromisoformat(stored[1]) if stored[1] else None)
    outcome = progress_rules.look_up(
        entered, session_tries=session_tries,
        address_tries=addresses.get(request.remote_addr or "-"), now=now)
    session["progress_tries"] = [session_tries.failures,
                                 session_tries.last.isoformat() if session_tries.last else None]
    return outcome
