"""A district's history for the office's database (`flask --app central demo-history`).

300 halls × 1 year by default, about 15,000 cases per hall-year: enough to
see whether the desk finds a case or a person in a moment on what a
district accumulates. One hall's years are made in Python
(history/template.py) and go through the real receiver: signed gzip
batches like a kiosk's, into `central.ingest`; the office's handling of
them is derived by petition.lifecycle and stored beside. The other halls
are copied from it in SQL (history/copy.py) with new ids, dates, codes and
people, without indexes, which are then built again. PostgreSQL only: on
SQLite (for trying out) the kiosks' own `demo-data` is the way.

`VERSION` changes whenever what is generated changes, so a bench can tell
whether a database it made before still matches.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask import current_app
from sqlalchemy import func, select, text

from petition.clock import local_date, utcnow_naive
from sync import protocol

from ..extensions import db
from ..models import MIRRORS, case
from ..operations import add_kiosk
from . import copy as sql_copy
from . import vocabulary as words
from .template import Hall, one_hall

VERSION = 1
#: What share of the template's petitioners a copied hall keeps, on average (70 to 100 per cent).
MEAN_KEEP = 0.87


@dataclass(frozen=True)
class Plan:
    halls: int = 300
    cases_per_hall: int = 15_000  # per year
    years: int = 1
    today: date | None = None     # the last day of the history; None: today in Asia/Shanghai
    seed: int = 1

    @property
    def label(self) -> str:
        return f"v{VERSION} {self.halls}x{self.cases_per_hall}x{self.years}y seed {self.seed}"


def kiosk_id(number: int) -> str:
    return f"hall-{number + 1:03d}"


def hall_name(number: int) -> str:
    district, _code = words.DISTRICTS[number % len(words.DISTRICTS)]
    return f"{district}人大信访接待室{number // len(words.DISTRICTS) + 1}号"


class HistoryRefused(click.ClickException):
    pass


def _push(hall: Hall, kiosk: str, key: str, echo) -> int:
    """Every record of the hall through the receiver, as its kiosk's agent would send them."""
    client = current_app.test_client()
    sent, seq = 0, 0
    for table, rows in hall.records.items():
        encoded = []
        for row in rows:
            seq += 1
            encoded.append(protocol.encode_row(table, row, seq))
        for batch in protocol.batches(table, encoded):
            body = protocol.pack_batch(kiosk, batch)
            headers = protocol.sign(kiosk, key, "POST", protocol.PUSH_PATH, body, now=time.time())
            answer = client.post(protocol.PUSH_PATH, data=body, headers={**headers, "Content-Encoding": "gzip"})
            if answer.status_code != 200:
                raise HistoryRefused(f"the receiver refused a {table} batch: {answer.get_json()}")
            sent += len(batch.records)
    echo(f"  {sent} records of {kiosk} pushed through the receiver")
    return sent


def _store_office(hall: Hall) -> None:
    """The office's facts of the template's cases, with the stage petition.lifecycle derived:
    one UPDATE … FROM json_to_recordset per set of facts (the receiver's way with a batch)."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for case_id, facts in hall.office.items():
        groups.setdefault(tuple(sorted(facts)), []).append({"case_id": case_id, **facts})
    for names, rows in groups.items():
        record = ", ".join(f'"{name}" {case.c[name].type.compile(db.engine.dialect)}' for name in names)
        assignments = ", ".join(f'"{name}" = r."{name}"' for name in names)
        db.session.execute(text(
            f'UPDATE "case" SET {assignments} FROM json_to_recordset(CAST(:rows AS json)) '
            f'AS r(case_id text, {record}) WHERE "case".id = r.case_id'),
            {"rows": json.dumps(rows, default=protocol.encode_value, ensure_ascii=False)})
    db.session.commit()


def generate(plan: Plan, *, echo=click.echo) -> dict[str, int]:
    """Fill the (empty, migrated) office database with the plan's history; rows per table."""
    if db.engine.dialect.name != "postgresql":
        raise HistoryRefused("demo-history fills PostgreSQL (set CENTRAL_DATABASE_URL); on SQLite use "
                             "a kiosk's `flask --app kiosk demo-data` and sync it")
    if db.session.scalar(select(func.count()).select_from(select(case.c.id).limit(1).subquery())):
        raise HistoryRefused("the office database already holds cases: generate into an empty one")
    started = time.perf_counter()
    today = plan.today or local_date(utcnow_naive())
    now = utcnow_naive()
    keys = [add_kiosk(kiosk_id(n), hall_name(n), now=now) for n in range(plan.halls)]
    echo(f"{plan.halls} kiosks registered")
    rng = random.Random(plan.seed)
    first_day = today - timedelta(days=365 * plan.years - 1)
    template_cases = math.ceil(plan.cases_per_hall * plan.years / (MEAN_KEEP if plan.halls > 1 else 1))
    hall = one_hall(kiosk_id(0), hall_name(0), cases=template_cases, first_day=first_day, today=today, rng=rng)
    echo(f"{kiosk_id(0)}: {len(hall.records['case'])} cases made ({time.perf_counter() - started:.0f} s)")
    _push(hall, kiosk_id(0), keys[0], echo)
    _store_office(hall)
    echo(f"{kiosk_id(0)}: the office's handling stored ({time.perf_counter() - started:.0f} s)")
    if plan.halls > 1:
        halls = [{"h": n, "kiosk_id": kiosk_id(n), "name": hall_name(n), "shift": rng.randrange(5),
                  "keep": rng.randint(90, 128)} for n in range(1, plan.halls)]
        with db.engine.connect() as connection:
            indexes = sql_copy.drop_indexes(connection)
        echo(f"{len(indexes)} indexes dropped for the copy")
        sql_copy.copy_halls(db.engine, kiosk_id(0), halls, seed=plan.seed, echo=echo)
        echo(f"{plan.halls - 1} halls copied ({time.perf_counter() - started:.0f} s)")
        sql_copy.create_indexes(db.engine, indexes, echo=echo)
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    counts = {name: db.session.scalar(select(func.count()).select_from(table))
              for name, table in MIRRORS.items()}
    echo(f"done in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return counts


@click.command("demo-history")
@click.option("--halls", default=Plan.halls, show_default=True, type=click.IntRange(1, 999),
              help="Reception halls (kiosks) of the district.")
@click.option("--cases-per-hall", default=Plan.cases_per_hall, show_default=True,
              type=click.IntRange(10, 100_000), help="Cases a hall registers in a year, on average.")
@click.option("--years", default=Plan.years, show_default=True, type=click.IntRange(1, 10),
              help="Years of history, ending today.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The history's last day (default: today in Asia/Shanghai).")
@click.option("--seed", default=Plan.seed, show_default=True, help="The same seed makes the same history.")
def demo_history(halls: int, cases_per_hall: int, years: int, today, seed: int):
    """Fill an empty office database with a district's history (PostgreSQL)."""
    generate(Plan(halls, cases_per_hall, years, today.date() if today else None, seed))
