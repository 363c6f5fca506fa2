"""Headquarters: desk roles, supervision (督查督办), a shared progress limit, figures' tallies.

- `staff_user.role`: viewer, handler or admin. Every existing desk user becomes a
  handler: until now the desk was for handling cases, which they keep; managing
  accounts and kiosks is new, and is given by hand (`flask --app central staff
  role NAME admin`), never by an upgrade.
- An admin's change of an account or a kiosk is audited too, with no case
  (`desk_audit.case_id` may be empty since 0008).
- `progress_lookup`: the public page's lookups of the last minute, in the database, so
  that every worker process counts the same ones.
- `supervision` and `supervision_reminder`: which body has a forwarded or assigned
  case, its due date, the reminders sent (催办) and the body's answer.
- `case.concluded_on` and `case.on_time`: derived like `status`, for the figures;
  filled below with petition.lifecycle's rule as of this revision.
- `case_tally` and `visit_tally`: counts per month, hall, category and body, and
  `case_hall_tally`, `visit_hall_tally` the same without the body, so a year's
  figures across every hall read thousands of rows, not millions. On PostgreSQL,
  statement triggers append each write's change (one aggregate over the
  statement's transition tables) to `*_tally_delta`, which only ever takes
  inserts, so writers never wait on one another; the figures fold the deltas
  into the tallies. On SQLite the figures count the cases themselves; the
  tables stay empty.

Revision ID: 0009_headquarters
Revises: 0008_desk_finding
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_headquarters"
down_revision = "0008_desk_finding"
branch_labels = None
depends_on = None

CASE_COUNTS = ("cases", "concluded", "on_time", "replied", "review_requested", "evaluated",
               "satisfied", "fairly_satisfied", "dissatisfied")
VISIT_COUNTS = ("visits", "people")
KEY = ("month", "kiosk_id", "category", "body_name")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _plus_days(column: str, days: str) -> str:
    if _postgres():
        return f"({column} + ({days}))"
    return f"date({column}, '+' || ({days}) || ' days')"


def _later(a: str, b: str) -> str:
    """The later of two dates; none when `a` is none."""
    return f"CASE WHEN {a} IS NULL THEN NULL WHEN {a} >= {b} THEN {a} ELSE {b} END"


def _case_rows(source: str, sign: str) -> str:
    """One case's contribution to its tally row (petition's figures as of this revision)."""
    satisfaction = f"COALESCE({source}.evaluation, {source}.satisfaction)"
    flag = lambda condition: f"{sign} * (CASE WHEN {condition} THEN 1 ELSE 0 END)"  # noqa: E731
    return (f"SELECT CAST(date_trunc('month', {source}.registered_on) AS date) AS month, "
            f"{source}.kiosk_id, COALESCE({source}.category, '') AS category, "
            f"COALESCE({source}.body_name, '') AS body_name, {sign} AS cases, "
            f"{flag(f'{source}.concluded_on IS NOT NULL')} AS concluded, "
            f"{flag(f'{source}.on_time')} AS on_time, "
            f"{flag(f'{source}.replied_on IS NOT NULL')} AS replied, "
            f"{flag(f'{source}.review_requested_on IS NOT NULL')} AS review_requested, "
            f"{flag(f'{satisfaction} IS NOT NULL')} AS evaluated, "
            f"{flag(f'{satisfaction} = ' + chr(39) + 'satisfied' + chr(39))} AS satisfied, "
            f"{flag(f'{satisfaction} = ' + chr(39) + 'fairly_satisfied' + chr(39))} AS fairly_satisfied, "
            f"{flag(f'{satisfaction} = ' + chr(39) + 'dissatisfied' + chr(39))} AS dissatisfied "
            f"FROM {source} WHERE {source}.registered_on IS NOT NULL")


def _visit_rows(source: str, sign: str) -> str:
    return (f"SELECT CAST(date_trunc('month', {source}.service_day) AS date) AS month, "
            f"{source}.kiosk_id, COALESCE({source}.category, '') AS category, "
            f"COALESCE({source}.body_name, '') AS body_name, {sign} AS visits, "
            f"{sign} * GREATEST(COALESCE({source}.group_size, 1), 1) AS people "
            f"FROM {source} WHERE {source}.service_day IS NOT NULL")


def _add_up(tally: str, counts: tuple[str, ...], rows: str) -> str:
    """Append the grouped contributions of `rows` to `tally` (nothing for a zero change)."""
    sums = ", ".join(f"SUM({c})" for c in counts)
    return (f"INSERT INTO {tally} ({', '.join(KEY + counts)}) "
            f"SELECT {', '.join(KEY)}, {sums} FROM ({rows}) AS d GROUP BY {', '.join(KEY)} "
            f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in counts)}")


def _triggers(table: str, tally: str, counts: tuple[str, ...], rows) -> None:
    """Three statement triggers on `table` that append to `tally`_delta (transition tables)."""
    delta = f"{tally}_delta"
    inserted = _add_up(delta, counts, rows("new_rows", "1"))
    deleted = _add_up(delta, counts, rows("old_rows", "-1"))
    updated = _add_up(delta, counts, f"{rows('new_rows', '1')} UNION ALL {rows('old_rows', '-1')}")
    op.execute(f"""CREATE FUNCTION {tally}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {inserted};
  ELSIF TG_OP = 'DELETE' THEN {deleted};
  ELSE {updated};
  END IF;
  RETURN NULL;
