"""Sync deletions: a synced row deleted on the kiosk is deleted at the office too.

Representatives and materials cleared at the window, and an undecided case
merged into an earlier one as a repeat visit, are deleted on the kiosk. A
trigger on each synced table numbers every delete from the same counter as
every other change and logs it in `sync_deletion`, which the agent sends
after the tables.

Revision ID: 0004_sync_deletions
Revises: 0003_sync
"""
from alembic import op
import sqlalchemy as sa


revision = "0004_sync_deletions"
down_revision = "0003_sync"
branch_labels = None
depends_on = None

SYNCED = ("person", "case", "visit", "group_representative", "material")


def upgrade():
    op.create_table(
        "sync_deletion",
        sa.Column("sync_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sync_seq"),
    )
    for table in SYNCED:
        op.execute(f'''CREATE TRIGGER {table}_sync_delete AFTER DELETE ON "{table}"
                       BEGIN
                           UPDATE sync_counter SET value = value + 1 WHERE id = 1;
                           INSERT INTO sync_deletion (sync_seq, id, table_name, version)
                           VALUES ((SELECT value FROM sync_counter WHERE id = 1), OLD.id, '{table}', 1);
                       END''')


def downgrade():
    for table in SYNCED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_sync_delete")
    op.drop_table("sync_deletion")
