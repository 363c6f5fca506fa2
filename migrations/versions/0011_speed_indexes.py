"""Indexes so the pages that show today read only today's rows (issue 11).

- visit (service_day, status): the queue, the console's ETag, the day
  register and the figures pick a day's visits first; the ticket's unique
  key puts service_day third, so it could not serve them.
- visit.person_id: a visitor's earlier visits; visit.case_id: a case's visits.
- print_job.created_at: today's print jobs (the console's ETag);
  print_job (status, updated_at): the printer's last outcome for /healthz.

Revision ID: 0011_speed_indexes
Revises: 0010_sign_in_address
"""

from alembic import op

revision = "0011_speed_indexes"
down_revision = "0010_sign_in_address"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_visit_day_status", "visit", ["service_day", "status"]),
    ("ix_visit_person_id", "visit", ["person_id"]),
    ("ix_visit_case_id", "visit", ["case_id"]),
    ("ix_print_job_created_at", "print_job", ["created_at"]),
    ("ix_print_job_status_updated_at", "print_job", ["status", "updated_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
