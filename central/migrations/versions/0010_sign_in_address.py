"""Failed desk sign-ins counted per address in the database, whatever the names tried.

The per-address limit reads `desk_sign_in_failure` by (address, at), so every
worker of the office app sees the same count.

Revision ID: 0010_sign_in_address
Revises: 0009_headquarters
"""

from alembic import op

revision = "0010_sign_in_address"
down_revision = "0009_headquarters"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_desk_sign_in_failure_address", "desk_sign_in_failure", ["address", "at"])


def downgrade():
    op.drop_index("ix_desk_sign_in_failure_address", table_name="desk_sign_in_failure")
