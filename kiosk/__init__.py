"""Jiedai kiosk: the touch screen, the staff console and the waiting-room display.

`create_app` builds the Flask app: configuration, extensions, blueprints. It
does nothing else; importing this package opens no database, port or file.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

import appkit
from appkit.settings import instance_secret
from petition import querycode

from . import settings

ROOT = Path(__file__).resolve().parent.parent
__version__ = "0.1.0"


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        settings.BY_NAME["INSTANCE_PATH"].env_name) or None
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings.defaults())
    app.config.from_mapping(
        APP_VERSION=__version__,
        SQLALCHEMY_ENGINE_OPTIONS={},
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        WTF_CSRF_TIME_LIMIT=None,  # the kiosk's session ends on idle instead
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(settings.from_environ(os.environ))
    else:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            app.config["KIOSK_DATABASE_URL"] or f"sqlite:///{instance / 'kiosk.sqlite3'}")

    from appkit.cookies import SessionCookies

    from . import auth, cli, database, i18n, maintenance, security
    from .extensions import csrf, db, migrate

    app.session_interface = SessionCookies()
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    auth.init_app(app)
    maintenance.init_app(app)

    from .display import bp as display_bp
    from .health import bp as health_bp
    from .ime.routes import bp as ime_bp
    from .staff import bp as staff_bp
    from .touchscreen import bp as touchscreen_bp

    appkit.init_app(app)
    app.register_blueprint(touchscreen_bp)
    # One display form of the query code everywhere it is shown (XXXXX-XXXXX).
    app.add_template_filter(querycode.display, "query_code")
    # The named states, for templates as for code.
    from .printing import states as print_states
    from .visits.states import AT_WINDOW, VisitStatus

    app.jinja_env.globals.update(VisitStatus=VisitStatus, AT_WINDOW=AT_WINDOW, JobStatus=print_states.JobStatus,
                                 job_labels=print_states.LABELS, reprintable=print_states.FINISHED)
    app.register_blueprint(health_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(display_bp)
    app.register_blueprint(ime_bp)
    return app


def start_background_work(app: Flask) -> None:
    """What a serving kiosk runs beside its requests: the print worker (which
    also prints the jobs a restart left unfinished) and, when sync is
    configured, the nightly sync with the central office. The keyboard's
    dictionary is loaded here too (under 0.1 s), ahead of the first key."""
    from .ime.lookup import preload
    from .maintenance import hold_server_lock
    from .printing.worker import worker
    from .sync_agent.background import background

    hold_server_lock(app)  # a restore waits for the server to stop, and the server for it
    worker(app).start()
    preload(app.logger)
    background(app).start_nightly()

