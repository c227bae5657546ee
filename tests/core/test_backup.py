"""Backup and restore: the drill on SQLite always, on PostgreSQL when DATABASE_URL points at it
(into a database of its own, dropped afterwards; the shared databases are never touched)."""

import json
import sqlite3
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from wagtail.documents import get_document_model

from casework.audit.services import Action, record_event
from casework.management.drill import run_drill
from core.backup import MANIFEST, BackupError, backup, restore
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-live"
    return settings.MEDIA_ROOT


@pytest.fixture
def programme(media, comune_a, comune_b, social_worker_a):
    """Budgets, approved and proposed vouchers, audit events and a private document file."""
    edition = f.seed_edition()
    f.budget(comune_a, edition, "10000.00")
    f.budget(comune_b, edition, "2500.50")
    pathway = f.active_pathway(comune_a)
    f.VoucherFactory(pathway=pathway, edition=edition, status="approved")
    f.VoucherFactory(
        pathway=pathway,
        edition=edition,
        kind="tutoring_hour",
        quantity=10,
        unit_net=Decimal("21.00"),
        net=Decimal("210.00"),
        vat=Decimal("46.20"),
        gross=Decimal("256.20"),
        status="approved",
    )
    f.VoucherFactory(pathway=f.active_pathway(comune_b), edition=edition, status="proposed")
    for action in (Action.VIEW, Action.CHANGE, Action.EXPORT):
        record_event(social_worker_a, action, pathway, detail="prova del ripristino")
    document = get_document_model().objects.create(
        title="Progetto individuale", file=ContentFile(b"%PDF-1.4 prova\n", name="progetto.pdf")
    )
    return {"document": document}


def _restore_target(tmp_path):
    """A fresh database of the same vendor as the test database, and a cleanup."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    config = connection.settings_dict
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    url = f"postgres://{auth}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def test_drill_restores_rows_money_audit_trail_and_media(programme, media, tmp_path):
    url, drop = _restore_target(tmp_path)
    try:
        backup_dir, before, after, wrong = run_drill(
            database_url=url, media_root=tmp_path / "media-restored", work_dir=tmp_path
        )
    finally:
        drop()
    assert wrong == []
    assert after["tables"] == before["tables"]
    assert after["tables"]["casework_budget"] == 2
    assert after["budget_total"] == Decimal("12500.50")
    assert after["approved_gross_total"] == Decimal("500.20")
    assert len(after["audit_events"]) == 3
    assert after["audit_events"] == before["audit_events"]
    assert after["audit_triggers"] and after["audit_triggers"] == before["audit_triggers"]

    manifest = json.loads((backup_dir / MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["versions"]["django"] and manifest["versions"]["wagtail"]
    assert "0012_search_trigram" in manifest["migrations"]["casework"]
    assert manifest["tables"]["casework_auditevent"] == 3
    name = programme["document"].file.name
    assert name in manifest["media"]["files"]
    restored = tmp_path / "media-restored" / name
    assert restored.read_bytes() == b"%PDF-1.4 prova\n"


def test_restored_sqlite_trail_is_still_append_only(programme, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy's own triggers")
    target = tmp_path / "restored.sqlite3"
    backup_dir = backup(tmp_path / "backups")
    restore(backup_dir, database_url=f"sqlite:///{target}", media_root=tmp_path / "m")
    copy = sqlite3.connect(target)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            copy.execute("DELETE FROM casework_auditevent")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            copy.execute("UPDATE casework_auditevent SET detail = 'x'")
    finally:
        copy.close()


def test_restore_refuses_a_non_empty_target_without_force(programme, tmp_path):
    url, drop = _restore_target(tmp_path)
    try:
        backup_dir = backup(tmp_path / "backups")
        restore(backup_dir, database_url=url, media_root=tmp_path / "m1")
        with pytest.raises(BackupError, match="target database is not empty"):
            restore(backup_dir, database_url=url, media_root=tmp_path / "m2")
        with pytest.raises(BackupError, match="is not empty"):
            restore(backup_dir, database_url=url, media_root=tmp_path / "m1", force=False)
        # --force replaces it, and the figures still match the manifest.
        restore(backup_dir, database_url=url, media_root=tmp_path / "m1", force=True)
    finally:
        drop()


def test_restore_refuses_a_damaged_backup(programme, tmp_path):
    backup_dir = backup(tmp_path / "backups")
    manifest = json.loads((backup_dir / MANIFEST).read_text())
    with (backup_dir / manifest["database"]["file"]).open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(BackupError, match="checksum"):
        restore(
            backup_dir,
            database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}",
            media_root=tmp_path / "m",
        )


def test_commands(programme, tmp_path, capsys):
    call_command("backup", str(tmp_path / "backups"))
    backup_dir = capsys.readouterr().out.strip()
    assert (tmp_path / "backups").exists() and backup_dir.endswith(tuple("0123456789"))
    url, drop = _restore_target(tmp_path)
    try:
        call_command(
            "restore", backup_dir, "--database-url", url, "--media-root", str(tmp_path / "m")
        )
        assert "all match the manifest" in capsys.readouterr().out
        with pytest.raises(CommandError, match="not empty"):
            call_command(
                "restore", backup_dir, "--database-url", url, "--media-root", str(tmp_path / "x")
            )
    finally:
        drop()
    if connection.vendor == "sqlite":
        call_command("backup_drill", "--work-dir", str(tmp_path / "drill"))
        assert "Drill passed" in capsys.readouterr().out
