"""The public progress page (办理进度查询): a query code shows its case's status and dates.

No sign-in and no personal data: only the status and the dates of the
office's handling. An unknown code and a malformed one get the same answer,
and each address may look up a limited number of codes per minute, so codes
cannot be enumerated (they carry 50 random bits as well).
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Blueprint, current_app, render_template, request

from petition import lifecycle, querycode
from petition.lifecycle import STATUS_LABELS

from . import cases

bp = Blueprint("progress", __name__)


class RateLimiter:
    """At most `limit` events per address in any 60 seconds, in this process's memory.

    Behind a reverse proxy, wrap the app in werkzeug's ProxyFix so that
    `remote_addr` is the visitor's address, not the proxy's.
    """

    def __init__(self):
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, limit: int, now: float) -> bool:
        with self._lock:
            if len(self._seen) > 10_000:  # forget idle addresses rather than grow forever
                self._seen = {a: q for a, q in self._seen.items() if q and q[-1] > now - 60}
            recent = self._seen.setdefault(address, deque())
            while recent and recent[0] <= now - 60:
                recent.popleft()
            if len(recent) >= limit:
                return False
            recent.append(now)
            return True


def init_app(app) -> None:
    app.extensions["progress_limiter"] = RateLimiter()
    app.register_blueprint(bp)


@bp.route("/", methods=["GET", "POST"])
def lookup():
    result, entered, status = None, "", 200
    if request.method == "POST":
        entered = (request.form.get("code") or "")[:64]
        limiter: RateLimiter = current_app.extensions["progress_limiter"]
        if not limiter.allow(request.remote_addr or "-", current_app.config[
                "CENTRAL_PROGRESS_PER_MINUTE"], time.monotonic()):
            result, status = "limited", 429
        else:
            # A malformed code is looked up too (as nothing), so both answers take alike.
            found = cases.progress(querycode.normalize(entered) or "")
            result = "unknown" if found is None else {
                "status": STATUS_LABELS.get(found.status, found.status),
                "milestones": lifecycle.milestones(found)}
    return render_template("progress.html", result=result, entered=entered), status
