"""Response headers every page of both apps carries, and how each app stands behind a proxy.

Nothing leaves the building: a Content-Security-Policy of `default-src 'self'`
keeps every page to its own assets. Pages carry `Cache-Control: no-store`, so
the back button can never show the previous visitor's entries.

`deploy` applies an app's two deployment settings: how many reverse proxies
stand in front (werkzeug's ProxyFix then takes the client's address and
scheme from that many X-Forwarded-For/-Proto entries, and no more, so a
client cannot pose as another address), and whether the site is HTTPS (the
session cookie is then Secure).
"""

from __future__ import annotations

from flask import Flask, request
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
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies,
                                x_host=0, x_port=0, x_prefix=0)
    if https:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          PREFERRED_URL_SCHEME="https")
