"""The case lists' keyset order: the window's lists page newest first on (registered_on, id).

`ix_case_registered_on` walks every case in that order (the "all" list);
`ix_case_stage_keyset` holds the open, due-soon and overdue lists' filter and
order together, so a page's keys are found and sorted in the index alone.

Revision ID: 0014_case_lists
Revises: 0013_compact_audit
"""

from alembic import op

revision = "0014_case_lists"
down_revision = "0013_compact_audit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_registered_on", "case", ["registered_on", "id"])
    op.create_index("ix_case_stage_keyset", "case", ["status", "due_on", "registered_on", "id"])


def downgrade():
    op.drop_index("ix_case_stage_keyset", table_name="case")
    op.drop_index("ix_case_registered_on", table_name="case")
