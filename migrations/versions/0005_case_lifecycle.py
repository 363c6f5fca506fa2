"""One case lifecycle: the office's facts under their own names, the case's stage stored for lists.

The landed schema kept the office's handling as `central_status` with three
dates. The office now owns facts, not a status: its reply, its conclusion,
the petitioner's review and re-examination requests with their answers, and
the petitioner's evaluation. The case's `status` and `due_on` are derived
from the window's and the office's facts (petition.lifecycle, as of this
revision: the rule is written out below, frozen) and indexed for the lists.

An office status of accepted, forwarded or assigned told the kiosk nothing
the window's own decision does not (the window decides now); replied and
closed carry over as the reply's and the conclusion's dates.

Plain ALTER TABLE statements (SQLite 3.35+), not batch mode: rebuilding the
table would drop its sync triggers.

Revision ID: 0005_case_lifecycle
Revises: 0004_sync_deletions
"""

from alembic import op

revision = "0005_case_lifecycle"
down_revision = "0004_sync_deletions"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    ("review_requested_on", "DATE"), ("review_decided_on", "DATE"), ("review_result", "TEXT"),
    ("reexam_requested_on", "DATE"), ("reexam_decided_on", "DATE"), ("reexam_result", "TEXT"),
    ("evaluation", "VARCHAR(20)"), ("evaluated_on", "DATE"), ("due_on", "DATE"),
)


def upgrade():
    # Only what the office's last status still says carries over.
    op.execute('''UPDATE "case" SET
        central_closed_on = CASE WHEN central_status = 'closed' THEN central_closed_on END,
        central_replied_on = CASE WHEN central_status IN ('replied', 'closed')
                                  THEN COALESCE(central_replied_on, central_closed_on) END''')
    for old, new in (("central_replied_on", "replied_on"), ("central_closed_on", "office_closed_on"),
                     ("central_version", "office_version"),
                     ("central_updated_at", "office_updated_at")):
        op.execute(f'ALTER TABLE "case" RENAME COLUMN {old} TO {new}')
    for column in ("central_status", "central_accepted_on"):
        op.execute(f'ALTER TABLE "case" DROP COLUMN {column}')
    for column, kind in NEW_COLUMNS:
        op.execute(f'ALTER TABLE "case" ADD COLUMN {column} {kind}')
    # petition.lifecycle.stage as of this revision.
    op.execute('''UPDATE "case" SET status = CASE
        WHEN office_closed_on IS NOT NULL THEN 'closed'
        WHEN replied_on IS NOT NULL THEN 'replied'
        WHEN closed_on IS NOT NULL OR disposition = 'answered' THEN 'closed'
        WHEN disposition IN ('accepted', 'assigned', 'forwarded', 'not_accepted') THEN disposition
        ELSE 'registered' END''')
    op.execute('''UPDATE "case" SET due_on = CASE status
        WHEN 'registered' THEN date(registered_on, '+15 days')
        WHEN 'accepted' THEN date(decided_on, '+' || (60 + COALESCE(extension_days, 0)) || ' days')
        WHEN 'assigned' THEN COALESCE(assigned_due_on, date(decided_on, '+60 days'))
        END''')
    op.execute('CREATE INDEX ix_case_status_due_on ON "case" (status, due_on)')


def downgrade():
    op.execute("DROP INDEX ix_case_status_due_on")
    for column, _kind in reversed(NEW_COLUMNS):
        op.execute(f'ALTER TABLE "case" DROP COLUMN {column}')
    op.execute('ALTER TABLE "case" ADD COLUMN central_status VARCHAR(20)')
    op.execute('ALTER TABLE "case" ADD COLUMN central_accepted_on DATE')
    for old, new in (("central_replied_on", "replied_on"), ("central_closed_on", "office_closed_on"),
                     ("central_version", "office_version"),
                     ("central_updated_at", "office_updated_at")):
        op.execute(f'ALTER TABLE "case" RENAME COLUMN {new} TO {old}')
    op.execute('''UPDATE "case" SET central_status = CASE
        WHEN central_closed_on IS NOT NULL THEN 'closed'
        WHEN central_replied_on IS NOT NULL THEN 'replied' END''')
    op.execute('''UPDATE "case" SET status = CASE WHEN disposition IS NULL THEN 'registered'
        WHEN disposition = 'answered' OR closed_on IS NOT NULL THEN 'closed' ELSE disposition END''')
