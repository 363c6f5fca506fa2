"""Hypothesis over every form endpoint of the touch screen: no input produces a 500.

Each example takes a fresh visitor to one stage of the flow (nothing done,
started, notice acknowledged, identity entered, matter chosen, ticket taken),
then POSTs arbitrary fields to one endpoint: huge values, control characters,
any unicode, a valid, wrong or missing CSRF token, missing and repeated
fields. Whatever comes, the kiosk answers with a page or a redirect, never a
server error, and the session it leaves behind still renders.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from kiosk import create_app
from tests.support.apps import make_config
from tests.support.touchscreen import confirm, csrf_token, page_token, valid_id_number

ENDPOINTS = ("/start", "/notice", "/identity", "/matter", "/confirm", "/restart", "/language",
             "/progress")
STAGES = ("fresh", "started", "acknowledged", "identified", "review", "ticket")
FIELDS = ("csrf_token", "service", "id_number", "phone", "name", "group_size",
          "representative_count", "category", "body", "key", "locale", "next", "code")
PAGES = ("/", "/notice", "/identity", "/matter", "/review", "/ticket", "/progress")

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, template_db):
    instance = tmp_path_factory.mktemp("fuzz")
    shutil.copy(template_db, instance / "kiosk.sqlite3")
    app = create_app(make_config(instance))
    yield app
    from kiosk.extensions import db
    with app.app_context():
        db.engine.dispose()


def walk(client, stage: str, service: str = "group") -> str:
    """Take a fresh visitor to `stage`; return a valid CSRF token of their session."""
    token = page_token(client, "/")
    if stage == "fresh":
        return token
    client.post("/start", data={"csrf_token": token, "service": service})
    token = page_token(client, "/notice")  # starting clears the session and its token
    if stage == "started":
        return token
    client.post("/notice", data={"csrf_token": token})
    if stage == "acknowledged":
        return token
    client.post("/identity", data={"csrf_token": token, "id_number": valid_id_number(),
                                   "phone": "13812345678", "group_size": "4",
                                   "representative_count": "2"})
    if stage == "identified":
        return token
    client.post("/matter", data={"csrf_token": token, "category": "appeal", "body": ""})
    review = client.get("/review").get_data(as_text=True)
    if stage == "review":
        assert "data-once" in review
        return token
    assert confirm(client, review).status_code == 302
    return token


# Values a visitor (or anything pretending to be the touch screen) could send.
nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=40),  # control characters
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e9", "NaN", "X" * 18,
                     "individual", "group", "deputy", "appeal", "en", "zh_Hans_CN",
                     "/\r\nSet-Cookie: x=1", "//evil.example", "/\\evil", "%00", "\x00",
                     "<script>alert(1)</script>", "' OR 1=1 --", "身份证", "\ud7ff",
                     valid_id_number(), "13812345678", "A" * 100_000, "9" * 300_000]),
)
field_values = st.lists(nasty_text, min_size=1, max_size=3)  # repeated fields
csrf_choice = st.sampled_from(["valid", "missing", "wrong", "repeated", "fuzz"])


def build_form(fields: dict[str, list[str]], csrf: str, token: str, wrong: str) -> MultiDict:
    form = MultiDict()
    for name, values in fields.items():
        if name == "csrf_token":
            continue
        for value in values:
            form.add(name, value)
    if csrf == "valid":
        form.add("csrf_token", token)
    elif csrf == "wrong":
        form.add("csrf_token", token[:-4] + "AAAA")
    elif csrf == "repeated":
        form.add("csrf_token", wrong)
        form.add("csrf_token", token)
    elif csrf == "fuzz":
        form.add("csrf_token", wrong)
    return form


@SETTINGS
@given(stage=st.sampled_from(STAGES), endpoint=st.sampled_from(ENDPOINTS),
       fields=st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=20)),
                              field_values, max_size=8),
       csrf=csrf_choice, wrong=nasty_text)
def test_no_form_post_at_any_stage_gives_a_server_error(fuzz_app, stage, endpoint, fields,
                                                        csrf, wrong):
    client = fuzz_app.test_client()
    token = walk(client, stage)
    response = client.post(endpoint, data=build_form(fields, csrf, token, wrong))
    assert response.status_code < 500, (endpoint, stage, response.status_code)
    # Whatever was posted, every screen of the flow still answers calmly afterwards.
    for path in PAGES:
        assert client.get(path).status_code < 500, path


@SETTINGS
@given(stage=st.sampled_from(STAGES), endpoint=st.sampled_from(ENDPOINTS),
       body=st.binary(max_size=300),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data",
                                     "multipart/form-data; boundary=x", "application/json",
                                     "text/plain; charset=gb18030", "", "\x00/\x00"]))
def test_raw_bodies_of_any_type_give_no_server_error(fuzz_app, stage, endpoint, body,
                                                     content_type):
    client = fuzz_app.test_client()
    walk(client, stage, service="individual")
    response = client.post(endpoint, data=body, headers={"Content-Type": content_type})
    assert response.status_code < 500, (endpoint, stage, response.status_code)


@SETTINGS
@given(locale=st.sampled_from(["en", "zh_Hans_CN"]),
       nxt=st.one_of(nasty_text, nasty_text.map(lambda text: "/" + text)))
def test_the_language_switch_never_fails_or_leaves_the_kiosk(fuzz_app, locale, nxt):
    """The switch's `next` goes into a Location header: it must never split it or go outside."""
    client = fuzz_app.test_client()
    response = client.post("/language", data={"csrf_token": walk(client, "started"),
                                              "locale": locale, "next": nxt})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")


def test_a_valid_post_after_fuzzing_still_registers_a_visit(fuzz_app):
    """The fuzzing is not vacuous: the same endpoints accept a right form."""
    client = fuzz_app.test_client()
    walk(client, "review", service="individual")
    review = client.get("/review").get_data(as_text=True)
    assert csrf_token(review) and confirm(client, review).status_code == 302
    assert "data-ticket-number" in client.get("/ticket").get_data(as_text=True)
