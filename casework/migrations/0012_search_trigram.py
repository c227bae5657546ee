"""Trigram indexes for the admin search on PostgreSQL, on the names as the search compares them:
``zo_normalise(name)``, upper case with the accented letters as plain letters
(``casework.cases.search.Normalised``), so "nicolo" finds "Nicolò" through an index. Tax code
and protocol keep the UPPER() indexes of 0003.

``zo_normalise`` is PL/pgSQL (never inlined) with a high declared cost: the planner then reads
the indexes instead of computing the expression on every row of a large table. The letters are
written out here (a migration must not change when the code does); a test checks that they are
the ones the search uses. SQLite has no such index: the search registers the same function on
its connection, and this migration does nothing there.
"""

from django.db import migrations

ACCENTED = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÇÑ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuyycnAAAAAAEEEEIIIIOOOOOUUUUYCN"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION zo_normalise(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
BEGIN
    RETURN UPPER(TRANSLATE(value, '{ACCENTED}', '{PLAIN}'));
END
$$
"""

INDEXES = [
    ("casework_beneficiary_last_name_norm_trgm", "casework_beneficiary", "last_name"),
    ("casework_beneficiary_first_name_norm_trgm", "casework_beneficiary", "first_name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((zo_normalise("{column}")) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS zo_normalise(text)")


class Migration(migrations.Migration):
    dependencies = [("casework", "0011_beneficiary_availability")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