END $$""")
    for event, referencing in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                               ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
        op.execute(f'CREATE TRIGGER {tally}_{event.lower()} AFTER {event} ON "{table}" '
                   f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {tally}_keep()")


def upgrade():
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=False,
                                      server_default="handler"))
    op.create_table(
        "progress_lookup",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_progress_lookup_address_at", "progress_lookup", ["address", "at"])
    op.create_index("ix_progress_lookup_at", "progress_lookup", ["at"])

    op.create_table(
        "supervision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("body_name", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "body_name", name="uq_supervision_case_body"))
    op.create_index("ix_supervision_open_due", "supervision", ["due_on"],
                    postgresql_where=sa.text("answered_on IS NULL"),
                    sqlite_where=sa.text("answered_on IS NULL"))
    op.create_index("ix_supervision_open_body", "supervision", ["body_name", "due_on"],
                    postgresql_where=sa.text("answered_on IS NULL"),
                    sqlite_where=sa.text("answered_on IS NULL"))
    op.create_table(
        "supervision_reminder",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("supervision_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["supervision_id"], ["supervision.id"]),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_supervision_reminder_supervision_id", "supervision_reminder",
                    ["supervision_id"])

    with op.batch_alter_table("case") as batch_op:
        batch_op.add_column(sa.Column("concluded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("on_time", sa.Boolean(), nullable=True))
    # petition.lifecycle.concluded_on and on_time as of this revision.
    op.execute('UPDATE "case" SET concluded_on = COALESCE(office_closed_on, replied_on, closed_on)')
    decision_due = _plus_days("registered_on", "15")
    limit = f"""CASE
        WHEN disposition = 'accepted' THEN {_plus_days("decided_on", "60 + COALESCE(extension_days, 0)")}
        WHEN disposition = 'assigned' THEN COALESCE(assigned_due_on, {_plus_days("decided_on", "60")})
        WHEN disposition IN ('forwarded', 'not_accepted', 'answered') THEN {_later("decided_on", decision_due)}
        ELSE {decision_due} END"""
    op.execute(f'''UPDATE "case" SET on_time = CASE WHEN ({limit}) IS NULL THEN TRUE
                   ELSE concluded_on <= ({limit}) END WHERE concluded_on IS NOT NULL''')

    for name, counts in (("case_tally", CASE_COUNTS), ("visit_tally", VISIT_COUNTS)):
        numbers = lambda: [sa.Column(c, sa.Integer(), nullable=False, server_default="0") for c in counts]  # noqa: E731
        op.create_table(name, sa.Column("month", sa.Date(), nullable=False),
                        *(sa.Column(column, sa.Text(), nullable=False) for column in KEY[1:]),
                        *numbers(), sa.PrimaryKeyConstraint(*KEY))
        op.create_table(name.replace("_tally", "_hall_tally"), sa.Column("month", sa.Date(), nullable=False),
                        *(sa.Column(column, sa.Text(), nullable=False) for column in KEY[1:3]),
                        *numbers(), sa.PrimaryKeyConstraint(*KEY[:3]))
        op.create_table(f"{name}_delta", sa.Column("month", sa.Date(), nullable=False),
                        *(sa.Column(column, sa.Text(), nullable=False) for column in KEY[1:]), *numbers())
        op.create_index(f"ix_{name}_delta_month", f"{name}_delta", ["month"])
    if _postgres():
        _triggers("case", "case_tally", CASE_COUNTS, _case_rows)
        _triggers("visit", "visit_tally", VISIT_COUNTS, _visit_rows)
        op.execute(_add_up("case_tally_delta", CASE_COUNTS, _case_rows('"case"', "1")))
        op.execute(_add_up("visit_tally_delta", VISIT_COUNTS, _visit_rows("visit", "1")))


def downgrade():
    if _postgres():
        for table, tally in (("case", "case_tally"), ("visit", "visit_tally")):
            for event in ("insert", "delete", "update"):
                op.execute(f'DROP TRIGGER {tally}_{event} ON "{table}"')
            op.execute(f"DROP FUNCTION {tally}_keep()")
    for name in ("visit_tally", "case_tally"):
        op.drop_index(f"ix_{name}_delta_month", table_name=f"{name}_delta")
        op.drop_table(f"{name}_delta")
        op.drop_table(name.replace("_tally", "_hall_tally"))
        op.drop_table(name)
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_column("on_time")
        batch_op.drop_column("concluded_on")
    op.drop_index("ix_supervision_reminder_supervision_id", table_name="supervision_reminder")
    op.drop_table("supervision_reminder")
    op.drop_index("ix_supervision_open_body", table_name="supervision")
    op.drop_index("ix_supervision_open_due", table_name="supervision")
    op.drop_table("supervision")
    op.drop_index("ix_progress_lookup_at", table_name="progress_lookup")
    op.drop_index("ix_progress_lookup_address_at", table_name="progress_lookup")
    op.drop_table("progress_lookup")
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.drop_column("role")
