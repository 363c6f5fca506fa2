"""Sync: change numbers on synced rows, the agent's state, the office's handling fields on case.

Every insert into person, case, visit and group_representative, and every
update that changes a row's `version`, takes the next value of the one-row
`sync_counter` into `sync_seq` (SQLite triggers, so raw SQL is covered as well
as the ORM). The kiosk's SQLite serialises writers, so `sync_seq` order is
commit order and the agent can resume after the last acknowledged number.
Rows that existed before this migration are numbered once, table by table.

Revision ID: 0003_sync
Revises: 0002_staff
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_sync"
down_revision = "0002_staff"
branch_labels = None
depends_on = None

SYNCED = ("person", "case", "visit", "group_representative", "material")


def upgrade():
    op.create_table(
        "sync_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("acked_seq", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.String(length=64), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    for table in SYNCED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("sync_seq", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_sync_seq"), ["sync_seq"], unique=False)
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("central_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reply_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("central_accepted_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("central_replied_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("central_closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("central_version", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("central_updated_at", sa.DateTime(), nullable=True))

    # Number the rows that exist already, in creation order, then start the counter after them.
    op.execute("INSERT INTO sync_counter (id, value) VALUES (1, 0)")
    for table in SYNCED:
        op.execute(f'''
            UPDATE "{table}" SET sync_seq = (SELECT value FROM sync_counter WHERE id = 1) + (
                SELECT COUNT(*) FROM "{table}" AS earlier
                WHERE earlier.created_at < "{table}".created_at
                   OR (earlier.created_at = "{table}".created_at AND earlier.id <= "{table}".id))''')
        op.execute(f'''UPDATE sync_counter SET value = value + (SELECT COUNT(*) FROM "{table}")
                       WHERE id = 1''')

    for table in SYNCED:
        stamp = f'''
            UPDATE sync_counter SET value = value + 1 WHERE id = 1;
            UPDATE "{table}" SET sync_seq = (SELECT value FROM sync_counter WHERE id = 1)
             WHERE id = NEW.id;'''
        op.execute(f'''CREATE TRIGGER {table}_sync_seq_insert AFTER INSERT ON "{table}"
                       BEGIN {stamp} END''')
        # Only a new version is a kiosk change; the agent writing the office's
        # handling fields onto a case must not send the case back.
        op.execute(f'''CREATE TRIGGER {table}_sync_seq_update AFTER UPDATE OF version ON "{table}"
                       WHEN NEW.version IS NOT OLD.version
                       BEGIN {stamp} END''')


def downgrade():
    for table in SYNCED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_sync_seq_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_sync_seq_update")
    with op.batch_alter_table("case", schema=None) as batch_op:
        for column in ("central_updated_at", "central_version", "central_closed_on", "central_replied_on",
                       "central_accepted_on", "reply_text", "central_status"):
            batch_op.drop_column(column)
    for table in SYNCED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_sync_seq"))
            batch_op.drop_column("sync_seq")
    op.drop_table("sync_state")
    op.drop_table("sync_counter")
