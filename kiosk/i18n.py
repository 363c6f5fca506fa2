"""Language of the screens: Simplified Chinese first, English by a switch.

The choice lives in the visitor's session, so starting again (or the idle
timeout) returns the next visitor to the kiosk's default language.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale

from .extensions import babel

LOCALES = {"zh_Hans_CN": "中文", "en": "English"}


def select_locale() -> str:
    chosen = session.get("locale") if has_request_context() else None
    if chosen in LOCALES:
        return chosen
    default = current_app.config["KIOSK_DEFAULT_LOCALE"]
    return default if default in LOCALES else "zh_Hans_CN"


def html_lang() -> str:
    """The value for <html lang>: zh-Hans-CN or en."""
    return str(get_locale()).replace("_", "-")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(html_lang=html_lang, LOCALES=LOCALES,
                                 current_locale=lambda: str(get_locale()))
