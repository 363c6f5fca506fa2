"""The maintenance commands: backup, restore, purge, migrate, speech.

    flask --app kiosk backup create [--label nightly]   back up now, check it, rotate
    flask --app kiosk backup list                       the backups, newest first
    flask --app kiosk backup verify NAME                check one again
    flask --app kiosk restore [NAME] [--yes] [--offline]
    flask --app kiosk purge [--dry-run]                 retention: personal data, previews, logs, backups
    flask --app kiosk migrate                           back up, then apply pending migrations
    flask --app kiosk speech build                      generate the display's spoken clips
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from appkit.commands import add_commands
from petition.clock import utcnow

from . import ServerRunning, backup_folder, database_file, instance
from . import backup as backups
from . import restore as restoring


def init_app(app: Flask) -> None:
    from ..speech import speech_group

    add_commands(app, backup_group, restore_command, purge_command, migrate_command, speech_group)


def backup_now(app: Flask, label: str = "manual", *, now: datetime | None = None) -> backups.Backup:
    """Back up the database and the secrets, then rotate; BackupError with the reason."""
    folder = backup_folder(app)
    made = backups.take(database_file(app), folder, kiosk_id=app.config["KIOSK_ID"], label=label,
                        app_version=app.config["APP_VERSION"], now=now)
    secrets = [instance(app) / "secret_key", instance(app) / "config.py"]
    if app.config["KIOSK_SETTINGS_FILE"]:
        secrets.append(Path(app.config["KIOSK_SETTINGS_FILE"]))
    backups.save_secrets(folder, secrets)
    backups.rotate(folder, keep_daily=app.config["KIOSK_BACKUP_KEEP_DAILY"],
                   keep_weekly=app.config["KIOSK_BACKUP_KEEP_WEEKLY"])
    return made


backup_group = AppGroup("backup", help="Backups of the kiosk database (and, apart, its secrets).")


@backup_group.command("create")
@click.option("--label", default="manual", show_default=True,
              type=click.Choice(["manual", "nightly", "pre-migrate", "pre-restore"]),
              help="Why it is taken; shown in the list.")
def backup_create(label: str):
    """Back up the database now (the kiosk may keep serving), check it, rotate the old ones."""
    app = current_app._get_current_object()
    started = time.perf_counter()
    try:
        made = backup_now(app, label)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written and checked (integrity ok): {made.path}")
    click.echo(f"  in {time.perf_counter() - started:.2f} s, {made.size / 1e6:.1f} MB")
    click.echo("  " + ", ".join(f"{table} {count}" for table, count in made.counts.items()))


@backup_group.command("list")
def backup_list():
    """The backups kept, newest first: time, why, counts, last sync."""
    folder = backup_folder(current_app)
    found = backups.listing(folder)
    if not found:
        click.echo(f"no backups in {folder}")
    for number, item in enumerate(found, start=1):
        click.echo(f"{number:>3}. {item.describe()}")


@backup_group.command("verify")
@click.argument("name")
def backup_verify(name: str):
    """Check a backup again: checksum, integrity, row counts."""
    try:
        chosen = restoring.choose(current_app, name)
        backups.verify(chosen)
    except (restoring.RestoreError, backups.BackupError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"ok: {chosen.path.name}")


@click.command("restore")
@click.argument("name", required=False)
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@click.option("--offline", is_flag=True,
              help="Do not ask the office what it holds (when it cannot be reached).")
@with_appcontext
def restore_command(name: str | None, yes: bool, offline: bool):
    """Restore a backup (the newest unless NAME): shows it, asks, keeps the replaced database."""
    app = current_app._get_current_object()
    if name is None and not yes:
        found = backups.listing(backup_folder(app))
        for number, item in enumerate(found, start=1):
            click.echo(f"{number:>3}. {item.describe()}")
        if not found:
            raise click.ClickException(f"there is no backup in {backup_folder(app)}")
        pick = click.prompt("Which backup", type=click.IntRange(1, len(found)), default=1)
        name = str(found[pick - 1].path)
    try:
        chosen = restoring.choose(app, name)
        for line in restoring.preview(chosen):
            click.echo(line)
        if not yes:
            click.confirm("Replace the kiosk's database with this backup? The current one is "
                          "kept aside.", abort=True)
        report = restoring.restore(app, chosen, offline=offline)
    except (restoring.RestoreError, backups.BackupError) as error:
        raise click.ClickException(str(error)) from error
    except ServerRunning as error:
        raise click.ClickException(str(error)) from error
    for line in report.lines():
        click.echo(line)
    from ..database import migrations_current, upgrade

    with app.app_context():
        if not migrations_current():
            upgrade()
            click.echo("the backup's schema was older: migrations applied")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@with_appcontext
def purge_command(dry_run: bool):
    """Retention: remove personal data of long-closed cases, old previews, logs and backups."""
    from . import retention

    result = retention.purge(current_app._get_current_object(), now=utcnow(), dry_run=dry_run)
    for line in result.lines():
        click.echo(line)


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply pending migrations, after a backup; nothing to do when the schema is current."""
    from ..database import migration_heads, upgrade

    app = current_app._get_current_object()
    applied, heads = migration_heads()
    if applied == heads:
        click.echo("the database schema is current")
        return
    if database_file(app).exists() and applied:
        try:
            made = backup_now(app, "pre-migrate")
        except backups.BackupError as error:
            raise click.ClickException(f"no migration without a backup: {error}") from error
        click.echo(f"backup before migrating: {made.path}")
    upgrade()
    click.echo(f"migrated to {', '.join(sorted(heads))}")
