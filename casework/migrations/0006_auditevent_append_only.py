"""On PostgreSQL the audit trail refuses UPDATE and DELETE in the database itself, whatever code
path (or hand-written SQL) tries. Two exceptions, both narrow:

- deleting a staff account sets ``user_id`` to NULL (``on_delete=SET_NULL``), and nothing else
  in the row may change with it;
- the scheduled purge sets ``zeroottanta.audit_purge`` for its own transaction
  (``AuditEventQuerySet.purge_older_than``) and may then delete rows older than 24 months only,
  the shortest retention the programme allows.
TRUNCATE stays possible for the test suite's flush (only a database owner can run it).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION casework_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.user_id IS NULL AND OLD.user_id IS NOT NULL
           AND (NEW.id, NEW.at, NEW.action, NEW.model, NEW.object_id, NEW.beneficiary_id,
                NEW.comune_id, NEW.detail)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.action, OLD.model, OLD.object_id, OLD.beneficiary_id,
                OLD.comune_id, OLD.detail) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'casework_auditevent is append-only: UPDATE refused';
    END IF;
    IF current_setting('zeroottanta.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '24 months' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'casework_auditevent is append-only: DELETE refused';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS casework_auditevent_append_only ON casework_auditevent;
CREATE TRIGGER casework_auditevent_append_only
    BEFORE UPDATE OR DELETE ON casework_auditevent
    FOR EACH ROW EXECUTE FUNCTION casework_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS casework_auditevent_append_only ON casework_auditevent;
DROP FUNCTION IF EXISTS casework_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_referral_list_order")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
