"""Alembic's environment for the office's migrations (`flask --app central db ...`)."""

from appkit.migrations import run_alembic_env

run_alembic_env()
