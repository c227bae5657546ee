"""PostgreSQL: the purge of the audit trail runs in a function owned by the table owner
(SECURITY DEFINER), so the web and worker processes can connect as a role with no UPDATE or
DELETE on ``casework_auditevent`` and still run the scheduled purge (see
docs/operations-database-roles.md and ``manage.py grant_app_role``). The function never
deletes a row younger than 24 months, the shortest retention the programme allows, whatever
cutoff it is given: it takes the earlier of the cutoff and the trigger's own limit, counted from
the same ``now()``, so neither a clock skew between the application and the database nor an
enclosing transaction started a moment earlier makes the scheduled purge fail. It turns on the
trigger's ``zeroottanta.audit_purge`` switch (migration 0006) only around its own DELETE.
Nobody but the owner may call it until ``grant_app_role`` grants EXECUTE.

Also points the model's base manager at the append-only queryset (state only, no SQL).
"""

from django.db import migrations

REFUSED = "casework_auditevent purge refused: no cutoff"

CREATE = """
CREATE OR REPLACE FUNCTION casework_auditevent_purge(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {schema}, pg_temp
SET TimeZone = 'UTC'
AS $$
DECLARE
    deleted bigint;
BEGIN
    IF cutoff IS NULL THEN
        RAISE EXCEPTION '{refused}';
    END IF;
    PERFORM set_config('zeroottanta.audit_purge', 'on', true);
    DELETE FROM casework_auditevent
    WHERE at < LEAST(cutoff, now() - interval '24 months');
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('zeroottanta.audit_purge', 'off', true);
    RETURN deleted;
END
$$
"""

REVOKE = "REVOKE ALL ON FUNCTION casework_auditevent_purge(timestamptz) FROM PUBLIC"
DROP = "DROP FUNCTION IF EXISTS casework_auditevent_purge(timestamptz)"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        # The function's search path is pinned to the table's schema (a SECURITY DEFINER
        # function must not resolve names through the caller's path).
        schema = schema_editor.quote_name(cursor.fetchone()[0])
    schema_editor.execute(CREATE.format(schema=schema, refused=REFUSED), params=None)
    schema_editor.execute(REVOKE, params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("casework", "0008_auditevent_append_only_sqlite")]

    operations = [
        migrations.RunPython(create_function, drop_function),
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "base_manager_name": "objects",
                "ordering": ["-at"],
                "verbose_name": "evento di audit",
                "verbose_name_plural": "registro accessi",
            },
        ),
    ]
