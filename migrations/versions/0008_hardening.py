"""Records held aside from sync, deletions with their version, sessions that end everywhere.

- `sync_held`: a record the office refused (or the agent's own check did), with the field and
  the reason, listed on the console until a corrected version is delivered;
- the delete triggers record the deleted row's own version (they recorded 1), so the office's
  tombstone covers every copy the kiosk ever sent;
- `staff_user.session_token`: part of every console session cookie, drawn anew at sign-out, on
  disabling and on a new password.

Revision ID: 0008_hardening
Revises: 0007_retention
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_hardening"
down_revision = "0007_retention"
branch_labels = None
depends_on = None

SYNCED = ("person", "case", "visit", "group_representative", "material")


def _delete_triggers(version: str) -> None:
    for table in SYNCED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_sync_delete")
        op.execute(f'''CREATE TRIGGER {table}_sync_delete AFTER DELETE ON "{table}"
                       BEGIN
                           UPDATE sync_counter SET value = value + 1 WHERE id = 1;
                           INSERT INTO sync_deletion (sync_seq, id, table_name, version)
                           VALUES ((SELECT value FROM sync_counter WHERE id = 1), OLD.id, '{table}',
                                   {version});
                       END''')


def upgrade():
    op.create_table(
        "sync_held",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("sync_seq", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id"),
    )
    _delete_triggers("OLD.version")
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.drop_column("session_token")
    _delete_triggers("1")
    op.drop_table("sync_held")
