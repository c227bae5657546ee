"""The audit trail is append-only: no change or delete through the ORM, the admin or (on
PostgreSQL) plain SQL; only the scheduled purge removes rows past the retention."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from casework.audit.services import Action, record_event
from casework.models import AuditEvent
from casework.privacy import services as privacy
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_row_cannot_be_changed_or_deleted_through_the_orm(social_worker_a):
    person = f.BeneficiaryFactory()
    event = record_event(social_worker_a, Action.VIEW, person)
    event.detail = "ritoccato"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="ritoccato")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.detail == ""
    assert event.beneficiary_id == person.pk


def test_admin_log_is_read_only_and_for_the_programme_manager(
    client, programme_manager, social_worker_a, superuser
):
    person = f.BeneficiaryFactory()
    event = record_event(social_worker_a, Action.VIEW, person, detail="scheda aperta")
    client.force_login(programme_manager)
    listing = client.get("/admin/casework/access-log/", {"q": "scheda"})
    assert listing.status_code == 200
    assert "scheda aperta" in listing.content.decode()
    for suffix in ("edit", "delete"):
        assert client.get(f"/admin/casework/access-log/{suffix}/{event.pk}/").status_code == 404
    client.force_login(superuser)  # not even a superuser gets an add or edit button
    listing = client.get("/admin/casework/access-log/")
    assert listing.status_code == 200
    assert "/admin/casework/access-log/add/" not in listing.content.decode()
    client.force_login(social_worker_a)
    assert client.get("/admin/casework/access-log/").status_code in (302, 403)


def test_purge_removes_only_rows_past_the_retention():
    now = timezone.now()
    old = f.audit_event_at(now - datetime.timedelta(days=800), "vecchio")
    recent = f.audit_event_at(now - datetime.timedelta(days=700), "recente")
    assert privacy.purge_audit_events(now=now) == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_retention_setting_never_goes_under_24_months(settings):
    settings.AUDIT_RETENTION_MONTHS = 1
    now = timezone.now()
    kept = f.audit_event_at(now - datetime.timedelta(days=400), "un anno fa")
    assert privacy.purge_audit_events(now=now) == 0
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


@pytest.mark.postgres
def test_postgresql_trigger_refuses_update_and_delete(social_worker_a):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = record_event(social_worker_a, Action.VIEW, model="casework.beneficiary", object_id=1)
    for sql in (
        "UPDATE casework_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM casework_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    # Even with the purge's switch on, a recent row stays.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL zeroottanta.audit_purge = 'on'")
        cursor.execute("DELETE FROM casework_auditevent WHERE id = %s", [event.pk])
    # Deleting a staff account only clears the user column.
    social_worker_a.delete()
    event.refresh_from_db()
    assert event.user_id is None
