"""The console's "restored from a backup" banner finds the last restore in a partial index.

Every staff page asks whether the kiosk was restored in the last 14 days; the
audit log's `at` index made that a walk over 14 days of rows. This index holds
the restore rows alone.

Revision ID: 0015_restore_index
Revises: 0014_case_lists
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_restore_index"
down_revision = "0014_case_lists"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_log_restore", "audit_log", ["at"],
                    sqlite_where=sa.text("action = 'restore'"))


def downgrade():
    op.drop_index("ix_audit_log_restore", table_name="audit_log")
