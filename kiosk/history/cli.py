"""`flask --app kiosk demo-history --years 3`: fill this kiosk with a busy hall's history."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database import upgrade


@click.command("demo-history")
@with_appcontext
@click.option("--years", default=1.0, show_default=True, type=float,
              help="Years of history (250 working days each).")
@click.option("--per-day", default=60, show_default=True, type=click.IntRange(1, 2000),
              help="Visits per working day.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed.")
@click.option("--today", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The last day of the history (default: today in Asia/Shanghai).")
def demo_history(years: float, per_day: int, seed: int, today):
    """Fill the kiosk's database with years of visits, cases and their handling."""
    from . import generate

    if years <= 0 or years > 20:
        raise click.BadParameter("between 0 and 20", param_hint="--years")
    upgrade()
    last: date | None = today.date() if today else None
    summary = generate(current_app._get_current_object(), years=years, per_day=per_day, seed=seed,
                       today=last)
    click.echo(f"made {summary.visits} visits ({summary.repeat_visits} by repeat visitors) on "
               f"{summary.days} working days, {summary.first_day} to {summary.last_day}, "
               f"in {summary.seconds:.0f} s")
