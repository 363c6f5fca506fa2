"""Alembic's environment for the kiosk's migrations (`flask --app kiosk db ...`)."""

from appkit.migrations import run_alembic_env

run_alembic_env()
