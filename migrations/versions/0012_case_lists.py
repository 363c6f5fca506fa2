"""The case lists' keyset order, and the audit log by time.

The window's lists page newest first on (registered_on, id); the console's
banner looks for a recent restore in the audit log by time. `ix_audit_log_at`
is also one of issue 11's indexes another lane may create: both are made
only if missing.

Revision ID: 0012_case_lists
Revises: 0011_speed_indexes
"""

from alembic import op

revision = "0012_case_lists"
down_revision = "0011_speed_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_registered_on", "case", ["registered_on", "id"], if_not_exists=True)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], if_not_exists=True)


def downgrade():
    op.drop_index("ix_audit_log_at", table_name="audit_log", if_exists=True)
    op.drop_index("ix_case_registered_on", table_name="case", if_exists=True)
