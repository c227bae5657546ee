"""The restore drill: back up, restore into a scratch database and media folder, and prove the
copy says what the original says: rows per table, the money (budgets, approved vouchers) and
the audit trail row by row, with its append-only triggers still in place.

Used by ``manage.py backup_drill`` and by tests/core/test_backup.py."""

import tempfile
from pathlib import Path

from django.db import connections
from django.db.models import Sum

from casework.audit.models import AuditEvent
from casework.money.choices import VoucherStatus
from casework.money.models import Budget, Voucher
from core.backup import backup, database_connection, database_figures, restore

AUDIT_FIELDS = (
    "id",
    "at",
    "user_id",
    "action",
    "model",
    "object_id",
    "beneficiary_id",
    "comune_id",
    "detail",
)


def audit_triggers(alias):
    """The names of the append-only triggers on the audit trail (migrations 0006 and 0008)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'casework_auditevent' ORDER BY name"
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'casework_auditevent'::regclass ORDER BY tgname"
            )
        return [row[0] for row in cursor.fetchall()]


def figures(alias="default"):
    """What the drill compares, read through the ORM on ``alias``."""
    counts, migrations = database_figures(alias)
    budgets = Budget.objects.using(alias)
    approved = Voucher.objects.using(alias).filter(status=VoucherStatus.APPROVED)
    return {
        "tables": counts,
        "migrations": migrations,
        "budget_total": budgets.aggregate(total=Sum("amount"))["total"],
        "approved_gross_total": approved.aggregate(total=Sum("gross"))["total"],
        "audit_events": list(
            AuditEvent.objects.using(alias).order_by("pk").values_list(*AUDIT_FIELDS)
        ),
        "audit_triggers": audit_triggers(alias),
    }


def differences(before, after):
    return sorted(key for key in before if before[key] != after.get(key))


def run_drill(*, database_url, media_root=None, work_dir=None, using="default"):
    """Back up ``using``, restore into ``database_url`` (empty) and ``media_root`` (empty),
    compare. Returns ``(backup_dir, before, after, differences)``."""
    work_dir = Path(work_dir or tempfile.mkdtemp(prefix="zo-drill-"))
    before = figures(using)
    backup_dir = backup(work_dir / "backups", using=using)
    media_root = Path(media_root or work_dir / "media")
    restore(backup_dir, database_url=database_url, media_root=media_root)
    with database_connection(database_url) as alias:
        after = figures(alias)
    return backup_dir, before, after, differences(before, after)
