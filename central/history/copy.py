"""The other halls' history, copied in SQL from the one hall that came through the real push path.

Each copy gets new ids (UUIDv7 with the same time, moved back by the hall's
few days of shift, and a new random part), new dates (the same shift), new
query codes and new people: a person's ID number, name and phone are drawn
afresh for every hall from a hash of the template petitioner and the hall,
so halls do not share people, except the template's repeat petitioners,
whose identity is drawn per group of three neighbouring halls (and, for
one in forty, per thirty halls): the same person seen at several halls.
Whole petitioners are kept or left out per hall (70 to 100 per cent), so
halls differ in size. The cases' stored status and due date move with their
facts (a whole number of days), so they stay what petition.lifecycle says.

Loading is fastest without indexes: `drop_indexes` remembers each index's
definition, `create_indexes` builds them again afterwards, two at a time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Date, DateTime, text
from sqlalchemy.engine import Connection, Engine

from ..models import MIRRORS, PETITIONER_KEY_SQL
from . import vocabulary as words

TABLES = ("person", "case", "visit", "group_representative", "material")
SESSION = ("SET synchronous_commit = off", "SET maintenance_work_mem = '1GB'", "SET work_mem = '256MB'",
           "SET max_parallel_maintenance_workers = 0", "SET jit = off")


def _array(values) -> str:
    return "ARRAY[" + ",".join(f"'{value}'" for value in values) + "]"


def _digit_sum(expression: str, weights: tuple[int, ...]) -> str:
    """Σ digit × weight of a non-negative integer expression written with len(weights) digits."""
    size = len(weights)
    return " + ".join(f"(({expression}) / {10 ** (size - 1 - n)} % 10) * {w}" for n, w in enumerate(weights))


# Each function is one expression without FROM, so PostgreSQL inlines it into the copy's
# INSERT … SELECT instead of calling it row by row.
_AREA = f"(s & 255) % {len(words.AREA_CODES)}"
_YEAR = "(1940 + ((s >> 8) & 63) % 60)"
_MONTH = "(1 + ((s >> 14) & 15) % 12)"
_DAY = "(1 + ((s >> 18) & 31) % 28)"
_SEQ = "(((s >> 24) & 1023) % 1000)"
_AREA_SUMS = [sum(int(d) * w for d, w in zip(code, (7, 9, 10, 5, 8, 4))) for code in words.AREA_CODES]
_CHECK_SUM = (f"(ARRAY[{','.join(map(str, _AREA_SUMS))}])[1 + {_AREA}] + {_digit_sum(_YEAR, (2, 1, 6, 3))} + "
              f"{_digit_sum(_MONTH, (7, 9))} + {_digit_sum(_DAY, (10, 5))} + {_digit_sum(_SEQ, (8, 4, 2))}")
FUNCTIONS = (
    # The UUIDv7 of a copied record: the template's milliseconds moved back `shift` days.
    '''CREATE FUNCTION pg_temp.jd_uuid(old text, hall int, shift int) RETURNS text
       LANGUAGE sql STABLE AS $$
       SELECT (lpad(to_hex(('x' || substr(old, 1, 8) || substr(old, 10, 4))::bit(48)::bigint
                           - shift::bigint * 86400000), 12, '0')
               || '7' || substr(md5(old || hall::text), 1, 3) || '8' || substr(md5(hall::text || old), 1, 15)
              )::uuid::text $$''',
    # A query code: ten Crockford base32 characters (petition.querycode) from a 64-bit hash.
    "CREATE FUNCTION pg_temp.jd_code(h bigint) RETURNS text LANGUAGE sql STABLE AS $$ SELECT "
    + " || ".join(f"substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((h >> {5 * i}) & 31)::int + 1, 1)"
                  for i in range(10)) + " $$",
    f'''CREATE FUNCTION pg_temp.jd_name(s bigint) RETURNS text LANGUAGE sql STABLE AS $$
       SELECT ({_array(words.SURNAMES)})[1 + (s & 1023) % {len(words.SURNAMES)}]
              || ({_array(words.GIVEN)})[1 + ((s >> 10) & 1023) % {len(words.GIVEN)}]
              || CASE WHEN (s >> 20) & 3 = 0 THEN ''
                      ELSE ({_array(words.GIVEN)})[1 + ((s >> 22) & 1023) % {len(words.GIVEN)}] END $$''',
    # A resident ID number with its GB 11643 check digit, so the desk's search accepts it.
    f'''CREATE FUNCTION pg_temp.jd_id_number(s bigint) RETURNS text LANGUAGE sql STABLE AS $$
       SELECT ({_array(words.AREA_CODES)})[1 + {_AREA}] || {_YEAR} || lpad({_MONTH}::text, 2, '0')
              || lpad({_DAY}::text, 2, '0') || lpad({_SEQ}::text, 3, '0')
              || substr('10X98765432', (({_CHECK_SUM}) % 11)::int + 1, 1) $$''',
    f'''CREATE FUNCTION pg_temp.jd_gender(s bigint) RETURNS text LANGUAGE sql STABLE AS $$
       SELECT CASE WHEN {_SEQ} % 2 = 1 THEN '男' ELSE '女' END $$''',
    f'''CREATE FUNCTION pg_temp.jd_phone(s bigint) RETURNS text LANGUAGE sql STABLE AS $$
       SELECT ({_array(words.MOBILE_PREFIXES)})[1 + ((s >> 40) & 255) % {len(words.MOBILE_PREFIXES)}]
              || lpad((((s >> 4) & 68719476735) % 1000000000)::text, 9, '0') $$''',
)


def template_tables(template: str) -> tuple[str, ...]:
    """Temporary copies of the template hall's rows, each with its petitioner's key and share."""
    return (
        f'''CREATE TEMP TABLE tpl_person AS SELECT p.*, {PETITIONER_KEY_SQL} AS k FROM person p
            WHERE p.kiosk_id = '{template}' ''',
        '''ALTER TABLE tpl_person ADD COLUMN shared boolean, ADD COLUMN wide boolean''',
        '''UPDATE tpl_person t SET shared = s.n > 1, wide = s.n > 1 AND hashtextextended(t.k, 3) % 40 = 0
           FROM (SELECT k, count(*) AS n FROM tpl_person GROUP BY k) s WHERE s.k = t.k''',
        f'''CREATE TEMP TABLE tpl_case AS SELECT c.*, p.k, p.shared, p.wide FROM "case" c
            JOIN tpl_person p ON p.id = c.person_id WHERE c.kiosk_id = '{template}' ''',
        f'''CREATE TEMP TABLE tpl_visit AS SELECT v.*, p.k, p.shared, p.wide FROM visit v
            JOIN tpl_person p ON p.id = v.person_id WHERE v.kiosk_id = '{template}' ''',
        f'''CREATE TEMP TABLE tpl_group_representative AS SELECT r.*, v.k, v.shared, v.wide
            FROM group_representative r JOIN tpl_visit v ON v.id = r.visit_id
            WHERE r.kiosk_id = '{template}' ''',
        f'''CREATE TEMP TABLE tpl_material AS SELECT m.*, v.k, v.shared, v.wide
            FROM material m JOIN tpl_visit v ON v.id = m.visit_id WHERE m.kiosk_id = '{template}' ''',
        '''CREATE TEMP TABLE tpl_hall (h int PRIMARY KEY, kiosk_id text, name text, shift int, keep int)''',
    )


# The identity of a copied petitioner: the template's own in the template's group of halls.
_SCOPE = ("CASE WHEN t.wide THEN 'w' || (h.h / 30) WHEN t.shared THEN 'g' || (h.h / 3) "
          "ELSE 'h' || h.h END")
_SAME = "((t.wide AND h.h / 30 = 0) OR (t.shared AND NOT t.wide AND h.h / 3 = 0))"
_IDENTITY = {
    "name": "CASE WHEN x.same THEN t.name ELSE pg_temp.jd_name(x.s) END",
    "id_number": "CASE WHEN x.same OR t.id_number IS NULL THEN t.id_number ELSE pg_temp.jd_id_number(x.s) END",
    "phone": "CASE WHEN x.same THEN t.phone ELSE pg_temp.jd_phone(x.s) END",
    "gender": "CASE WHEN x.same OR t.id_number IS NULL THEN t.gender ELSE pg_temp.jd_gender(x.s) END",
}
_REPRESENTATIVE = {
    "name": "pg_temp.jd_name(x.s)",
    "id_number": "CASE WHEN t.id_number IS NULL THEN NULL ELSE pg_temp.jd_id_number(x.s) END",
    "phone": "CASE WHEN t.phone IS NULL THEN NULL ELSE pg_temp.jd_phone(x.s) END",
}
_IDS = ("id", "person_id", "case_id", "visit_id", "same_matter_as")


def _expression(table: str, column) -> str:
    name = column.name
    if name in _IDS:
        return f'pg_temp.jd_uuid(t."{name}", h.h, h.shift)'
    if name == "kiosk_id":
        return "h.kiosk_id"
    if name == "query_code":
        return "pg_temp.jd_code(x.c)"
    if name == "same_matter_summary":
        return ("CASE WHEN t.same_matter_summary IS NULL THEN NULL ELSE h.name || ' ' || "
                "to_char(substring(t.same_matter_summary from '\\d{4}-\\d{2}-\\d{2}$')::date - h.shift, "
                "'YYYY-MM-DD') END")
    if table == "person" and name in _IDENTITY:
        return _IDENTITY[name]
    if table == "group_representative" and name in _REPRESENTATIVE:
        return _REPRESENTATIVE[name]
    if isinstance(column.type, DateTime):
        return f"t.\"{name}\" - h.shift * interval '1 day'"
    if isinstance(column.type, Date):
        return f't."{name}" - h.shift'
    return f't."{name}"'


def copy_statement(table: str, seed: int) -> str:
    """INSERT … SELECT of the template's rows of `table` into the halls :first … :last."""
    columns = list(MIRRORS[table].columns)
    names = ", ".join(f'"{c.name}"' for c in columns)
    values = ", ".join(_expression(table, c) for c in columns)
    if table == "group_representative":
        seed_of = f"hashtextextended(t.id || ':' || h.h, {seed})"
    else:
        seed_of = f"hashtextextended(t.k || '|' || {_SCOPE}, {seed})"
    return (f'INSERT INTO "{table}" ({names}) SELECT {values} FROM tpl_{table} t '
            f"JOIN tpl_hall h ON h.h BETWEEN :first AND :last "
            f"CROSS JOIN LATERAL (SELECT {seed_of} AS s, hashtextextended(t.id, h.h) AS c, {_SAME} AS same "
            f"OFFSET 0) x "
            f"WHERE t.shared OR (hashtextextended(t.k || ':' || h.h, {seed}) & 127) < h.keep")


