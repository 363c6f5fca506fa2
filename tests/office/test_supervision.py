"""Supervision (督查督办): which body has a forwarded or assigned case, reminders, answers,
joint supervision, the lists (due soon, overdue, overdue by body), the 督办单, all audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from central import supervision
from central.extensions import db
from central.models import DeskAudit
from petition.clock import local_date, utcnow
from tests.support.central import register_kiosk
from tests.support.office import case_record, desk_client, person_record, push_all
from tests.support.pdf import fonts_of, text_of

TODAY = local_date(utcnow())


def assigned(cid: str, decided: date, due: date, to: str = "区住建局", **facts) -> dict:
    return case_record(cid, "hall-1", decided - timedelta(days=2), person_id="p1", body=to,
                       disposition="assigned", decided_on=decided, assigned_to=to, assigned_due_on=due, **facts)


@pytest.fixture
def handler(central_app):
    key = register_kiosk(central_app, "hall-1", "第一接待大厅")
    push_all(central_app, key, "hall-1", "person", [person_record("p1", "hall-1", name="王小明")])
    push_all(central_app, key, "hall-1", "case", [
        assigned("late", TODAY - timedelta(days=40), TODAY - timedelta(days=10)),
        assigned("soon", TODAY - timedelta(days=20), TODAY + timedelta(days=2), to="区教育局"),
        case_record("fwd", "hall-1", TODAY - timedelta(days=9), disposition="forwarded",
                    decided_on=TODAY - timedelta(days=8), forwarded_to="区人社局"),
        case_record("new", "hall-1", TODAY)])
    return desk_client(central_app, "li", "handler")


def form(client, **fields):
    return {"csrf_token": client.csrf, **fields}


def ids_on(page, attribute="data-case") -> list[str]:
    import re
    return re.findall(rf'{attribute}="([^"]+)"', page.get_data(as_text=True))


def test_supervise_remind_and_answer_with_the_lists_and_the_audit(central_app, handler):
    page = handler.get("/desk/case/late/supervision").get_data(as_text=True)
    assert "区住建局" in page and 'data-step="supervise"' in page  # the window's body, suggested
    made = handler.post("/desk/case/late/supervision", data=form(
        handler, bodies="区住建局", due_on=(TODAY - timedelta(days=10)).isoformat(), note="限期报告"))
    assert made.status_code == 302  # a due date in the past is refused with the reason
    assert "办理时限须在今天至60天之内" in handler.get("/desk/case/late/supervision").get_data(as_text=True)
    assert handler.post("/desk/case/late/supervision", data=form(handler, bodies="", due_on="")).status_code == 422
    made = handler.post("/desk/case/late/supervision", data=form(
        handler, bodies="区住建局", due_on=TODAY.isoformat(), note="限期报告"))
    assert made.status_code == 302
    handler.post("/desk/case/soon/supervision", data=form(handler, bodies="区教育局",
                                                          due_on=(TODAY + timedelta(days=2)).isoformat()))
    with central_app.app_context():
        late = supervision.of_case("late")[0]
        # Ten days on, the body has not answered: it is overdue.
        assert [r.case_id for r in supervision.open_supervisions(TODAY + timedelta(days=10), overdue=True)] == \
            ["late", "soon"]
    assert ids_on(handler.get("/desk/supervision?view=due&within=3")) == ["late", "soon"]
    assert ids_on(handler.get("/desk/supervision?view=overdue")) == []

    reminded = handler.post(f"/desk/supervision/{late.id}/remind", data=form(
        handler, sent_on=TODAY.isoformat(), note="电话催办，答应三日内回复"))
    assert reminded.status_code == 302
    assert handler.post(f"/desk/supervision/{late.id}/remind", data=form(handler, note="")).status_code == 422
    future = handler.post(f"/desk/supervision/{late.id}/remind", data=form(
        handler, sent_on=(TODAY + timedelta(days=1)).isoformat(), note="明天"))
    assert future.status_code == 302 and "催办日期须在" in handler.get("/desk/case/late/supervision").get_data(
        as_text=True)
    page = handler.get("/desk/case/late/supervision").get_data(as_text=True)
    assert "电话催办，答应三日内回复 (li)" in page

    answered = handler.post(f"/desk/supervision/{late.id}/answer", data=form(handler, text="已修复路灯"))
    assert answered.status_code == 302
    page = handler.get("/desk/case/late/supervision").get_data(as_text=True)
    assert f"{TODAY.isoformat()}: 已修复路灯" in page and 'data-step="remind"' not in page
    assert ids_on(handler.get("/desk/supervision?view=due&within=3")) == ["soon"]
    with central_app.app_context():
        audit = db.session.execute(select(DeskAudit.action, DeskAudit.detail).where(
            DeskAudit.case_id == "late", DeskAudit.action != "view_supervision").order_by(DeskAudit.id)).all()
    assert audit == [("supervise", f"bodies=区住建局; due_on={TODAY.isoformat()}"),
                     ("remind", f"body=区住建局; sent_on={TODAY.isoformat()}; note=电话催办，答应三日内回复"),
                     ("answer", f"body=区住建局; answered_on={TODAY.isoformat()}")]


def test_joint_supervision_names_several_bodies_each_answering_for_itself(central_app, handler):
    made = handler.post("/desk/case/fwd/supervision", data=form(
        handler, bodies="区人社局\n街道办事处\n区人社局\n", due_on=(TODAY + timedelta(days=5)).isoformat()))
    assert made.status_code == 302
    again = handler.post("/desk/case/fwd/supervision", data=form(
        handler, bodies="街道办事处", due_on=(TODAY + timedelta(days=5)).isoformat()))
    assert again.status_code == 302
    assert "街道办事处已在督办此事项" in handler.get("/desk/case/fwd/supervision").get_data(as_text=True)
    with central_app.app_context():
        bodies = supervision.of_case("fwd")
    assert [b.body_name for b in bodies] == ["区人社局", "街道办事处"]
    handler.post(f"/desk/supervision/{bodies[1].id}/answer", data=form(handler, text="已协调解决"))
    page = handler.get("/desk/case/fwd/supervision").get_data(as_text=True)
    first, second = page.split('data-body="区人社局"')[1].split('data-body="街道办事处"')
    assert 'data-step="answer"' in first and "已协调解决" in second and 'data-step="answer"' not in second


def test_an_undecided_case_cannot_be_supervised(central_app, handler):
    refused = handler.post("/desk/case/new/supervision", data=form(
        handler, bodies="区住建局", due_on=(TODAY + timedelta(days=5)).isoformat()))
    assert refused.status_code == 302
    assert "只有已转送或已交办的事项才能督办" in handler.get("/desk/case/new/supervision").get_data(as_text=True)
    assert handler.get("/desk/case/nothing/supervision").status_code == 404
    assert handler.post("/desk/supervision/999/remind", data=form(handler, note="x")).status_code == 404


def test_overdue_by_body_counts_each_bodys_late_supervisions_and_reminders(central_app, handler):
    with central_app.app_context():
        now = datetime.combine(TODAY - timedelta(days=30), datetime.min.time())
        first = supervision.supervise("late", ["区住建局", "街道办事处"], due_on=TODAY - timedelta(days=10),
                                      note=None, by="li", now=now)
        supervision.supervise("soon", ["区教育局"], due_on=TODAY - timedelta(days=1), note=None, by="li", now=now)
        supervision.remind(first[0].id, sent_on=TODAY - timedelta(days=5), note="发函催办", by="li", now=now
                           + timedelta(days=26))
        supervision.remind(first[0].id, sent_on=None, note="再次电话催办", by="li", now=now + timedelta(days=28))
        supervision.answer(first[1].id, text="已办结", answered_on=None, by="li", now=now + timedelta(days=29))
    page = handler.get("/desk/supervision?view=by_body")
    rows = page.get_data(as_text=True).split("<tbody>")[1]
    assert ids_on(page, "data-body") == ["区住建局", "区教育局"]  # most overdue first; 街道 answered
    zhujian = rows.split('data-body="区住建局"')[1].split("</tr>")[0]
    assert "<td data-overdue>1</td>" in zhujian and "<td data-reminders>2</td>" in zhujian
    assert (TODAY - timedelta(days=2)).isoformat() in zhujian and "<td>10</td>" in zhujian
    assert ids_on(handler.get("/desk/supervision?view=overdue&body=区教育局")) == ["soon"]


def test_the_supervision_sheet_is_masked_printed_and_audited(central_app, handler, tmp_path):
    assert handler.get("/desk/case/late/supervision.pdf").status_code == 404  # nothing supervised yet
    with central_app.app_context():
        supervision.supervise("late", ["区住建局"], due_on=TODAY, note="请按期报告", by="li",
                              now=datetime.combine(TODAY, datetime.min.time()))
    answer = handler.get("/desk/case/late/supervision.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = "".join(text_of(answer.data, tmp_path).split())
    assert "信访事项督办单" in text and "王*明" in text and "王小明" not in text
    assert "承办单位：区住建局" in text and "第一接待大厅" in text and "请按期报告" in text
    assert all(embedded for _name, embedded in fonts_of(answer.data, tmp_path))
    with central_app.app_context():
        assert "print_supervision" in db.session.scalars(
            select(DeskAudit.action).where(DeskAudit.case_id == "late")).all()
