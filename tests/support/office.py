"""The office's headquarters in tests: desk users by role, and a small district's history.

`district` pushes a few halls' cases and visits over two years through the real
receiver (signed pushes), then makes the office's steps (replies on time and
late, conclusions, reviews, evaluations) through central.cases.step, so the
figures see what a real office's database holds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sync import protocol

from .central import push, register_kiosk
from .desk import DESK_PASSWORD, signed_in_desk

PASSWORD = DESK_PASSWORD
NOW = datetime(2026, 11, 23, 4, 0)
CATEGORIES = ("suggestion", "accusation", "appeal")
BODIES = ("区住建局", "区教育局", "区人社局", "街道办事处")
DISPOSITIONS = (None, "answered", "accepted", "forwarded", "assigned", "not_accepted")


def desk_client(app, username: str, role: str):
    """A test client signed in to the desk as a new user with `role`; `client.csrf` holds a token."""
    from central import staff

    with app.app_context():
        staff.save(username, name=username.upper(), role=role, password=PASSWORD, by="test", now=NOW)
    return signed_in_desk(app, username, PASSWORD)


def case_record(cid: str, kiosk: str, registered_on: date, *, person_id: str | None = None,
                category: str = "suggestion", body: str | None = "区住建局", version: int = 1, seq: int = 1,
                **window) -> dict:
    return protocol.encode_row("case", {
        "id": cid, "kiosk_id": kiosk, "person_id": person_id, "category": category, "body_name": body,
        "matter": "小区路灯不亮，夜间出行不便", "request": "尽快修复", "registered_on": registered_on,
        "urgent": False, "joint_supervision": False, "version": version,
        "created_at": NOW, "updated_at": NOW, **window}, seq)


def person_record(pid: str, kiosk: str, name: str = "王小明", seq: int = 1) -> dict:
    return protocol.encode_row("person", {
        "id": pid, "kiosk_id": kiosk, "name": name, "gender": None, "id_number": "370102198001011234",
        "phone": "13812345678", "address": "历下区泉城路1号", "is_deputy": False, "version": 1,
        "created_at": NOW, "updated_at": NOW}, seq)


def visit_record(vid: str, kiosk: str, case_id: str, day: date, *, category: str = "suggestion",
                 body: str | None = "区住建局", group_size: int = 1, seq: int = 1) -> dict:
    return protocol.encode_row("visit", {
        "id": vid, "kiosk_id": kiosk, "service": "group" if group_size > 1 else "individual",
        "service_day": day, "ticket_seq": 1, "ticket_number": "A001", "query_code": f"Q{vid[-9:]:0>9}",
        "status": "done", "person_id": None, "case_id": case_id, "category": category, "body_name": body,
        "group_size": group_size, "representative_count": 0, "locale": "zh_Hans_CN", "version": 1,
        "created_at": NOW, "updated_at": NOW}, seq)


def push_all(app, key: str, kiosk: str, table: str, records: list[dict]) -> None:
    client = app.test_client()
    for start in range(0, len(records), protocol.MAX_BATCH_RECORDS):
        answer, _signed, _body = push(client, key, records[start:start + protocol.MAX_BATCH_RECORDS],
                                      table=table, kiosk=kiosk, clock=time.time())
        assert answer.status_code == 200, answer.get_json()


@dataclass
class District:
    halls: list[str]
    cases: int
    visits: int
    first: date
    last: date


def window_facts(index: int, registered: date) -> dict:
    """The window's facts of the `index`th case: every disposition, decisions late and on time."""
    disposition = DISPOSITIONS[index % len(DISPOSITIONS)]
    if disposition is None:
        return {}
    decided = registered + timedelta(days=(index * 7) % 22)  # some decided after the 15 days
    facts = {"disposition": disposition, "decided_on": decided}
    if disposition == "answered":
        facts.update(result="当场答复", closed_on=decided,
                     satisfaction=(None, "satisfied", "dissatisfied")[index % 3])
    elif disposition == "accepted" and index % 4 == 0:
        facts.update(extension_days=30, extension_reason="情况复杂")
    elif disposition == "forwarded":
        facts.update(forwarded_to=BODIES[index % len(BODIES)])
    elif disposition == "assigned":
        facts.update(assigned_to=BODIES[index % len(BODIES)], assigned_due_on=decided + timedelta(days=30))
    elif disposition == "not_accepted":
        facts.update(not_accepted_reason="不属于受理范围", proper_channel="向人民法院起诉")
        if index % 2:
            facts.update(result="已告知", closed_on=decided + timedelta(days=1))
    return facts


def district(app, *, halls: int = 3, per_month: int = 6, first: date = date(2025, 1, 1),
             months: int = 24) -> District:
    """Halls hall-1… with `per_month` cases a month each from `first`, visits, and office steps."""
    from central import cases

    names = [f"hall-{n}" for n in range(1, halls + 1)]
    total_cases = total_visits = 0
    steps: list[tuple[str, str, datetime, dict]] = []
    for hall_number, hall in enumerate(names):
        key = register_kiosk(app, hall, f"第{hall_number + 1}接待大厅")
        people, case_rows, visit_rows = [], [], []
        for month in range(months):
            start = date(first.year + (first.month - 1 + month) // 12, (first.month - 1 + month) % 12 + 1, 1)
            for n in range(per_month):
                index = hall_number * 7 + month * per_month + n
                registered = start + timedelta(days=(n * 5) % 27)
                cid, pid = f"{hall}-c{month:02d}{n:02d}", f"{hall}-p{month:02d}{n:02d}"
                window = window_facts(index, registered)
                category, body = CATEGORIES[index % 3], BODIES[(index // 3) % len(BODIES)]
                seq = len(case_rows) + 1
                people.append(person_record(pid, hall, seq=seq))
                case_rows.append(case_record(cid, hall, registered, person_id=pid, category=category,
                                             body=body, seq=seq, **window))
                visit_rows.append(visit_record(f"{hall}-v{month:02d}{n:02d}", hall, cid, registered,
                                               category=category, body=body, group_size=1 + (index % 4 == 1) * 5,
                                               seq=seq))
                if window.get("disposition") in ("accepted", "forwarded", "assigned") and index % 3:
                    # Replies on time and late, some concluded, reviewed and evaluated.
                    replied = window["decided_on"] + timedelta(days=(index * 11) % 90)
                    steps.append((cid, "reply", datetime.combine(replied, datetime.min.time()) + timedelta(hours=2),
                                  {"text": "已办理并书面答复"}))
                    if index % 5 == 0:
                        steps.append((cid, "conclude", datetime.combine(replied + timedelta(days=3),
                                                                        datetime.min.time()), {}))
                    elif index % 5 == 1:
                        steps.append((cid, "request_review", datetime.combine(replied + timedelta(days=10),
                                                                              datetime.min.time()), {}))
                    if index % 5 in (0, 2):
                        steps.append((cid, "evaluate", datetime.combine(replied + timedelta(days=12),
                                                                        datetime.min.time()),
                                       {"evaluation": ("satisfied", "fairly_satisfied", "dissatisfied")[index % 3]}))
        push_all(app, key, hall, "person", people)
        push_all(app, key, hall, "case", case_rows)
        push_all(app, key, hall, "visit", visit_rows)
        total_cases += len(case_rows)
        total_visits += len(visit_rows)
    with app.app_context():
        for cid, step, when, values in steps:
            cases.step(cid, step, by="li", now=when, **values)
        from central.extensions import db

        db.session.remove()
    last = date(first.year + (first.month - 2 + months) // 12, (first.month - 2 + months) % 12 + 1, 1)
    return District(names, total_cases, total_visits, first, last)
