"""`flask --app kiosk printer status|test`: for whoever installs the kiosk."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from printer.transport import PrinterError

from . import operations

printer = AppGroup("printer", help="The ticket printer named by KIOSK_PRINTER_URL.")


@printer.command("status")
def status():
    """Ask the printer how it is (DLE EOT) and print the answer."""
    try:
        answer = operations.printer_status()
    except PrinterError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{answer.code}: {answer.reason}")
    for flag in ("online", "cover_open", "paper_near_end", "paper_out", "no_answer", "error"):
        click.echo(f"  {flag:<15} {'yes' if getattr(answer, flag) else 'no'}")
    if not answer.ready:
        raise SystemExit(1)


@printer.command("test")
def test():
    """Print a sample ticket laid out exactly as a real one."""
    try:
        answer = operations.print_sample()
    except PrinterError as error:
        raise click.ClickException(f"the test ticket did not print: {error}") from None
    click.echo(f"printed the test ticket ({answer.reason})")
