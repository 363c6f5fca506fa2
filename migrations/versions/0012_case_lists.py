"""The case lists' keyset order: the window's lists page newest first on (registered_on, id).

Revision ID: 0012_case_lists
Revises: 0013_compact_audit
"""

from alembic import op

revision = "0012_case_lists"
down_revision = "0013_compact_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_registered_on", "case", ["registered_on", "id"])


def downgrade():
    op.drop_index("ix_case_registered_on", table_name="case")
