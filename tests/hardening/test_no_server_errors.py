"""Both apps never answer 5xx to any header, query string or body (the office on PostgreSQL).

Hypothesis sends arbitrary query strings, headers (forwarded addresses,
languages, cookies, signature headers) and bodies to the pages of the kiosk
(signed in to the console and not) and of the office (the desk signed in,
the progress page, the sync API), each app trusting one proxy so the
forwarded headers are read. Every answer is below 500.
"""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.apps import make_config
from tests.support.central import postgres_office
from tests.support.staff import PASSWORD, sign_in
from tests.support.touchscreen import csrf_token

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

KIOSK_PATHS = ["/", "/notice", "/identity", "/review", "/ticket", "/progress", "/healthz",
               "/display", "/display/calls.json", "/ime/candidates", "/staff/", "/staff/cases",
               "/staff/audit", "/staff/figures", "/staff/figures.csv", "/staff/register.pdf",
               "/staff/sign-in", "/staff/print-jobs", "/staff/queue/panel"]
OFFICE_PATHS = ["/", "/desk/", "/desk/kiosks", "/desk/login", "/desk/case/x", "/sync/v1/changes",
                "/sync/v1/time", "/sync/v1/push"]
HEADERS = ["X-Forwarded-For", "X-Forwarded-Proto", "Accept-Language", "Accept", "Cookie",
           "Content-Type", "If-None-Match", "Referer", "X-Jiedai-Kiosk", "X-Jiedai-Timestamp",
           "X-Jiedai-Nonce", "X-Jiedai-Signature", "Content-Encoding"]

texts = st.one_of(st.text(max_size=40), st.sampled_from([
    "\x00", "%00", "²", "١٢", "99999999999999999999", "-1", "1e9", "../../etc/passwd", "\r\n",
    "zh-CN;q=2, en;q=NaN", "session=garbage", "gzip", "application/json", "1.2.3.4, x", "[::1]",
    "999.999.999.999", "kiosk-test", "X" * 3000]))
# Header values travel as latin-1 on the wire, one line each (HTTP has no line break in one).
header_values = texts.map(lambda value: value.encode("utf-8", "surrogatepass").decode("latin-1")
                          .replace("\r", "").replace("\n", ""))
queries = st.dictionaries(st.sampled_from(["page", "q", "show", "day", "id", "kiosk", "status",
                                           "category", "due", "joint", "after", "limit", "next",
                                           "idle", "code"]) | st.text(max_size=5),
                          texts, max_size=4)


def query_string(params: dict) -> str:
    return urllib.parse.urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in params.items()})


@pytest.fixture(scope="module")
def kiosk_app(tmp_path_factory, template_db):
    from kiosk import create_app
    from kiosk.auth import operations as accounts
    from kiosk.extensions import db

    instance = tmp_path_factory.mktemp("kiosk")
    shutil.copy(template_db, instance / "kiosk.sqlite3")
    app = create_app(make_config(instance, KIOSK_TRUSTED_PROXIES=1))
    with app.app_context():
        accounts.create_user("rita", PASSWORD, "supervisor")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def office_app(tmp_path_factory):
    with postgres_office(tmp_path_factory.mktemp("office"), CENTRAL_TRUSTED_PROXIES=1) as app:
        app.test_cli_runner().invoke(args=["staff", "add", "li", "--name", "李", "--password", PASSWORD])
        yield app


@pytest.fixture(scope="module")
def clients(kiosk_app, office_app):
    console = kiosk_app.test_client()
    assert sign_in(console, "rita").status_code == 302
    desk = office_app.test_client()
    page = desk.get("/desk/login").get_data(as_text=True)
    assert desk.post("/desk/login", data={"csrf_token": csrf_token(page), "username": "li",
                                          "password": PASSWORD}).status_code == 302
    return {"kiosk": (kiosk_app, [kiosk_app.test_client(), console]),
            "office": (office_app, [office_app.test_client(), desk])}


@SETTINGS
@given(which=st.sampled_from(["kiosk", "office"]), path_index=st.integers(0, 100),
       signed_in=st.booleans(), method=st.sampled_from(["GET", "POST", "HEAD"]), params=queries,
       headers=st.dictionaries(st.sampled_from(HEADERS), header_values, max_size=4),
       body=st.binary(max_size=200))
def test_no_header_query_string_or_body_makes_a_server_error(clients, which, path_index, signed_in,
                                                            method, params, headers, body):
    app, (anonymous, signed) = clients[which]
    paths = KIOSK_PATHS if which == "kiosk" else OFFICE_PATHS
    path = paths[path_index % len(paths)]
    client = signed if signed_in else anonymous
    url = path + ("?" + query_string(params) if params else "")
    cookie = headers.pop("Cookie", None)
    environ = {"HTTP_COOKIE": cookie} if cookie is not None and not signed_in else {}
    answer = client.open(url, method=method, headers=headers, data=body if method == "POST" else None,
                         environ_overrides=environ)
    assert answer.status_code < 500, (which, method, url, headers, answer.status_code)


def test_the_desk_lists_take_odd_filters_calmly(office_app):
    """Filters that would reach PostgreSQL as text: a NUL never gets there."""
    desk = office_app.test_client()
    page = desk.get("/desk/login").get_data(as_text=True)
    assert desk.post("/desk/login", data={"csrf_token": csrf_token(page), "username": "li",
                                          "password": PASSWORD}).status_code == 302
    assert desk.get("/desk/?kiosk=nobody").status_code == 200
    for query in ("kiosk=%00", "kiosk=a%00b", "status=%ED%A0%80", "kiosk=" + "x" * 5000):
        assert desk.get(f"/desk/?{query}").status_code < 500, query
