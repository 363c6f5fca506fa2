"""Jiedai's office app (总部): the sync receiver, the case desk, supervision, figures, the progress page.

`create_app` builds the Flask app: configuration (defaults,
instance-central/config.py, CENTRAL_* variables), its own database and
Alembic migrations (central/migrations), its own templates, static files and
translations, blueprints. It stands on the petition domain and the sync
protocol and imports nothing of the kiosk. Importing it opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from flask import Flask, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

import appkit
from appkit import settings as declared
from appkit.security import deploy, refuse_nul, secure_headers

from . import settings

HERE = Path(__file__).resolve().parent


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = ((test_config or {}).get("INSTANCE_PATH")
                     or os.environ.get(settings.BY_NAME["INSTANCE_PATH"].env_name)
                     or str(HERE.parent / "instance-central"))
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(declared.defaults(settings.SETTINGS))
    app.config.update(
        SQLALCHEMY_ENGINE_OPTIONS={},
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # a 1 MB batch, gzip or not, with room to spare
        JSON_AS_ASCII=False,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    from .health import version

    app.config["APP_VERSION"] = version()
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(declared.from_environ(os.environ, settings.SETTINGS))
    else:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["CENTRAL_SECRET_KEY"]:
        app.config["CENTRAL_SECRET_KEY"] = declared.instance_secret(instance / "secret_key")
    if not app.config.get("SECRET_KEY"):
        # The desk's session key, derived so the credential secret itself never signs cookies.
        app.config["SECRET_KEY"] = hmac.new(app.config["CENTRAL_SECRET_KEY"].encode(), b"desk session",
                                            hashlib.sha256).hexdigest()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            app.config["CENTRAL_DATABASE_URL"] or f"sqlite:///{instance / 'central.sqlite3'}")

    from . import cli, database, progress
    from .api import bp as api_bp
    from .desk import init_app as desk_init_app
    from .extensions import babel, csrf, db, migrate
    from .health import bp as health_bp

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    babel.init_app(app, locale_selector=_locale)
    app.jinja_env.globals.update(html_lang=lambda: str(get_locale()).replace("_", "-"))
    # Behind its proxies, HTTPS or not; CSP self only, no-store, nosniff, as on the kiosk.
    deploy(app, trusted_proxies=app.config["CENTRAL_TRUSTED_PROXIES"], https=app.config["CENTRAL_HTTPS"])
    app.before_request(refuse_nul)
    app.after_request(secure_headers)
    app.register_error_handler(HTTPException, _http_error)
    cli.init_app(app)
    appkit.init_app(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    progress.init_app(app)
    # The API is signed per request and the lookup changes nothing: no CSRF token there.
    csrf.exempt(api_bp)
    csrf.exempt(progress.bp)
    csrf.exempt(health_bp)
    csrf.init_app(app)
    desk_init_app(app)
    return app


def _locale() -> str:
    """Simplified Chinese unless the browser prefers English."""
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"], default="zh")
    return "en" if best == "en" else "zh_Hans_CN"


def _http_error(error: HTTPException):
    if error.response is not None:  # an answer made already (the sign-in limit's short page)
        return error.response
    return {"error": error.name.lower().replace(" ", "_"), "message": error.description}, error.code
