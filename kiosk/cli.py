"""Admin tasks as Flask CLI commands: `flask --app kiosk demo-data`, `... bodies`."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from appkit.commands import add_commands
from petition.clock import SHANGHAI, utcnow
from petition.vocabulary import CATEGORIES

from .extensions import db
from .models import Body
from .visits import operations


def init_app(app: Flask) -> None:
    from .cardreader.cli import card_reader
    from .printing.cli import printer
    from .sync_agent.cli import sync_command

    add_commands(app, demo_data, bodies, printer, sync_command, card_reader)


bodies = AppGroup("bodies", help="The list of bodies a matter can concern (涉及单位).")


@bodies.command("list")
def bodies_list():
    for body in db.session.scalars(select(Body).order_by(Body.sort_order, Body.name)):
        click.echo(f"{body.sort_order:>4}  {'active ' if body.active else 'hidden '} {body.name}")


@bodies.command("add")
@click.argument("name")
@click.option("--order", type=int, default=None, help="Position in the list (default: last).")
def bodies_add(name: str, order: int | None):
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("a name of 1 to 100 characters", param_hint="NAME")
    body = db.session.scalars(select(Body).where(Body.name == name)).first()
    if order is None:
        order = (db.session.scalar(select(func.max(Body.sort_order))) or 0) + 10
    if body is None:
        db.session.add(Body(name=name, sort_order=order, active=True))
    else:
        body.active, body.sort_order = True, order
    db.session.commit()
    click.echo(f"added: {name}")


@bodies.command("hide")
@click.argument("name")
def bodies_hide(name: str):
    """Hide a body from the touch screen; earlier visits keep the name they chose."""
    body = db.session.scalars(select(Body).where(Body.name == name.strip())).first()
    if body is None:
        raise click.ClickException(f"no body named {name!r}; see `flask --app kiosk bodies list`")
    body.active = False
    db.session.commit()
    click.echo(f"hidden: {name}")


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国建华玉兰红梅志强国华淑珍"
REGIONS = ("370102", "370103", "370104", "370105", "370112", "370181", "370124")


def demo_id_number(rng: random.Random) -> str:
    from stdnum.cn import ric

    birth = f"{rng.randint(1940, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{rng.choice(REGIONS)}{birth}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


@click.command("demo-data")
@with_appcontext
@click.option("--visits", default=40, show_default=True, help="How many visits to make.")
@click.option("--seed", default=None, type=int, help="Random seed, for a repeatable day.")
def demo_data(visits: int, seed: int | None):
    """Fill today with a realistic day of visits, for trying things out."""
    rng = random.Random(seed)
    body_names = db.session.scalars(select(Body.name).where(Body.active)).all()
    now = utcnow()
    # Spread the visits over today's opening hours up to now (or, before opening,
    # over the hours just past), oldest first, so the queue looks like a real day.
    opening = now.astimezone(SHANGHAI).replace(hour=8, minute=30, second=0, microsecond=0)
    start = opening if opening < now - timedelta(minutes=30) else now - timedelta(hours=3)
    start = max(start, opening.replace(hour=0, minute=0))  # never yesterday: tickets are per day
    span = (now - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(visits))
    kiosk_id = current_app.config["KIOSK_ID"]
    for moment in moments:
        service = rng.choices(["individual", "group", "deputy"], weights=[80, 15, 5])[0]
        group_size = rng.randint(3, 30) if service == "group" else 1
        draft = operations.VisitDraft(
            service=service,
            id_number=demo_id_number(rng),
            phone=f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
            name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
            if rng.random() < 0.7 else None,
            group_size=group_size,
            representative_count=min(5, max(1, group_size // 5)) if service == "group" else 0,
            category=rng.choice(list(CATEGORIES)),
            body_name=rng.choice(body_names) if body_names and rng.random() < 0.85 else None,
            locale="zh_Hans_CN",
        )
        operations.register_visit(draft, kiosk_id=kiosk_id, idempotency_key=secrets.token_urlsafe(24),
                                  now=moment)
    click.echo(f"made {visits} visits for today at kiosk {kiosk_id}")
