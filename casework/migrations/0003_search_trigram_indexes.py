"""Trigram indexes for the admin search (surname, tax code, protocol) on PostgreSQL.

The admin searches with ``icontains`` (``UPPER(col) LIKE UPPER('%word%')``), which a btree index
cannot serve; a GIN trigram index on the same UPPER() expression can. SQLite has no such index
(and needs none at the sizes it is meant for), so the operation does nothing there.
"""

from django.db import migrations

INDEXES = [
    ("casework_beneficiary_last_name_trgm", "casework_beneficiary", "last_name"),
    ("casework_beneficiary_tax_code_trgm", "casework_beneficiary", "tax_code"),
    ("casework_referral_protocol_trgm", "casework_referral", "protocol"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_role_groups")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
