"""The PostgreSQL privileges of the role the web and worker processes connect as: data in every
table, but on the audit trail only INSERT, SELECT, clearing ``user_id`` (a deleted staff
account) and the owner's purge function. Not being the tables' owner, the role cannot disable,
drop or replace the append-only trigger either. Run it as the owner after every ``migrate``
(it is idempotent); see docs/operations-database-roles.md."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils.translation import gettext_lazy as _

from casework.models import AuditEvent

ONLY_POSTGRESQL = _("grant_app_role serve solo su PostgreSQL: SQLite non ha ruoli.")
NOT_MIGRATED = _("La tabella %(table)s non c'è: esegui prima migrate come proprietario.")
NO_SUCH_ROLE = _(
    "Il ruolo %(role)s non esiste: crealo prima (CREATE ROLE %(role)s LOGIN PASSWORD '…')."
)
ROLE_IS_OWNER = _(
    "Il ruolo %(role)s è il proprietario delle tabelle (o ne eredita i diritti, come %(owner)s):"
    " potrebbe disattivare il trigger del registro accessi. Usa un ruolo distinto."
)
ROLE_IS_SUPERUSER = _(
    "Il ruolo %(role)s è superuser: può tutto, anche disattivare il trigger del registro"
    " accessi. Usa un ruolo senza SUPERUSER."
)
GRANT_FAILED = _("Permessi non concessi (esegui il comando come %(owner)s): %(error)s")
GRANTED = _("Permessi concessi a %(role)s.")
PURGE_FUNCTION = "casework_auditevent_purge(timestamptz)"


def quote(identifier):
    """A PostgreSQL identifier, quoted (doubling any quote inside it)."""
    return '"' + identifier.replace('"', '""') + '"'


def statements(role, owner, schema, table):
    role, owner, schema, table = (quote(name) for name in (role, owner, schema, table))
    return [
        # Start from nothing, so an earlier, wider grant does not survive a re-run.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # The audit trail: append-only. Revoking the table's UPDATE revokes its column grants
        # too, so the one column grant comes after.
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}",
        f'GRANT UPDATE ("user_id") ON {table} TO {role}',
        f"GRANT EXECUTE ON FUNCTION {PURGE_FUNCTION} TO {role}",
        # Tables and sequences that later migrations create (as the owner) get the same data
        # privileges; re-run this command after migrate anyway, for the audit trail's rules.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        f" GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = (
        "Stampa (o con --execute esegue) i GRANT per il ruolo PostgreSQL con cui girano web e"
        " worker: dati sì, modifiche al registro accessi no. Da eseguire come proprietario"
        " delle tabelle dopo ogni migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="il ruolo dell'applicazione, per esempio zo_app")
        parser.add_argument(
            "--execute", action="store_true", help="esegue le istruzioni invece di stamparle"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, execute, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(ONLY_POSTGRESQL)
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            cursor.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s",
                [schema, table],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(NOT_MIGRATED % {"table": table})
            owner = found[0]
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(NO_SUCH_ROLE % {"role": role})
            if found[0]:
                raise CommandError(ROLE_IS_SUPERUSER % {"role": role})
            # A member of the owner's role acts as the owner (ALTER TABLE, DISABLE TRIGGER).
            cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])
            if cursor.fetchone()[0]:
                raise CommandError(ROLE_IS_OWNER % {"role": role, "owner": owner})
        sql = statements(role, owner, schema, table)
        if not execute:
            self.stdout.write("\n".join(f"{statement};" for statement in sql))
            return
        try:
            with transaction.atomic(using=database), connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
        except DatabaseError as error:
            raise CommandError(GRANT_FAILED % {"owner": owner, "error": error}) from error
        self.stdout.write(GRANTED % {"role": role})
