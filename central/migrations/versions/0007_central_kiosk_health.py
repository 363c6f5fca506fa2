"""The kiosks' health summary (printer, card reader, disk, last backup, version), sent with each sync.

Revision ID: 0007_central_kiosk_health
Revises: 0006_hardening
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_central_kiosk_health"
down_revision = "0006_hardening"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("kiosk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("health", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("health_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("kiosk", schema=None) as batch_op:
        batch_op.drop_column("health_at")
        batch_op.drop_column("health")
