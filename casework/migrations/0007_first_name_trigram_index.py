"""The people list searches first names too: a trigram index on them as well, so its OR of
surname, first name and tax code is a BitmapOr of indexes on PostgreSQL (see 0003)."""

from django.db import migrations

NAME = "casework_beneficiary_first_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "casework_beneficiary" '
        'USING gin ((UPPER("first_name"::text)) gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_auditevent_append_only")]

    operations = [migrations.RunPython(create_index, drop_index)]
