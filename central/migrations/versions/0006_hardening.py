"""Tombstones of deleted rows, desk sessions that end everywhere.

- `deleted_row`: every row a kiosk deleted, with its version, so a late push never brings it back;
- `staff_user.session_token`: part of every desk session cookie, drawn anew at sign-out, on
  disabling and on a new password (existing users get one at their next sign-in).

Revision ID: 0006_hardening
Revises: 0005_case_lifecycle
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_hardening"
down_revision = "0005_case_lifecycle"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deleted_row",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "id"),
    )
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.drop_column("session_token")
    op.drop_table("deleted_row")
