"""The office's word that a case is the same matter as an earlier one (同一事项), pulled with its facts.

`same_matter_as` is the earlier case's id (often another hall's, which this
kiosk does not hold) and `same_matter_summary` a line naming its hall and
day. Plain ALTER TABLE (SQLite 3.35+), as 0005: rebuilding the table would
drop its sync triggers.

Revision ID: 0009_same_matter
Revises: 0008_hardening
"""

from alembic import op

revision = "0009_same_matter"
down_revision = "0008_hardening"
branch_labels = None
depends_on = None

COLUMNS = ("same_matter_as", "same_matter_summary")


def upgrade():
    for column in COLUMNS:
        op.execute(f'ALTER TABLE "case" ADD COLUMN {column} TEXT')


def downgrade():
    for column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE "case" DROP COLUMN {column}')
