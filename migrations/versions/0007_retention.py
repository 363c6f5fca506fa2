"""Retention: mark people and representatives whose personal data the kiosk removed.

`personal_data_removed_on` is set by `flask --app kiosk purge` when the office
closed every case of that person more than KIOSK_RETENTION_DAYS ago. The
purge does not bump `version`, so nothing is sent: the office keeps its full
record. Triggers refuse any later change (a new version would send the empty
fields over the office's copy) and any delete (which would delete the office's
copy) of such a row.

Revision ID: 0007_retention
Revises: 0005_case_lifecycle
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_retention"
down_revision = "0005_case_lifecycle"
branch_labels = None
depends_on = None

TABLES = ("person", "group_representative")
MESSAGE = "personal data removed under the retention rule; the office keeps the record"


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("personal_data_removed_on", sa.Date(), nullable=True))
    for table in TABLES:
        op.execute(f'''CREATE TRIGGER {table}_retained_no_change BEFORE UPDATE OF version ON "{table}"
                       WHEN OLD.personal_data_removed_on IS NOT NULL AND NEW.version IS NOT OLD.version
                       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END''')
        op.execute(f'''CREATE TRIGGER {table}_retained_no_delete BEFORE DELETE ON "{table}"
                       WHEN OLD.personal_data_removed_on IS NOT NULL
                       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END''')


def downgrade():
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_retained_no_change")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_retained_no_delete")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("personal_data_removed_on")
