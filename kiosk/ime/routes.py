"""`/ime/candidates?q=…&page=…`: one page of the keyboard's candidates as JSON."""

from __future__ import annotations

from flask import Blueprint, request

from . import lookup

bp = Blueprint("ime", __name__, url_prefix="/ime")


@bp.get("/candidates")
def candidates():
    q = lookup.clean_query(request.args.get("q"))
    try:
        number = int(request.args.get("page", "0"))
    except ValueError:
        number = 0
    return lookup.page(q, number)
