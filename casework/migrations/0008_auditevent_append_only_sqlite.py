"""The append-only triggers of migration 0006, for SQLite: the audit trail refuses UPDATE and
DELETE in the database itself, whatever code path (or hand-written SQL) tries. Same exceptions:

- deleting a staff account sets ``user_id`` to NULL (``on_delete=SET_NULL``), and nothing else
  in the row may change with it;
- the scheduled purge (``AuditEventQuerySet.purge_older_than``) puts a row in
  ``casework_auditevent_purge`` for its own transaction and may then delete rows older than
  24 months only, the shortest retention the programme allows. A stray row there (anyone's raw
  SQL can write one) still cannot delete anything younger.

A BEFORE INSERT trigger also refuses an insert that reuses an existing id: ``INSERT OR REPLACE``
deletes the old row without firing DELETE triggers.

SQLite rebuilds a table for most schema changes (new table, copy, drop the old one), and the
old table's triggers go with it: a later migration that alters ``casework_auditevent`` must run
``create_triggers`` again (tests/casework/test_probe_audit.py fails if they are missing).
"""

from django.db import migrations

CREATE = [
    "CREATE TABLE IF NOT EXISTS casework_auditevent_purge (id INTEGER PRIMARY KEY CHECK (id = 1))",
    """
    CREATE TRIGGER IF NOT EXISTS casework_auditevent_no_update
    BEFORE UPDATE ON casework_auditevent
    FOR EACH ROW WHEN NOT (
        NEW.user_id IS NULL AND OLD.user_id IS NOT NULL
        AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.action IS OLD.action
        AND NEW.model IS OLD.model AND NEW.object_id IS OLD.object_id
        AND NEW.beneficiary_id IS OLD.beneficiary_id AND NEW.comune_id IS OLD.comune_id
        AND NEW.detail IS OLD.detail
    )
    BEGIN
        SELECT RAISE(ABORT, 'casework_auditevent is append-only: UPDATE refused');
    END
    """,
    # Django stores datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]': it compares as text
    # with datetime('now', ...), which is UTC too.
    """
    CREATE TRIGGER IF NOT EXISTS casework_auditevent_no_delete
    BEFORE DELETE ON casework_auditevent
    FOR EACH ROW WHEN NOT (
        EXISTS (SELECT 1 FROM casework_auditevent_purge)
        AND OLD.at < datetime('now', '-24 months')
    )
    BEGIN
        SELECT RAISE(ABORT, 'casework_auditevent is append-only: DELETE refused');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS casework_auditevent_no_replace
    BEFORE INSERT ON casework_auditevent
    FOR EACH ROW WHEN NEW.id IS NOT NULL
        AND EXISTS (SELECT 1 FROM casework_auditevent WHERE id = NEW.id)
    BEGIN
        SELECT RAISE(ABORT, 'casework_auditevent is append-only: an existing id cannot be inserted again');
    END
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS casework_auditevent_no_replace",
    "DROP TRIGGER IF EXISTS casework_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS casework_auditevent_no_update",
    "DROP TABLE IF EXISTS casework_auditevent_purge",
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_first_name_trigram_index")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
