"""`flask --app kiosk card-reader read`: check the ID card reader when installing the kiosk."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from .protocol import CardReaderError
from .reader import ReaderConfig, read_card

card_reader = AppGroup("card-reader", help="The ID card reader named by KIOSK_CARD_READER_URL.")


@card_reader.command("read")
def read():
    """Wait for a card (KIOSK_CARD_READER_WAIT_SECONDS) and print what it says as JSON."""
    config = current_app.config
    try:
        card = read_card(ReaderConfig.from_app(config), wait=config["KIOSK_CARD_READER_WAIT_SECONDS"])
    except CardReaderError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(card.as_dict(), ensure_ascii=False, indent=2))
