"""The touch-screen flow through the test client: what a visitor sees at each step."""

from sqlalchemy import select

from kiosk.cases import states
from kiosk.extensions import db
from kiosk.models import Case, Person, PrintJob, Visit
from petition.clock import local_date, utcnow
from tests.support.touchscreen import confirm, csrf_token, valid_id_number, walk_to_review


def visits(app):
    with app.app_context():
        return db.session.scalars(select(Visit)).all()


def test_welcome_offers_the_four_choices_in_chinese(client):
    page = client.get("/").get_data(as_text=True)
    for label in ("个人来访", "集体来访", "人大代表来访", "查询办理进度"):
        assert label in page
    assert 'lang="zh-Hans-CN"' in page


def test_english_is_a_switch_and_restart_returns_to_chinese(client):
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/"})
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Personal visit" in page and "个人来访" not in page
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "https://evil.example"})
    client.post("/restart", data={"csrf_token": token})
    assert "个人来访" in client.get("/").get_data(as_text=True)


def test_no_entry_before_the_notice_is_acknowledged(client):
    token = csrf_token(client.get("/").get_data(as_text=True))
    client.post("/start", data={"csrf_token": token, "service": "individual"})
    response = client.get("/identity")
    assert response.headers["Location"].endswith("/notice")
    notice = client.get("/notice").get_data(as_text=True)
    assert "我已知晓" in notice and "保存多久" in notice


def test_a_whole_visit_gives_a_ticket_a_query_code_and_a_print_job(app, client):
    review = walk_to_review(client)
    assert "370102198001011234"[:6] in review and "13812345678" in review
    response = confirm(client, review)
    assert response.headers["Location"].endswith("/ticket")
    ticket = client.get("/ticket").get_data(as_text=True)
    assert "A001" in ticket and "下一位就是您" in ticket
    [visit] = visits(app)
    code = visit.query_code
    assert f"{code[:5]}-{code[5:]}" in ticket
    with app.app_context():
        job = db.session.scalars(select(PrintJob)).one()
        assert job.visit_id == visit.id and job.kind == "ticket"
        case = db.session.get(Case, visit.case_id)
        assert case.category == "appeal" and case.body_name == "住房和城乡建设局"
        person = db.session.get(Person, visit.person_id)
        assert person.name == "张三" and person.phone == "13812345678"


