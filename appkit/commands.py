"""The `flask --app …` command line of either app: its commands registered in one call."""

from __future__ import annotations

import click
from flask import Flask


def add_commands(app: Flask, *commands: click.Command) -> None:
    """Make each command (or group) available as `flask --app <app> <name>`."""
    for command in commands:
        app.cli.add_command(command)
