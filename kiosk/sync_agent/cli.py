"""`flask --app kiosk sync`: sync now, with retries, or every night in the foreground."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from petition.clock import utcnow

from .agent import SyncError, backlog, run
from .background import background
from .schedule import next_nightly_run


@click.command("sync")
@click.option("--attempts", default=1, show_default=True,
              help="Tries, with exponential backoff between them.")
@click.option("--nightly", is_flag=True, help="Keep running: sync every night in KIOSK_SYNC_WINDOW.")
@with_appcontext
def sync_command(attempts: int, nightly: bool):
    """Sync with the central office now (or every night with --nightly)."""
    app = current_app._get_current_object()
    if nightly:
        wake = next_nightly_run(utcnow(), app.config["KIOSK_ID"], app.config["KIOSK_SYNC_WINDOW"])
        click.echo(f"syncing nightly at {wake} and every night after")
        background(app).nightly_loop()
        return
    try:
        result = run(app, attempts=attempts)
    except SyncError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"pushed {sum(result.pushed.values())} records "
               f"({', '.join(f'{k} {v}' for k, v in result.pushed.items())}), "
               f"pulled {result.pulled} changes; backlog {sum(backlog().values())}")