def test_the_second_visitor_waits_behind_the_first(client, app):
    confirm(client, walk_to_review(client))
    client.post("/restart", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    confirm(client, walk_to_review(client, id_number=valid_id_number(seq=456)))
    ticket = client.get("/ticket").get_data(as_text=True)
    assert "A002" in ticket and "您前面还有1人等候" in ticket


def test_double_submit_resubmit_and_back_then_submit_make_one_visit(app, client):
    review = walk_to_review(client)
    for _ in range(3):
        assert confirm(client, review).status_code == 302
    # back to the review page, then submit again
    again = client.get("/review")
    assert again.status_code in (200, 302)
    if again.status_code == 200:
        confirm(client, again.get_data(as_text=True))
    assert len(visits(app)) == 1


def test_a_group_visit_records_its_size_and_representatives(app, client):
    confirm(client, walk_to_review(client, service="group", group=(12, 3)))
    [visit] = visits(app)
    assert (visit.ticket_number, visit.group_size, visit.representative_count) == ("B001", 12, 3)


def test_group_numbers_are_checked(client):
    walk_to_review(client, service="group")
    token = csrf_token(client.get("/identity").get_data(as_text=True))
    base = {"csrf_token": token, "id_number": valid_id_number(), "phone": "13812345678"}
    page = client.post("/identity", data={**base, "group_size": "4", "representative_count": "6"})
    assert "集体来访推选代表1至5人" in page.get_data(as_text=True)
    page = client.post("/identity", data={**base, "group_size": "2", "representative_count": "3"})
    assert "代表人数不能多于来访人数" in page.get_data(as_text=True)
    page = client.post("/identity", data={**base, "group_size": "", "representative_count": ""})
    assert "请输入来访人数" in page.get_data(as_text=True)


def test_identity_errors_show_beside_their_field_in_the_visitors_language(client):
    walk_to_review(client)
    token = csrf_token(client.get("/identity").get_data(as_text=True))
    response = client.post("/identity", data={"csrf_token": token, "id_number": "37010219800101123",
                                              "phone": "12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "身份证号码应为18位，您输入了17位" in page
    assert 'id="id_number-error"' in page and 'id="phone-error"' in page
    assert 'value="37010219800101123"' in page  # what was typed stays to be corrected


def test_restart_clears_everything_and_the_ticket_is_gone(client):
    confirm(client, walk_to_review(client))
    token = csrf_token(client.get("/ticket").get_data(as_text=True))
    client.post("/restart", data={"csrf_token": token})
    for path in ("/ticket", "/review", "/matter", "/identity", "/notice"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/", path


def test_pages_are_never_cached_and_only_load_from_the_kiosk(client):
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_form_without_its_csrf_token_is_refused_calmly(client):
    response = client.post("/start", data={"service": "individual"})
    assert response.status_code == 400
    assert "请重新开始" in response.get_data(as_text=True)


def test_progress_lookup_shows_status_only_and_the_same_answer_for_unknown_codes(app, client):
    confirm(client, walk_to_review(client))
    [visit] = visits(app)
    page = client.get("/progress").get_data(as_text=True)
    token = csrf_token(page)
    code = visit.query_code
    found = client.post("/progress", data={"csrf_token": token, "code": f"{code[:5].lower()} {code[5:]}"})
    text = found.get_data(as_text=True)
    assert "等候窗口接待" in text
    for private in ("张三", "13812345678", "370102"):
        assert private not in text
    unknown = client.post("/progress", data={"csrf_token": token, "code": "ZZZZZ-ZZZZZ"}).get_data(as_text=True)
    malformed = client.post("/progress", data={"csrf_token": token, "code": "hello"}).get_data(as_text=True)
    assert 'data-progress="unknown"' in unknown and 'data-progress="unknown"' in malformed


def test_progress_shows_the_offices_handling_after_a_sync(app, client):
    confirm(client, walk_to_review(client))
    [visit] = visits(app)
    with app.app_context():
        case = db.session.get(Case, visit.case_id)
        states.accept(case, by="rita", now=utcnow())  # the window accepted it...
        db.session.commit()
    token = csrf_token(client.get("/progress").get_data(as_text=True))
    page = client.post("/progress", data={"csrf_token": token, "code": visit.query_code})
    assert "已受理，正在办理" in page.get_data(as_text=True)
    with app.app_context():
        case = db.session.get(Case, visit.case_id)
        case.replied_on, case.office_version = local_date(utcnow()), 1  # ...the office's reply
        states.refresh(case)                                              # came back with a sync
        db.session.commit()
    page = client.post("/progress", data={"csrf_token": token, "code": visit.query_code})
    html = page.get_data(as_text=True)
    assert "已书面答复" in html and "书面答复日期" in html


def test_what_the_visitor_typed_never_travels_in_the_cookie(app, client):
    walk_to_review(client, id_number=valid_id_number(seq=555), phone="13912340000", name="钱多多")
    cookie = client.get_cookie("session")
    assert cookie is not None
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(data) <= {"csrf_token", "draft_id", "visit_key", "locale", "progress_tries", "card_error",
                         "_fresh"}  # Flask-Login marks every session
    raw = repr(data)
    for private in (valid_id_number(seq=555), "13912340000", "钱多多"):
        assert private not in raw and private not in cookie.value
    from kiosk.touchscreen.drafts import drafts
    assert len(drafts(app)) == 1
    client.post("/restart", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert len(drafts(app)) == 0
