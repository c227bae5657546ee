"""Django's ``flush``, which on SQLite empties every table with DELETE: the audit trail's
append-only triggers (migration 0008) would refuse it, and every transactional test ends with a
flush. So on SQLite the triggers are dropped and created again inside the flush's own
transaction; nobody else sees the table without them. On PostgreSQL flush is a TRUNCATE, which
the row triggers do not see, and only the tables' owner may run it (the app role may not)."""

from importlib import import_module

from django.core.management.commands import flush
from django.db import connections, transaction

TRIGGERS = import_module("casework.migrations.0008_auditevent_append_only_sqlite")


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'casework_auditevent'"
            )
            had_triggers = cursor.fetchall()
            for statement in TRIGGERS.DROP:
                if statement.startswith("DROP TRIGGER"):
                    cursor.execute(statement)
            result = super().handle(**options)
            if had_triggers:
                for statement in TRIGGERS.CREATE:
                    cursor.execute(statement)
        return result
