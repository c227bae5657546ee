"""Trigram indexes for the admin search on PostgreSQL, on the names as the search compares them:
upper case with the accented letters as plain letters (``casework.cases.search.Normalised``), so
"nicolo" finds "Nicolò" through an index. Tax code and protocol keep the UPPER() indexes of 0003.

The expression is written out here (a migration must not change when the code does); a test
checks that it is the one the search runs. SQLite has no such index and does nothing.
"""

from django.db import migrations

ACCENTED = "àáâãäåèéêëìíîïòóôõöùúûüýÿçñÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÇÑ"
PLAIN = "aaaaaaeeeeiiiiooooouuuuyycnAAAAAAEEEEIIIIOOOOOUUUUYCN"

INDEXES = [
    ("casework_beneficiary_last_name_norm_trgm", "casework_beneficiary", "last_name"),
    ("casework_beneficiary_first_name_norm_trgm", "casework_beneficiary", "first_name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin '
            f"((UPPER(TRANSLATE(\"{column}\"::text, '{ACCENTED}', '{PLAIN}'))) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("casework", "0011_beneficiary_availability")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
