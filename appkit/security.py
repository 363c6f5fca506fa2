"""Response headers every page of both apps carries.

Nothing leaves the building: a Content-Security-Policy of `default-src 'self'`
keeps every page to its own assets. Pages carry `Cache-Control: no-store`, so
the back button can never show the previous visitor's entries.
"""

from __future__ import annotations

from flask import request

CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self'; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'")


def secure_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
