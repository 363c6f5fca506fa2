"""Response headers every page of both apps carries, and how each app stands behind a proxy.

Nothing leaves the building: a Content-Security-Policy of `default-src 'self'`
keeps every page to its own assets. Pages carry `Cache-Control: no-store`, so
the back button can never show the previous visitor's entries.

`deploy` applies an app's two deployment settings: how many reverse proxies
stand in front (werkzeug's ProxyFix then takes the client's address and
scheme from that many X-Forwarded-For/-Proto entries, and no more, so a
client cannot pose as another address), and whether the site is HTTPS (the
session cookie is then Secure). Whatever a forwarded header says, the
address the app sees is an IP address or "invalid", never text of the
client's choosing (it is stored with failed sign-ins).

`refuse_nul` answers 400 to a query string holding a NUL: no page takes one,
and PostgreSQL would refuse it in a query with a server error.
"""

from __future__ import annotations

import ipaddress

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self'; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'")


def secure_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def deploy(app: Flask, *, trusted_proxies: int, https: bool) -> None:
    if trusted_proxies < 0:
        raise RuntimeError("the number of trusted proxies cannot be negative")
    if trusted_proxies:
        app.wsgi_app = ProxyFix(_CheckedAddress(app.wsgi_app), x_for=trusted_proxies,
                                x_proto=trusted_proxies, x_host=0, x_port=0, x_prefix=0)
    if https:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          PREFERRED_URL_SCHEME="https")


class _CheckedAddress:
    """WSGI middleware (inside ProxyFix): REMOTE_ADDR as an IP address, or "invalid"."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        address = environ.get("REMOTE_ADDR") or ""
        try:
            environ["REMOTE_ADDR"] = str(ipaddress.ip_address(address.strip()))
        except ValueError:
            environ["REMOTE_ADDR"] = "invalid"
        return self.app(environ, start_response)


def refuse_nul() -> None:
    """before_request: a NUL anywhere in the query string is a bad request."""
    if "%00" in request.query_string.decode("latin-1") or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)
