"""Defect 5 (sessions outlived sign-out) and defect 9 (behind a proxy, every user had its address).

A console or desk cookie copied before 退出 opens nothing afterwards, from
any browser; disabling a user or giving them a new password ends their
sessions too; signing in starts a fresh session; cookies are Secure when the
site says it is HTTPS; and behind the configured number of proxies, each
user's failures count against their own address.
"""

from __future__ import annotations

import re

import pytest

from central.extensions import db as office_db
from kiosk.extensions import db
from tests.support.central import make_central
from tests.support.staff import PASSWORD, post_form, sign_in
from tests.support.touchscreen import csrf_token

DESK_PASSWORD = "correct horse battery"


def cookie_of(client, app) -> str:
    return client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session")).value


def replay(app, cookie: str):
    """Another browser that only has the copied cookie."""
    other = app.test_client()
    other.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), cookie)
    return other


# --- the console --------------------------------------------------------------------------

def test_a_console_cookie_copied_before_sign_out_opens_nothing_after(app, receptionist):
    copied = cookie_of(receptionist, app)
    assert replay(app, copied).get("/staff/").status_code == 200  # the copy works while signed in
    assert post_form(receptionist, "/staff/", "/staff/sign-out", {}).status_code == 302
    for path in ("/staff/", "/staff/cases", "/staff/queue/panel"):
        answer = replay(app, copied).get(path)
        assert answer.status_code == 302 and "/staff/sign-in" in answer.headers["Location"], path


def test_sign_out_in_one_browser_ends_the_users_sessions_in_the_others(app, staff):
    first, second = app.test_client(), app.test_client()
    assert sign_in(first, "rita").status_code == 302 and sign_in(second, "rita").status_code == 302
    post_form(first, "/staff/", "/staff/sign-out", {})
    assert second.get("/staff/").status_code == 302
    # Another user's session is not touched.
    sam = app.test_client()
    assert sign_in(sam, "sam").status_code == 302 and sam.get("/staff/").status_code == 200


@pytest.mark.parametrize("how", ["disable", "password"])
def test_disabling_or_a_new_password_ends_the_sessions(app, receptionist, runner, how):
    copied = cookie_of(receptionist, app)
    args = ["user", "disable", "rita"] if how == "disable" else \
        ["user", "password", "rita", "--password", "another long password"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert receptionist.get("/staff/").status_code == 302
    assert replay(app, copied).get("/staff/").status_code == 302
    if how == "password":
        assert sign_in(app.test_client(), "rita", "another long password").status_code == 302


def test_signing_in_starts_a_fresh_session(app, staff):
    client = app.test_client()
    with client.session_transaction() as before:
        before["planted"] = "by someone at this computer earlier"
    assert sign_in(client, "rita").status_code == 302
    with client.session_transaction() as after:
        assert "planted" not in after and after.get("_user_id", "").count(":") == 1


def test_the_session_cookie_is_secure_when_the_kiosk_is_https(instance):
    from kiosk import create_app
    from tests.support.apps import make_config

    for https, secure in ((False, False), (True, True)):
        app = create_app(make_config(instance, KIOSK_HTTPS=https))
        client = app.test_client()
        # The welcome screen puts the CSRF token in the session: the session cookie is set.
        header = client.get("/").headers.get_all("Set-Cookie")
        assert any(line.startswith("session=") and ("Secure" in line) is secure
                   for line in header), header
        with app.app_context():
            db.engine.dispose()


def test_behind_a_trusted_proxy_each_users_failures_count_for_their_own_address(instance):
    """Five wrong passwords from one citizen's address lock the account from there only."""
    from kiosk import create_app
    from kiosk.auth import operations as accounts
    from tests.support.apps import make_config

    app = create_app(make_config(instance, KIOSK_TRUSTED_PROXIES=1))
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "receptionist")
        db.session.commit()

    def attempt(address: str, password: str):
        client = app.test_client()
        headers = {"X-Forwarded-For": address}
        page = client.get("/staff/sign-in", headers=headers).get_data(as_text=True)
        return client.post("/staff/sign-in", headers=headers, data={
            "csrf_token": csrf_token(page), "username": "rita", "password": password})

    for _ in range(5):
        attempt("198.51.100.7", "wrong password")
    assert "锁定" in attempt("198.51.100.7", PASSWORD).get_data(as_text=True)
    assert attempt("203.0.113.9", PASSWORD).status_code == 302  # another address: not locked
    # A forged header is not an address: it is stored as "invalid", never as text.
    assert attempt("\x00'; DROP TABLE x; --", "wrong password").status_code == 200
    with app.app_context():
        from kiosk.models import SignInFailure
        addresses = set(db.session.scalars(db.select(SignInFailure.address)))
        assert addresses == {"198.51.100.7", "invalid"}
        db.engine.dispose()