@dataclass
class Index:
    table: str
    name: str
    create: str
    drop: str


def drop_indexes(connection: Connection) -> list[Index]:
    """Drop every index of the mirrored tables (primary keys too); their definitions, to rebuild."""
    rows = connection.execute(text('''
        SELECT t.relname AS "table", ic.relname AS name, pg_get_indexdef(i.indexrelid) AS indexdef,
               c.conname, pg_get_constraintdef(c.oid) AS condef
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'p'
        WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace
        ORDER BY pg_relation_size(t.oid) DESC, ic.relname'''), {"tables": list(TABLES)}).all()
    indexes = []
    for row in rows:
        if row.conname:
            indexes.append(Index(row.table, row.name,
                                 f'ALTER TABLE "{row.table}" ADD CONSTRAINT "{row.conname}" {row.condef}',
                                 f'ALTER TABLE "{row.table}" DROP CONSTRAINT "{row.conname}"'))
        else:
            indexes.append(Index(row.table, row.name, row.indexdef, f'DROP INDEX "{row.name}"'))
    for index in indexes:
        connection.execute(text(index.drop))
    connection.commit()
    return indexes


def _setup(connection: Connection, template: str, halls: list[dict]) -> None:
    for statement in (*SESSION, *FUNCTIONS, *template_tables(template)):
        connection.execute(text(statement))
    connection.execute(text("INSERT INTO tpl_hall VALUES (:h, :kiosk_id, :name, :shift, :keep)"), halls)
    connection.commit()


