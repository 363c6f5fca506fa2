"""The office's /healthz, and the progress page's limit counted in the database for every process."""

from __future__ import annotations

from flask_migrate import downgrade

from central import create_app
from central.extensions import db, migrate
from tests.support.central import make_central


def test_healthz_says_database_migrations_and_version(central_app, central_client):
    answer = central_client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json["ok"] is True and answer.json["database"] == "ok"
    assert answer.json["migrations"] == "current" and answer.json["version"] == "0.1.0"
    with central_app.app_context():
        downgrade(directory=migrate.directory, revision="0005_case_lifecycle")
    pending = central_client.get("/healthz")
    assert pending.status_code == 503 and pending.json["migrations"] == "pending"


def test_healthz_answers_503_when_the_database_is_away(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/nothing"
                                                 "?connect_timeout=2",
                      "CENTRAL_SECRET_KEY": "k"})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.json["database"] == "unreachable"
    with app.app_context():
        db.engine.dispose()


def test_the_progress_limit_holds_across_two_apps_on_one_database(central_app, central_database, tmp_path):
    other = make_central(tmp_path / "second", central_database, CENTRAL_PROGRESS_PER_MINUTE=3)
    central_app.config["CENTRAL_PROGRESS_PER_MINUTE"] = 3
    first, second = central_app.test_client(), other.test_client()
    answers = [client.post("/", data={"code": "00000-00000"}).status_code
               for client in (first, second, first, second, first)]
    assert answers == [200, 200, 200, 429, 429]
    elsewhere = second.post("/", data={"code": "00000-00000"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 200
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_behind_a_proxy_the_limit_counts_the_visitors_address(central_database, tmp_path):
    app = make_central(tmp_path / "proxied", central_database, CENTRAL_TRUSTED_PROXIES=1,
                       CENTRAL_PROGRESS_PER_MINUTE=1)
    client = app.test_client()
    look_up = lambda visitor: client.post("/", data={"code": "00000-00000"},  # noqa: E731
                                          headers={"X-Forwarded-For": visitor}).status_code
    assert [look_up("203.0.113.5"), look_up("203.0.113.6"), look_up("203.0.113.5")] == [200, 200, 429]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
