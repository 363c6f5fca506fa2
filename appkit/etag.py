"""Conditional GETs for polled endpoints: one weak ETag from a few cheap values, and a 304.

A screen that polls (the waiting-room display, the console's queue panel)
sends back the ETag it last saw; while nothing it shows has changed the
answer is an empty 304, so a poll costs the few indexed reads that make the
tag and no rendering. The values are whatever says "something changed":
the last call's id, today's counts and latest update times, the minute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, make_response, request


def etag_of(*values: object) -> str:
    """A short tag that changes whenever any of `values` does."""
    raw = "|".join(str(value) for value in values)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def conditional(etag: str, render: Callable[[], object]) -> Response:
    """304 when the client already has `etag`; otherwise `render()`'s answer, tagged.

    The tag is weak (the same content may be rendered byte for byte
    differently) and `Cache-Control: no-cache` makes the browser ask again
    every time instead of trusting its cache.
    """
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        response = make_response(render())
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "no-cache"
    return response