def copy_halls(engine: Engine, template: str, halls: list[dict], *, seed: int, echo, chunk: int = 10) -> None:
    """Copy the template into every hall of `halls` (dicts h, kiosk_id, name, shift, keep), two
    connections at once, one transaction per chunk of halls."""
    statements = {table: text(copy_statement(table, seed)) for table in TABLES}
    numbers = [hall["h"] for hall in halls]
    chunks = [(numbers[i], numbers[min(i + chunk, len(numbers)) - 1]) for i in range(0, len(numbers), chunk)]
    connections = [engine.connect() for _ in range(2)]
    try:
        for connection in connections:  # before any copy, while the tables hold the template alone
            _setup(connection, template, halls)
        free = list(connections)

        def copy(bounds: tuple[int, int]) -> None:
            connection = free.pop()
            try:
                for table in TABLES:
                    connection.execute(statements[table], {"first": bounds[0], "last": bounds[1]})
                connection.commit()
            finally:
                free.append(connection)
            echo(f"  halls {bounds[0] + 1}–{bounds[1] + 1} copied")

        with ThreadPoolExecutor(len(connections)) as pool:
            list(pool.map(copy, chunks))
    finally:
        for connection in connections:
            connection.close()


def create_indexes(engine: Engine, indexes: list[Index], *, echo) -> None:
    """Build the dropped indexes again, two at a time, the largest tables' first; then VACUUM ANALYZE."""
    def build(index: Index) -> None:
        with engine.connect() as connection:
            for statement in SESSION:
                connection.execute(text(statement))
            connection.execute(text(index.create))
            connection.commit()
        echo(f"  index {index.name}")

    def vacuum(table: str) -> None:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'VACUUM (ANALYZE) "{table}"'))
        echo(f"  vacuum {table}")

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(build, indexes))
        list(pool.map(vacuum, TABLES))