# --- the desk -----------------------------------------------------------------------------

@pytest.fixture
def desk_app(tmp_path):
    app = make_central(tmp_path / "office", f"sqlite:///{tmp_path / 'office.sqlite3'}")
    result = app.test_cli_runner().invoke(args=["staff", "add", "li", "--name", "李科长",
                                                "--password", DESK_PASSWORD])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        office_db.session.remove()
        office_db.engine.dispose()


def desk_sign_in(app, client=None):
    client = client or app.test_client()
    page = client.get("/desk/login").get_data(as_text=True)
    answer = client.post("/desk/login", data={"csrf_token": csrf_token(page), "username": "li",
                                              "password": DESK_PASSWORD})
    assert answer.status_code == 302
    return client


def desk_sign_out(client):
    page = client.get("/desk/kiosks").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/desk/logout", data={"csrf_token": token})


def test_a_desk_cookie_copied_before_sign_out_opens_nothing_after(desk_app):
    client = desk_sign_in(desk_app)
    copied = cookie_of(client, desk_app)
    assert replay(desk_app, copied).get("/desk/").status_code == 200
    assert desk_sign_out(client).status_code == 302
    for path in ("/desk/", "/desk/kiosks"):
        assert replay(desk_app, copied).get(path).status_code == 302, path


@pytest.mark.parametrize("args", [["staff", "disable", "li"],
                                  ["staff", "add", "li", "--name", "李", "--password", "a new long password"]])
def test_disabling_or_a_new_password_ends_desk_sessions(desk_app, args):
    client = desk_sign_in(desk_app)
    assert desk_app.test_cli_runner().invoke(args=args).exit_code == 0
    assert client.get("/desk/").status_code == 302


def test_the_desk_does_not_keep_the_session_from_before_sign_in(desk_app):
    client = desk_app.test_client()
    with client.session_transaction() as before:
        before["planted"] = "x"
    desk_sign_in(desk_app, client)
    with client.session_transaction() as after:
        assert "planted" not in after


def test_desk_cookies_are_secure_when_the_office_is_https(tmp_path):
    app = make_central(tmp_path / "office", f"sqlite:///{tmp_path / 'o.sqlite3'}", CENTRAL_HTTPS=True)
    answer = app.test_client().get("/desk/login")
    assert "Secure" in answer.headers["Set-Cookie"]
    with app.app_context():
        office_db.engine.dispose()


def test_behind_the_proxy_a_desk_lock_is_per_citizen_not_for_everyone(tmp_path):
    app = make_central(tmp_path / "office", f"sqlite:///{tmp_path / 'o.sqlite3'}",
                       CENTRAL_TRUSTED_PROXIES=1)
    app.test_cli_runner().invoke(args=["staff", "add", "li", "--name", "李", "--password", DESK_PASSWORD])

    def attempt(address, password):
        client = app.test_client()
        headers = {"X-Forwarded-For": f"{address}"}
        page = client.get("/desk/login", headers=headers).get_data(as_text=True)
        return client.post("/desk/login", headers=headers, data={
            "csrf_token": csrf_token(page), "username": "li", "password": password})

    for _ in range(5):
        assert attempt("198.51.100.7", "wrong").status_code == 401
    assert attempt("198.51.100.7", DESK_PASSWORD).status_code == 401  # locked from there
    assert attempt("203.0.113.9", DESK_PASSWORD).status_code == 302  # the others are not
    with app.app_context():
        office_db.engine.dispose()


def test_behind_the_proxy_the_progress_limit_counts_each_citizen(tmp_path):
    app = make_central(tmp_path / "office", f"sqlite:///{tmp_path / 'o.sqlite3'}",
                       CENTRAL_TRUSTED_PROXIES=1, CENTRAL_PROGRESS_PER_MINUTE=2)

    def look(address):
        return app.test_client().post("/", data={"code": "7K3QD-M2X9P"},
                                      headers={"X-Forwarded-For": address}).status_code

    assert [look("198.51.100.7") for _ in range(3)] == [200, 200, 429]
    assert look("203.0.113.9") == 200  # another citizen behind the same proxy is not limited
    with app.app_context():
        office_db.engine.dispose()
