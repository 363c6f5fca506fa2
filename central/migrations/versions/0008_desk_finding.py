"""Finding cases and people on a district's history: keyset indexes, petitioner keys, same-matter links.

- The desk's case list is paged by keyset on (registered_on, id), newest
  first, alone or after a hall, a status, a body or joint supervision:
  one index for each such leading filter. The plain index on the case's
  kiosk_id is covered by the hall's and is dropped.
- A petitioner (信访人) is one person across halls: the same ID number, or,
  without one, the same phone and name (`petitioner_key`, an expression
  index, the same expression as central/petitioners.py's PETITIONER_KEY).
- Names are found by part. pg_trgm cannot serve Chinese names (a part of a
  name is two characters, a trigram three), so PostgreSQL gets an immutable
  function of a name's two-character grams and a GIN index over it; SQLite
  (for trying out) scans.
- The office may say that a case is the same matter as an earlier one
  (`same_matter_as`, with a one-line summary for the kiosk, which cannot see
  other halls' cases); both travel back to the kiosk with the office's facts.
- A search is audited without a case: desk_audit.case_id may be empty.

Revision ID: 0008_desk_finding
Revises: 0007_central_kiosk_health
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_desk_finding"
down_revision = "0007_central_kiosk_health"
branch_labels = None
depends_on = None

# Written out as of this revision (central/petitioners.py holds the live one).
PETITIONER_KEY = "COALESCE(NULLIF(id_number, ''), phone || ' ' || name)"
NAME_GRAMS = '''CREATE OR REPLACE FUNCTION jiedai_name_grams(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_agg(substr(name, i, 2))
    FROM generate_series(1, greatest(char_length(name) - 1, 1)) AS i $$'''

CASE_KEYSETS = (("ix_case_registered", ["registered_on", "id"]),
                ("ix_case_kiosk_registered", ["kiosk_id", "registered_on", "id"]),
                ("ix_case_status_registered", ["status", "registered_on", "id"]),
                ("ix_case_body_registered", ["body_name", "registered_on", "id"]))


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("case") as batch_op:
        batch_op.add_column(sa.Column("same_matter_as", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("same_matter_summary", sa.Text(), nullable=True))
        batch_op.drop_index("ix_case_kiosk_id")
    for name, columns in CASE_KEYSETS:
        op.create_index(name, "case", columns)
    op.create_index("ix_case_joint_registered", "case", ["registered_on", "id"],
                    postgresql_where=sa.text("joint_supervision"), sqlite_where=sa.text("joint_supervision"))
    # The due lists (overdue, due soon) page by (due_on, id) through the cases that have one.
    op.create_index("ix_case_due", "case", ["due_on", "id"],
                    postgresql_where=sa.text("due_on IS NOT NULL"), sqlite_where=sa.text("due_on IS NOT NULL"))
    op.create_index("ix_case_person_id", "case", ["person_id"])
    op.create_index("ix_case_same_matter_as", "case", ["same_matter_as"],
                    postgresql_where=sa.text("same_matter_as IS NOT NULL"),
                    sqlite_where=sa.text("same_matter_as IS NOT NULL"))
    op.create_index("ix_person_petitioner", "person", [sa.text(PETITIONER_KEY)])
    op.create_index("ix_person_phone", "person", ["phone"])
    if postgres:
        op.execute(NAME_GRAMS)
        op.execute("CREATE INDEX ix_person_name_grams ON person USING gin (jiedai_name_grams(name))")
    op.create_index("ix_visit_case_id", "visit", ["case_id"])
    op.create_index("ix_visit_person_id", "visit", ["person_id"])
    with op.batch_alter_table("desk_audit") as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.String(36), nullable=True)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DELETE FROM desk_audit WHERE case_id IS NULL")
    with op.batch_alter_table("desk_audit") as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.String(36), nullable=False)
    op.drop_index("ix_visit_person_id", "visit")
    op.drop_index("ix_visit_case_id", "visit")
    if postgres:
        op.drop_index("ix_person_name_grams", "person")
        op.execute("DROP FUNCTION jiedai_name_grams(text)")
    op.drop_index("ix_person_phone", "person")
    op.drop_index("ix_person_petitioner", "person")
    for name in ("ix_case_same_matter_as", "ix_case_person_id", "ix_case_due",
                 "ix_case_joint_registered",
                 *(name for name, _columns in reversed(CASE_KEYSETS))):
        op.drop_index(name, "case")
    with op.batch_alter_table("case") as batch_op:
        batch_op.create_index("ix_case_kiosk_id", ["kiosk_id"])
        batch_op.drop_column("same_matter_summary")
        batch_op.drop_column("same_matter_as")
