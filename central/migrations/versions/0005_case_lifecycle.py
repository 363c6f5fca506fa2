"""One case lifecycle: the office's facts under their own names, the case's stage stored for lists.

The landed schema kept the office's handling as `central_status` with three
dates, beside the window's decision. The office now owns facts: its reply,
its conclusion, the petitioner's review and re-examination requests with
their answers, and the evaluation. `status` (until now the kiosk's pushed
status) and `due_on` are derived from the window's and the office's facts
(petition.lifecycle; the rule as of this revision is written out below) and
indexed for the desk's lists.

A case whose office status was accepted, forwarded or assigned keeps that
fact as a line of the desk's audit log, since the window's own decision is
what counts now; replied and closed carry over as the reply's and the
conclusion's dates.

Revision ID: 0005_case_lifecycle
Revises: 0004_central_sign_in
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_case_lifecycle"
down_revision = "0004_central_sign_in"
branch_labels = None
depends_on = None

RENAMED = (("central_replied_on", "replied_on"), ("central_closed_on", "office_closed_on"),
           ("central_version", "office_version"), ("central_updated_at", "office_updated_at"))
NEW_COLUMNS = (("review_requested_on", sa.Date()), ("review_decided_on", sa.Date()),
               ("review_result", sa.Text()), ("reexam_requested_on", sa.Date()),
               ("reexam_decided_on", sa.Date()), ("reexam_result", sa.Text()),
               ("evaluation", sa.Text()), ("evaluated_on", sa.Date()), ("due_on", sa.Date()))


def _plus_days(column: str, days: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"({column} + ({days}))"
    return f"date({column}, '+' || ({days}) || ' days')"


def upgrade():
    op.execute('''INSERT INTO desk_audit (at, actor, action, case_id, detail)
        SELECT CURRENT_TIMESTAMP, 'migration', 'migrate', id,
               'office status before one lifecycle: ' || central_status
               || COALESCE(' since ' || CAST(central_accepted_on AS TEXT), '')
        FROM "case" WHERE central_status IN ('accepted', 'forwarded', 'assigned')''')
    op.execute('''UPDATE "case" SET
        central_closed_on = CASE WHEN central_status = 'closed' THEN central_closed_on END,
        central_replied_on = CASE WHEN central_status IN ('replied', 'closed')
                                  THEN COALESCE(central_replied_on, central_closed_on) END''')
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_index("ix_case_central_status")
        for old, new in RENAMED:
            batch_op.alter_column(old, new_column_name=new)
        batch_op.drop_column("central_status")
        batch_op.drop_column("central_accepted_on")
        for name, kind in NEW_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    # petition.lifecycle.stage as of this revision.
    op.execute('''UPDATE "case" SET status = CASE
        WHEN office_closed_on IS NOT NULL THEN 'closed'
        WHEN replied_on IS NOT NULL THEN 'replied'
        WHEN closed_on IS NOT NULL OR disposition = 'answered' THEN 'closed'
        WHEN disposition IN ('accepted', 'assigned', 'forwarded', 'not_accepted') THEN disposition
        ELSE 'registered' END''')
    op.execute(f'''UPDATE "case" SET due_on = CASE status
        WHEN 'registered' THEN {_plus_days("registered_on", "15")}
        WHEN 'accepted' THEN {_plus_days("decided_on", "60 + COALESCE(extension_days, 0)")}
        WHEN 'assigned' THEN COALESCE(assigned_due_on, {_plus_days("decided_on", "60")})
        END''')
    with op.batch_alter_table("case") as batch_op:
        batch_op.alter_column("status", existing_type=sa.Text(), type_=sa.String(length=20),
                              nullable=False, server_default="registered")
        batch_op.create_index("ix_case_status_due_on", ["status", "due_on"])


def downgrade():
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_index("ix_case_status_due_on")
        batch_op.alter_column("status", existing_type=sa.String(length=20), type_=sa.Text(),
                              nullable=True, server_default=None)
        for name, _kind in reversed(NEW_COLUMNS):
            batch_op.drop_column(name)
        batch_op.add_column(sa.Column("central_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("central_accepted_on", sa.Date(), nullable=True))
        for old, new in RENAMED:
            batch_op.alter_column(new, new_column_name=old)
        batch_op.create_index("ix_case_central_status", ["central_status"])
    op.execute('''UPDATE "case" SET central_status = CASE
        WHEN central_closed_on IS NOT NULL THEN 'closed'
        WHEN central_replied_on IS NOT NULL THEN 'replied' END''')
