"""The audit log compacted: one row per view or change with its fields together, indexed for its page.

Before, each changed field had a row of its own (about 13 per visit, most of
a kiosk's database after a few years). Now a row is one view or one change:
`changes` holds {"field": [before, after], ...} (the key "" for a value with
no field, none for a view), `person_id` names the person the record concerns
(so the "by person" filter is an index lookup), and `id` is the rowid, which
every index ends in. Existing rows are converted here: the rows of one change
(same at, actor, action, entity, entity_id, each field once) become one, in
the order they were written. The append-only triggers are dropped around the
conversion and installed again; the downgrade writes one row per field again.

Revision ID: 0013_compact_audit
Revises: 0011_speed_indexes
"""

from alembic import op
from sqlalchemy import text

revision = "0013_compact_audit"
down_revision = "0011_speed_indexes"
branch_labels = None
depends_on = None

BATCH = 5000
COMPACT = """CREATE TABLE audit_log_compact (
    id INTEGER NOT NULL, at DATETIME NOT NULL, actor VARCHAR(64) NOT NULL,
    action VARCHAR(32) NOT NULL, entity VARCHAR(32) NOT NULL, entity_id VARCHAR(36),
    person_id VARCHAR(36), changes TEXT, PRIMARY KEY (id))"""
WIDE = """CREATE TABLE audit_log_wide (
    id VARCHAR(36) NOT NULL, at DATETIME NOT NULL, actor VARCHAR(64) NOT NULL,
    action VARCHAR(32) NOT NULL, entity VARCHAR(32) NOT NULL, entity_id VARCHAR(36),
    field VARCHAR(64), "before" TEXT, "after" TEXT, PRIMARY KEY (id))"""
INDEXES = {"ix_audit_log_at": ["at"], "ix_audit_log_entity_id": ["entity_id", "at"],
           "ix_audit_log_actor": ["actor", "at"], "ix_audit_log_person_id": ["person_id", "at"]}
# The person each kind of record concerns; records deleted since (a removed material) have none.
PERSON_OF = """UPDATE audit_log SET person_id = CASE entity
    WHEN 'person' THEN entity_id
    WHEN 'visit' THEN (SELECT person_id FROM visit WHERE visit.id = audit_log.entity_id)
    WHEN 'case' THEN (SELECT person_id FROM "case" WHERE "case".id = audit_log.entity_id)
    WHEN 'material' THEN (SELECT visit.person_id FROM material JOIN visit ON visit.id = material.visit_id
                          WHERE material.id = audit_log.entity_id)
    WHEN 'representative' THEN (SELECT visit.person_id FROM group_representative AS rep
                                JOIN visit ON visit.id = rep.visit_id WHERE rep.id = audit_log.entity_id)
    END"""


def _drop_triggers():
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


def _create_triggers():
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def _json(changes: dict) -> str:
    import json

    return json.dumps(changes, ensure_ascii=False, separators=(",", ":"))


def _compact(rows: list[tuple]) -> list[dict]:
    """One instant's wide rows (in id order) as compact rows: each change's fields together."""
    made: list[dict] = []
    open_changes: dict[tuple, dict] = {}
    for _id, at, actor, action, entity, entity_id, field, before, after in rows:
        key = (actor, action, entity, entity_id)
        if field is None:  # a view, or a value with no field: a line of its own, as it was
            changes = None if before is None and after is None else {"": [before, after]}
            made.append({"at": at, "actor": actor, "action": action, "entity": entity,
                         "entity_id": entity_id, "changes": changes})
            continue
        row = open_changes.get(key)
        if row is None or field in row["changes"]:  # a field twice: a second change
            row = {"at": at, "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                   "changes": {}}
            open_changes[key] = row
            made.append(row)
        row["changes"][field] = [before, after]
    for row in made:
        row["changes"] = _json(row["changes"]) if row["changes"] is not None else None
    return made


def upgrade():
    bind = op.get_bind()
    _drop_triggers()
    op.execute(COMPACT)
    insert = text("INSERT INTO audit_log_compact (at, actor, action, entity, entity_id, changes) "
                  "VALUES (:at, :actor, :action, :entity, :entity_id, :changes)")
    pending: list[dict] = []
    instant: list[tuple] = []
    # Oldest first, so the new rowids keep the order the rows were written in.
    for row in bind.exec_driver_sql(
            'SELECT id, at, actor, action, entity, entity_id, field, "before", "after" '
            "FROM audit_log ORDER BY at, id"):
        if instant and row[1] != instant[0][1]:
            pending += _compact(instant)
            instant = []
            if len(pending) >= BATCH:
                bind.execute(insert, pending)
                pending = []
        instant.append(tuple(row))
    pending += _compact(instant)
    if pending:
        bind.execute(insert, pending)
    op.execute("DROP TABLE audit_log")
    op.execute("ALTER TABLE audit_log_compact RENAME TO audit_log")
    op.execute(PERSON_OF)
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_log", columns)
    _create_triggers()


def downgrade():
    bind = op.get_bind()
    _drop_triggers()
    op.execute(WIDE)
    insert = text('INSERT INTO audit_log_wide (id, at, actor, action, entity, entity_id, field, "before", '
                  '"after") VALUES (:id, :at, :actor, :action, :entity, :entity_id, :field, :before, :after)')
    import json

    pending: list[dict] = []
    for number, at, actor, action, entity, entity_id, changes in bind.exec_driver_sql(
            "SELECT id, at, actor, action, entity, entity_id, changes FROM audit_log ORDER BY id"):
        fields = json.loads(changes) if changes else {None: [None, None]}
        for index, (field, (before, after)) in enumerate(fields.items()):
            # Ordered like the rows they came from: by the compact row, then by field.
            pending.append({"id": f"00000000-0000-7000-8000-{number:08x}{index:04x}", "at": at,
                            "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
                            "field": field or None, "before": before, "after": after})
        if len(pending) >= BATCH:
            bind.execute(insert, pending)
            pending = []
    if pending:
        bind.execute(insert, pending)
    op.execute("DROP TABLE audit_log")
    op.execute("ALTER TABLE audit_log_wide RENAME TO audit_log")
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity_id"])
    _create_triggers()
