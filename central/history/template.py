"""One hall's history made in Python, as its kiosk would have registered it and the office handled it.

People come once, or (about one in ten) again and again: a repeat visit
either returns to an earlier case (重复访) or opens a new one, which the
office sometimes links to the earlier as the same matter. Each case lives
through petition.lifecycle: the window's steps (decide, extend, close) and
the office's (reply, conclude, review, re-examination, evaluation) are
applied in date order up to `today`, and a step the lifecycle refuses is
simply not taken, so every stored status and due date is one the domain
derives. The window's facts travel as a kiosk pushes them; the office's are
returned beside them for the generator to store.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from petition import lifecycle, querycode, transitions
from petition.lifecycle import Owner
from petition.transitions import IllegalTransition
from petition.vocabulary import SATISFACTION, SERVICES

from ..cases import derived
from . import vocabulary as words

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
OFFICE_HOUR = time(2, 0)  # 10:00 in Asia/Shanghai, stored as naive UTC


def id_check_digit(first17: str) -> str:
    """GB 11643's check digit, as petition.identity checks it."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def uuid7_at(moment: datetime, rng: random.Random) -> str:
    """A UUIDv7 for a record born at `moment` (naive UTC), as a kiosk makes them."""
    ms = int((moment - datetime(1970, 1, 1)).total_seconds() * 1000)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


@dataclass
class Identity:
    name: str
    gender: str
    id_number: str | None
    phone: str
    address: str


