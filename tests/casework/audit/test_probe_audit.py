"""The probe's audit findings: the purge took any cutoff, the base queryset and manager let
``update``/``delete`` through, SQLite had no trigger at all, and on PostgreSQL the table owner
(which the app connected as) could simply ``DISABLE TRIGGER``. See
docs/operations-database-roles.md."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from casework.audit import models as casework_models
from casework.audit.services import Action, record_event
from casework.models import AuditEvent
from casework.privacy import services as privacy
from tests import factories as f

ROOT = Path(__file__).resolve().parents[3]
APP_ROLE_URL = os.environ.get("ZO_APP_ROLE_DATABASE_URL", "")
DAYS_PAST_RETENTION = 800  # 24 months are at most 731 days
DAYS_WITHIN_RETENTION = 700
DETAIL = AuditEvent._meta.get_field("detail")


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _too_recent_message(months=24):
    return casework_models.AUDIT_PURGE_TOO_RECENT % {"months": months}


@pytest.mark.django_db
def test_finding_purge_refuses_cutoff_younger_than_retention(settings):
    recent = f.audit_event_at(_days_ago(1), "ieri")
    within = f.audit_event_at(_days_ago(DAYS_WITHIN_RETENTION), "entro i 24 mesi")
    for cutoff in (
        timezone.now() + datetime.timedelta(days=365),
        timezone.now(),
        _days_ago(DAYS_WITHIN_RETENTION - 10),
    ):
        with pytest.raises(ValidationError) as refused:
            AuditEvent.objects.purge_older_than(cutoff)
        assert refused.value.messages == [_too_recent_message()]
    # A longer retention in the settings moves the limit back with it.
    settings.AUDIT_RETENTION_MONTHS = 36
    older = f.audit_event_at(_days_ago(DAYS_PAST_RETENTION), "oltre 24 ma entro 36 mesi")
    with pytest.raises(ValidationError) as refused:
        AuditEvent.objects.purge_older_than(_days_ago(DAYS_PAST_RETENTION - 10))
    assert refused.value.messages == [_too_recent_message(36)]
    # And so does the scheduled purge asked to pretend it is a later day.
    with pytest.raises(ValidationError):
        privacy.purge_audit_events(now=timezone.now() + datetime.timedelta(days=3650))
    assert AuditEvent.objects.filter(pk__in=[recent.pk, within.pk, older.pk]).count() == 3


@pytest.mark.django_db
def test_scheduled_purge_still_removes_rows_past_the_retention(settings):
    old = f.audit_event_at(_days_ago(DAYS_PAST_RETENTION), "vecchio")
    recent = f.audit_event_at(_days_ago(DAYS_WITHIN_RETENTION), "recente")
    assert privacy.purge_audit_events() == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    settings.AUDIT_RETENTION_MONTHS = 12  # never under 24: nothing more goes
    assert privacy.purge_audit_events() == 0
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    # The limit itself is accepted (what the scheduled purge computes).
    assert AuditEvent.objects.purge_older_than(casework_models.audit_purge_latest_cutoff()) == (
        0,
        {AuditEvent._meta.label: 0},
    )


@pytest.mark.django_db
def test_finding_queryset_update_refused(social_worker_a):
    person = f.BeneficiaryFactory()
    event = record_event(social_worker_a, Action.VIEW, person)
    other = record_event(social_worker_a, Action.VIEW, person, detail="altro")
    managers = (AuditEvent.objects, AuditEvent._base_manager, AuditEvent._default_manager)
    attempts = []
    for manager in managers:
        attempts += [
            lambda m=manager: m.filter(pk=event.pk).update(detail="ritoccato"),
            lambda m=manager: m.all()._chain().update(detail="ritoccato"),
            lambda m=manager: m.filter(pk=event.pk).update(user=None, detail="ritoccato"),
            lambda m=manager: m.filter(pk=event.pk).delete(),
            lambda m=manager: m.all()._chain().delete(),
            lambda m=manager: m.filter(pk=event.pk)._update([(DETAIL, None, "ritoccato")]),
            lambda m=manager: m.filter(pk=event.pk)._raw_delete(m.db),
        ]

    def bulk_update():
        event.detail = "ritoccato"
        AuditEvent.objects.bulk_update([event, other], ["detail"])

    def save_pretending_to_be_new():
        row = AuditEvent.objects.get(pk=event.pk)
        row.detail = "ritoccato"
        row._state.adding = True
        row.save()

    def save_existing(**kwargs):
        row = AuditEvent.objects.get(pk=event.pk)
        row.detail = "ritoccato"
        row.save(**kwargs)

    attempts += [
        bulk_update,
        save_pretending_to_be_new,
        save_existing,
        lambda: save_existing(force_update=True),
        lambda: save_existing(update_fields=["detail"]),
        lambda: AuditEvent.objects.get(pk=event.pk).delete(),
        lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"detail": "x"}),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionError), transaction.atomic():
            attempt()
    event.refresh_from_db()
    other.refresh_from_db()
    assert (event.detail, other.detail) == ("", "altro")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_deleting_a_staff_account_still_only_clears_the_user(social_worker_a):
    event = record_event(social_worker_a, Action.VIEW, model="casework.beneficiary", object_id=1)
    social_worker_a.delete()
    event.refresh_from_db()
    assert event.user_id is None
    assert (event.model, event.object_id) == ("casework.beneficiary", "1")


@pytest.mark.django_db
def test_finding_sqlite_trigger_blocks_raw_delete(social_worker_a, programme_manager):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL has its own trigger (test_security_audit)")
    event = record_event(social_worker_a, Action.VIEW, model="casework.beneficiary", object_id=1)
    old = f.audit_event_at(_days_ago(DAYS_PAST_RETENTION), "vecchio")

    def refused(sql, params=()):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)

    refused("DELETE FROM casework_auditevent WHERE id = %s", [event.pk])
    refused("DELETE FROM casework_auditevent")
    refused("UPDATE casework_auditevent SET detail = 'x' WHERE id = %s", [event.pk])
    refused("UPDATE casework_auditevent SET at = %s WHERE id = %s", [_days_ago(900), event.pk])
    refused(
        "UPDATE casework_auditevent SET user_id = %s WHERE id = %s",
        [programme_manager.pk, event.pk],
    )
    refused("UPDATE casework_auditevent SET user_id = NULL, detail = 'x' WHERE id = %s", [event.pk])
    # REPLACE deletes the old row without firing DELETE triggers: refused on insert.
    refused(
        "INSERT OR REPLACE INTO casework_auditevent (id, at, action, model, object_id, detail)"
        " VALUES (%s, %s, 'view', 'x', '1', 'sostituito')",
        [event.pk, timezone.now()],
    )
    # Outside the purge, not even a row past the retention goes.
    refused("DELETE FROM casework_auditevent WHERE id = %s", [old.pk])
    # With the purge's switch on (anyone's raw SQL can set it), a recent row still stays.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("INSERT INTO casework_auditevent_purge (id) VALUES (1)")
        cursor.execute("DELETE FROM casework_auditevent WHERE id = %s", [event.pk])
    # Clearing the user (a deleted staff account) is the one update allowed.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casework_auditevent SET user_id = NULL WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk__in=[event.pk, old.pk]).count() == 2
    event.refresh_from_db()
    assert event.user_id is None and event.detail == ""
    # The scheduled purge takes the old row, and leaves its switch off behind it.
    assert privacy.purge_audit_events() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM casework_auditevent_purge")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
@pytest.mark.postgres
def test_finding_postgresql_purge_runs_through_the_owner_function():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    old = f.audit_event_at(_days_ago(DAYS_PAST_RETENTION), "vecchio")
    recent = f.audit_event_at(_days_ago(DAYS_WITHIN_RETENTION), "recente")
    with connection.cursor() as cursor:
        # Nobody but the owner and the roles granted by grant_app_role may call it.
        cursor.execute(
            "SELECT bool_or(acl.grantee = 0) FROM pg_proc, aclexplode(pg_proc.proacl) acl"
            " WHERE proname = 'casework_auditevent_purge'"
        )
        assert cursor.fetchone()[0] is False
        # The function has its own floor, whatever a caller passes.
        cursor.execute("SELECT casework_auditevent_purge(now() + interval '10 years')")
        assert cursor.fetchone()[0] == 1
    assert privacy.purge_audit_events() == 0
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('zeroottanta.audit_purge', true)")
        assert cursor.fetchone()[0] in (None, "", "off")


@pytest.mark.django_db
def test_grant_app_role_refuses_sqlite_and_unknown_or_owner_roles():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("grant_app_role", "zo_app")
        return
    with pytest.raises(CommandError, match="non esiste"):
        call_command("grant_app_role", "zo_nobody_at_all")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match=r"superuser|proprietario"):
        call_command("grant_app_role", owner)
    # A member of the owner's role may act as the owner: refused as well.
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS zo_probe_member")
        cursor.execute(f'CREATE ROLE zo_probe_member NOLOGIN IN ROLE "{owner}"')
    try:
        with pytest.raises(CommandError, match="proprietario"):
            call_command("grant_app_role", "zo_probe_member")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE zo_probe_member")


@pytest.mark.django_db
@pytest.mark.postgres
def test_grant_app_role_prints_the_statements(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS zo_probe_print")
        cursor.execute("CREATE ROLE zo_probe_print NOLOGIN")
    try:
        call_command("grant_app_role", "zo_probe_print")
        with connection.cursor() as cursor:  # printed only: nothing granted yet
            cursor.execute(
                "SELECT has_table_privilege('zo_probe_print', 'casework_auditevent', 'INSERT')"
            )
            assert cursor.fetchone()[0] is False
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE zo_probe_print")
    printed = capsys.readouterr().out
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "casework_auditevent" FROM "zo_probe_print"' in (
        printed
    )
    assert 'GRANT UPDATE ("user_id") ON "casework_auditevent" TO "zo_probe_print"' in printed
    assert "ALTER DEFAULT PRIVILEGES" in printed


# --- Run by .ci/run against a database migrated by the owner, connecting as the app role --------


def _app_role_connection():
    import psycopg

    return psycopg.connect(APP_ROLE_URL, autocommit=True)


@pytest.mark.postgres_app_role
@pytest.mark.skipif(not APP_ROLE_URL, reason="ZO_APP_ROLE_DATABASE_URL is not set")
def test_finding_app_role_cannot_change_the_trail_or_disable_the_trigger():
    import psycopg

    with _app_role_connection() as conn:
        role, superuser = conn.execute(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'casework_auditevent'"
        ).fetchone()[0]
        assert not superuser and role != owner
        # Normal writes work.
        event_id = conn.execute(
            "INSERT INTO casework_auditevent (at, action, model, object_id, detail)"
            " VALUES (now(), 'view', 'casework.beneficiary', '1', 'ruolo applicativo')"
            " RETURNING id"
        ).fetchone()[0]
        assert conn.execute(
            "SELECT detail FROM casework_auditevent WHERE id = %s", [event_id]
        ).fetchone() == ("ruolo applicativo",)
        # Changing or removing the trail, or switching its trigger off, does not.
        for sql in (
            "UPDATE casework_auditevent SET detail = 'x' WHERE id = %s",
            "DELETE FROM casework_auditevent WHERE id = %s",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql, [event_id])
        for sql in (
            "ALTER TABLE casework_auditevent DISABLE TRIGGER ALL",
            "ALTER TABLE casework_auditevent DISABLE TRIGGER casework_auditevent_append_only",
            "DROP TRIGGER casework_auditevent_append_only ON casework_auditevent",
            "TRUNCATE casework_auditevent",
            "CREATE OR REPLACE FUNCTION casework_auditevent_append_only() RETURNS trigger"
            " AS $$ BEGIN RETURN OLD; END $$ LANGUAGE plpgsql",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=r"owner|denied"):
                conn.execute(sql)
        # The purge function keeps anything younger than its floor for the app role too.
        conn.execute("SELECT casework_auditevent_purge(now() + interval '10 years')")
        assert conn.execute(
            "SELECT id FROM casework_auditevent WHERE id = %s", [event_id]
        ).fetchone() == (event_id,)


@pytest.mark.postgres_app_role
@pytest.mark.skipif(not APP_ROLE_URL, reason="ZO_APP_ROLE_DATABASE_URL is not set")
def test_app_role_runs_the_application_and_the_scheduled_purge():
    """The same code the web and worker processes run, connected as the app role."""
    script = (
        "import datetime, json\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from casework.privacy import services as privacy\n"
        "from casework.audit.services import Action, record_event\n"
        "from casework.models import AuditEvent\n"
        "user = get_user_model().objects.create_user('zo-app-role-probe', password=None)\n"
        "event = record_event(user, Action.VIEW, model='casework.beneficiary', object_id=7)\n"
        "user.delete()\n"
        "event.refresh_from_db()\n"
        "try:\n"
        "    AuditEvent.objects.purge_older_than(timezone.now())\n"
        "    refused = False\n"
        "except Exception:\n"
        "    refused = True\n"
        "print(json.dumps({'user_id': event.user_id, 'purged': privacy.purge_audit_events(),"
        " 'refused': refused}))\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": APP_ROLE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["user_id"] is None
    assert outcome["refused"] is True
    assert isinstance(outcome["purged"], int)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test_flush_still_empties_the_trail(social_worker_a):
    """The flush after this test deletes every row: on SQLite that is a DELETE the trigger
    refuses, so the flush command lifts the triggers for its own transaction."""
    record_event(social_worker_a, Action.VIEW, model="casework.beneficiary", object_id=1)
    assert AuditEvent.objects.count() == 1
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert AuditEvent.objects.count() == 0
    if connection.vendor == "sqlite":  # and the triggers are back
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'casework_auditevent'"
            )
            assert cursor.fetchone()[0] == 3
