"""Failed sign-ins counted per address in the database, whatever the names tried.

The per-address limit reads `sign_in_failure` by (address, at), so every
process sees the same count.

Revision ID: 0010_sign_in_address
Revises: 0009_same_matter
"""

from alembic import op

revision = "0010_sign_in_address"
down_revision = "0009_same_matter"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_sign_in_failure_address", "sign_in_failure", ["address", "at"])


def downgrade():
    op.drop_index("ix_sign_in_failure_address", table_name="sign_in_failure")
