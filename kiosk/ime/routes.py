"""`/ime/candidates?q=…&page=…`: one page of the keyboard's candidates as JSON."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from . import lookup

bp = Blueprint("ime", __name__, url_prefix="/ime")


@bp.get("/candidates")
def candidates():
    q = lookup.clean_query(request.args.get("q"))
    try:
        number = int(request.args.get("page", "0"))
    except ValueError:
        number = 0
    try:
        return lookup.page(q, number)
    except lookup.DictionaryMissing as error:
        # An install that skipped the build step: the keyboard shows no candidates, loudly logged.
        current_app.logger.error("%s", error)
        return {"q": q or "", "page": 0, "candidates": [], "more": False}, 503