def identity(rng: random.Random) -> Identity:
    given = "".join(rng.choice(words.GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(22000))
    seq = rng.randrange(1000)
    first17 = f"{rng.choice(words.AREA_CODES)}{birth:%Y%m%d}{seq:03d}"
    district, _code = rng.choice(words.DISTRICTS)
    return Identity(
        name=rng.choice(words.SURNAMES) + given, gender="男" if seq % 2 else "女",
        id_number=first17 + id_check_digit(first17) if rng.random() < 0.9 else None,
        phone=rng.choice(words.MOBILE_PREFIXES) + f"{rng.randrange(10 ** 9):09d}",
        address=f"济南市{district}{rng.choice(words.STREETS)}{rng.randrange(1, 300)}号")


@dataclass
class Hall:
    """One hall's records, per synced table, in push order, and the office's facts per case id."""

    records: dict[str, list[dict]] = field(default_factory=lambda: {
        "person": [], "case": [], "visit": [], "group_representative": [], "material": []})
    office: dict[str, dict] = field(default_factory=dict)


def _moment(day: date, rng: random.Random) -> datetime:
    """A moment of office hours (08:30–17:00 Asia/Shanghai) of `day`, as naive UTC."""
    minutes = rng.randrange(8 * 60 + 30, 17 * 60)
    return datetime.combine(day, time()) + timedelta(minutes=minutes - 8 * 60)


def _life(case: SimpleNamespace, today: date, rng: random.Random, service: str) -> tuple[int, int, date | None]:
    """Take the case through its life up to today: (window steps, office steps, last office day)."""
    counts = {Owner.WINDOW: 0, Owner.OFFICE: 0}
    last_office: list[date] = []

    def step(name: str, day: date, **values) -> bool:
        if day > today:
            return False
        owner = transitions.TRANSITIONS[name].owner
        try:
            facts = transitions.apply(case, name, owner=owner, today=day, **values)
        except IllegalTransition:
            return False
        for key, value in facts.items():
            setattr(case, key, value)
        counts[owner] += 1
        if owner == Owner.OFFICE:
            last_office.append(day)
        return True

    def later(day: date, low: int, high: int) -> date:
        return day + timedelta(days=rng.randint(low, high))

    def handled(day: date, due: date) -> None:
        """The office's reply, conclusion, evaluation and the petitioner's review and re-examination."""
        roll = rng.random()
        replied_on = later(day, 10, max(11, (due - day).days)) if roll < 0.88 else later(due, 1, 20)
        if roll > 0.96 or not step("reply", replied_on, text="经调查核实，已责成有关部门依法处理，现予书面答复。"):
            return
        ended = replied_on
        if rng.random() < 0.85 and step("conclude", later(replied_on, 0, 7)):
            ended = case.office_closed_on
        if rng.random() < 0.55:
            step("evaluate", later(ended, 1, 10), evaluation=rng.choices(
                list(SATISFACTION), weights=(70, 22, 8))[0])
        if rng.random() < 0.05 and step("request_review", later(replied_on, 5, 28),
                                        requested_on=None):
            if step("decide_review", later(case.review_requested_on, 10, 30), result="维持原处理意见。") \
                    and rng.random() < 0.25 and step("request_reexam", later(case.review_decided_on, 5, 25)):
                step("decide_reexam", later(case.reexam_requested_on, 10, 30), result="复核维持复查意见。")

    roll = rng.random()
    decided = case.registered_on + timedelta(days=0 if roll < 0.6 else rng.randint(1, 14))
    if rng.random() < 0.01:
        decided += timedelta(days=rng.randint(16, 40))  # a few wait past the 15 days
    pick = rng.random()
    body = rng.choice(words.BODIES)
    if service == "deputy" or pick < 0.35:
        step("answer", decided, result="已当场解释相关政策，信访人表示理解。",
             satisfaction=rng.choice((None, "satisfied", "fairly_satisfied")))
    elif pick < 0.65:
        if step("accept", decided):
            if rng.random() < 0.06:
                step("extend", later(decided, 40, 55), days=rng.choice((15, 30)), reason="案情复杂，需进一步调查。")
            handled(decided, lifecycle.reply_due_on(case))
    elif pick < 0.80:
        if step("forward", decided, body=body):
            if rng.random() < 0.6:
                handled(decided, later(decided, 30, 40))
            else:
                step("close", later(decided, 3, 30), result="已转有权处理机关，由其依法办理。")
    elif pick < 0.92:
        due = later(decided, 30, 60)
        if step("assign", decided, to=body, due_on=due):
            handled(decided, due)
    else:
        if step("not_accept", decided, reason=rng.choice(words.NOT_ACCEPTED),
                channel=rng.choice(words.CHANNELS)) and rng.random() < 0.65:
            step("close", later(decided, 1, 5), result="已书面告知信访人依法通过其他途径解决。")
    return counts[Owner.WINDOW], counts[Owner.OFFICE], max(last_office) if last_office else None


def _new_case(kiosk_id: str, person_id: str, day: date, moment: datetime, today: date,
              rng: random.Random, service: str) -> tuple[dict, dict | None]:
    category = rng.choices(("suggestion", "accusation", "appeal"), weights=(22, 20, 58))[0]
    case = SimpleNamespace(**{name: None for name in (*lifecycle.WINDOW_FACTS, *lifecycle.OFFICE_FACTS)})
    case.registered_on, case.extension_days = day, 0
    window_steps, office_steps, office_day = _life(case, today, rng, service)
    record = {
        "id": uuid7_at(moment, rng), "kiosk_id": kiosk_id, "person_id": person_id, "category": category,
        "body_name": rng.choice(words.BODIES), "matter": rng.choice(words.MATTERS[category]),
        "request": rng.choice(words.REQUESTS), "urgent": rng.random() < 0.03,
        "joint_supervision": rng.random() < 0.02,
        **{name: getattr(case, name) for name in lifecycle.WINDOW_FACTS},
        "version": 1 + window_steps, "created_at": moment, "updated_at": moment}
    office = None
    if office_steps:
        # The status, due date, conclusion and on-time flag the office stores beside the facts.
        office = {**{name: getattr(case, name) for name in lifecycle.OFFICE_FACTS},
                  **derived(vars(case)), "office_version": office_steps,
                  "office_updated_at": datetime.combine(office_day, OFFICE_HOUR)}
    return record, office


def one_hall(kiosk_id: str, hall_name: str, *, cases: int, first_day: date, today: date,
             rng: random.Random) -> Hall:
    """About `cases` cases registered at one hall between first_day and today (weekdays)."""
    days = [first_day + timedelta(days=n) for n in range((today - first_day).days + 1)]
    days = [day for day in days if day.weekday() < 5]
    hall = Hall()
    stories = []  # (day, identity number, repeat index)
    people = 0
    while len(stories) < cases * 1.08:
        first = rng.choice(days)
        visits = 1 if rng.random() < 0.9 else rng.choice((2, 2, 2, 3, 3, 4, 5, 6, 8))
        day = first
        for index in range(visits):
            if day > today:
                break
            stories.append((day, people, index))
            day = day + timedelta(days=rng.randint(3, 60))
        people += 1
    identities: dict[int, Identity] = {}
    cases_of: dict[int, list[dict]] = {}
    seq: dict[tuple[date, str], int] = {}
    for day, who, index in sorted(stories, key=lambda s: (s[0], s[1], s[2])):
        person_identity = identities.setdefault(who, identity(rng))
        moment = _moment(day, rng)
        service = rng.choices(("individual", "group", "deputy"), weights=(85, 10, 5))[0]
        person_id = uuid7_at(moment, rng)
        hall.records["person"].append({
            "id": person_id, "kiosk_id": kiosk_id, **person_identity.__dict__,
            "is_deputy": service == "deputy", "version": 1, "created_at": moment, "updated_at": moment})
        earlier = cases_of.get(who, [])
        if earlier and rng.random() < 0.4:
            case_record = rng.choice(earlier)  # a repeat visit about an earlier case (重复访)
        else:
            case_record, office = _new_case(kiosk_id, person_id, day, moment, today, rng, service)
            if earlier and rng.random() < 0.3:  # the office saw that it is the same matter
                office = office or {"office_version": 0, "office_updated_at": None}
                office.update(same_matter_as=earlier[0]["id"], office_version=office["office_version"] + 1,
                              same_matter_summary=f"{hall_name} {earlier[0]['registered_on'].isoformat()}",
                              office_updated_at=office["office_updated_at"] or moment + timedelta(days=1))
            if office:
                hall.office[case_record["id"]] = office
            hall.records["case"].append(case_record)
            cases_of.setdefault(who, []).append(case_record)
        number = seq[(day, service)] = seq.get((day, service), 0) + 1
        group = service == "group"
        representatives = rng.randint(1, 5) if group else 0
        visit_id = uuid7_at(moment, rng)
        called = moment + timedelta(minutes=rng.randint(3, 40))
        hall.records["visit"].append({
            "id": visit_id, "kiosk_id": kiosk_id, "service": service, "service_day": day,
            "ticket_seq": number, "ticket_number": f"{SERVICES[service].prefix}{number:03d}",
            "query_code": querycode.generate(), "status": "done", "person_id": person_id,
            "case_id": case_record["id"], "category": case_record["category"],
            "body_name": case_record["body_name"], "group_size": rng.randint(6, 40) if group else 1,
            "representative_count": representatives, "locale": "zh_Hans_CN",
            "window": rng.randint(1, 3), "called_at": called, "received_by": rng.choice(words.RECEPTIONISTS),
            "version": 3, "created_at": moment, "updated_at": called})
        for position in range(1, representatives + 1):
            rep = identity(rng)
            hall.records["group_representative"].append({
                "id": uuid7_at(called, rng), "visit_id": visit_id, "position": position, "name": rep.name,
                "id_number": rep.id_number, "phone": rep.phone, "version": 1, "created_at": called,
                "updated_at": called})
        if rng.random() < 0.45:
            for position, name in enumerate(rng.sample(words.MATERIALS, rng.randint(1, 3)), start=1):
                hall.records["material"].append({
                    "id": uuid7_at(called, rng), "visit_id": visit_id, "position": position, "name": name,
                    "count": rng.randint(1, 5), "version": 1, "created_at": called, "updated_at": called})
    return hall
