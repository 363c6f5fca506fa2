"""Registration at the window: completing the visit, validation, repeat visits, the audit log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import AuditEntry, Case, Material, Visit
from tests.support.staff import take_tickets
from tests.support.touchscreen import csrf_token, valid_id_number


def registration(visit_id: str, **overrides) -> dict:
    data = {
        "name": "李四海", "gender": "male", "id_number": valid_id_number(seq=7), "phone": "13900001111",
        "address": "历下区泉城路1号", "category": "appeal", "body_name": "教育局",
        "matter": "学校收取额外费用", "request": "退还费用", "group_size": "",
        "materials-0-name": "申诉书", "materials-0-count": "2",
        "materials-1-name": "收据复印件", "materials-1-count": "5", "urgent": "y",
    }
    data.update(overrides)
    return data


def open_visit(client, visit_id: str) -> str:
    return client.get(f"/staff/visits/{visit_id}").get_data(as_text=True)


def save(client, visit_id: str, **overrides):
    page = open_visit(client, visit_id)
    return client.post(f"/staff/visits/{visit_id}",
                       data={"csrf_token": csrf_token(page), **registration(visit_id, **overrides)})


def test_the_receptionist_completes_the_registration(app, receptionist):
    [visit_id] = take_tickets(app, 1, name=None)
    response = save(receptionist, visit_id)
    assert response.status_code == 302
    assert "登记已保存" in receptionist.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.person.name == "李四海" and visit.person.gender == "male"
        assert visit.person.address == "历下区泉城路1号"
        assert visit.case.matter == "学校收取额外费用" and visit.case.urgent is True
        assert [(m.name, m.count) for m in visit.materials] == [("申诉书", 2), ("收据复印件", 5)]
        assert visit.person.version > 1 and visit.case.version > 1
        # One line per record saved, every changed field in it, each naming the visitor.
        lines = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "change",
                                                            AuditEntry.entity.in_(("person", "case")))).all()
        assert sorted(line.entity for line in lines) == ["case", "person"]
        saved = {line.entity: line for line in lines}
        assert saved["person"].actor == "rita" and saved["person"].fields["name"] == (None, "李四海")
        assert saved["person"].fields["address"][1] == "历下区泉城路1号"
        assert saved["case"].fields["urgent"] == ("no", "yes")
        assert {line.person_id for line in lines} == {visit.person_id}


def test_a_bad_id_number_or_phone_is_shown_beside_the_field_and_nothing_is_saved(app, receptionist):
    [visit_id] = take_tickets(app, 1)
    bad_id = valid_id_number(seq=7)[:-1] + ("0" if valid_id_number(seq=7)[-1] != "0" else "1")
    response = save(receptionist, visit_id, id_number=bad_id, phone="12345")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "校验位不符" in page and "请更正标出的内容" in page
    with app.app_context():
        assert db.session.get(Visit, visit_id).person.phone == "13800000000"


def test_a_group_visit_records_its_size_and_representatives(app, receptionist):
    [visit_id] = take_tickets(app, 1, service="group")
    response = save(receptionist, visit_id, group_size="12",
                    **{"representatives-0-name": "王五", "representatives-0-id_number": valid_id_number(seq=21),
                       "representatives-0-phone": "13700000001",
                       "representatives-1-name": "赵六", "representatives-1-phone": "13700000002"})
    assert response.status_code == 302
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert visit.group_size == 12 and visit.representative_count == 2
        assert [r.name for r in visit.representatives] == ["王五", "赵六"]


def test_saving_the_same_entries_again_changes_nothing(app, receptionist):
    [visit_id] = take_tickets(app, 1)
    save(receptionist, visit_id)
    with app.app_context():
        version = db.session.get(Visit, visit_id).person.version
    response = save(receptionist, visit_id)
    assert "没有改动" in receptionist.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Visit, visit_id).person.version == version


def test_the_full_data_page_logs_each_view_and_lists_stay_masked(app, receptionist):
    [visit_id] = take_tickets(app, 1, name="欧阳小明", id_number=valid_id_number(seq=33))
    page = open_visit(receptionist, visit_id)
    assert "欧阳小明" in page and valid_id_number(seq=33) in page
    open_visit(receptionist, visit_id)
    with app.app_context():
        person_id = db.session.get(Visit, visit_id).person_id
        views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "view",
                                                            AuditEntry.entity_id == person_id)).all()
        assert len(views) == 2 and {v.actor for v in views} == {"rita"}
    cases = receptionist.get("/staff/cases").get_data(as_text=True)
    assert "欧**明" in cases and "欧阳小明" not in cases and valid_id_number(seq=33) not in cases


def test_a_repeat_visitor_sees_earlier_visits_and_links_to_the_earlier_case(app, receptionist):
    id_number = valid_id_number(seq=44)
    earlier = datetime.now(timezone.utc) - timedelta(days=3)
    [old_id] = take_tickets(app, 1, id_number=id_number, phone="13600000000", now=earlier)
    [new_id] = take_tickets(app, 1, id_number=id_number, phone="13600000000", start=5)
    with app.app_context():
        old_case = db.session.get(Visit, old_id).case_id
        new_case = db.session.get(Visit, new_id).case_id
    page = open_visit(receptionist, new_id)
    assert "该信访人以往来访" in page and "作为该事项重复访" in page
    assert f'value="{old_case}"' in page
    token = csrf_token(page)
    response = receptionist.post(f"/staff/visits/{new_id}/link-case", data={"csrf_token": token,
                                                                           "case_id": old_case})
    assert response.headers["Location"] == f"/staff/cases/{old_case}"
    with app.app_context():
        assert db.session.get(Visit, new_id).case_id == old_case
        assert db.session.get(Case, new_case) is None  # the touch screen's draft case is gone
    # A case of someone else cannot be linked.
    [stranger] = take_tickets(app, 1, id_number=valid_id_number(seq=99), phone="13500000000", start=9)
    response = receptionist.post(f"/staff/visits/{stranger}/link-case", data={"csrf_token": token,
                                                                             "case_id": old_case})
    assert "不能与本次来访关联" in receptionist.get(response.headers["Location"]).get_data(as_text=True)


def test_an_unknown_visit_is_a_calm_404(receptionist):
    response = receptionist.get("/staff/visits/nope")
    assert response.status_code == 404 and "没有这个页面" in response.get_data(as_text=True)


def test_materials_removed_on_the_form_are_removed(app, receptionist):
    [visit_id] = take_tickets(app, 1)
    save(receptionist, visit_id)
    save(receptionist, visit_id, **{"materials-1-name": "", "materials-1-count": ""})
    with app.app_context():
        assert [m.name for m in db.session.scalars(select(Material))] == ["申诉书"]
        assert re.match(r"申诉书", db.session.scalars(select(Material.name)).one())


def test_the_audit_page_masks_addresses_and_removed_representatives(app, supervisor):
    from kiosk import audit
    from kiosk.extensions import db
    with app.app_context():
        audit.record("rita", "change", "person", "p1",
                     {"address": ("山东省济南市历下区泉城路1号", "山东省济南市市中区经四路2号")})
        audit.record("rita", "delete", "representative", "r1", {"name": ("欧阳小明", None)})
        db.session.commit()
    page = supervisor.get("/staff/audit").get_data(as_text=True)
    for private in ("泉城路1号", "经四路2号", "欧阳小明"):
        assert private not in page
    assert "山东省济南市" in page and "欧**明" in page
