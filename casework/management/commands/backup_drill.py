"""``manage.py backup_drill``: a backup restored into a scratch database and media folder and
compared with the live one (rows per table, budget totals, approved vouchers, the audit trail
and its triggers). See docs/operations-backup.md."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from casework.management.drill import run_drill
from core.backup import BackupError


class Command(BaseCommand):
    help = "Back up, restore into a scratch database and media folder, and compare."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            help="an EMPTY scratch database (required on PostgreSQL; SQLite: a temporary file)",
        )
        parser.add_argument("--work-dir", help="where the backup and the media copy go")

    def handle(self, *args, database_url, work_dir, **options):
        work_dir = Path(work_dir or tempfile.mkdtemp(prefix="zo-drill-"))
        if database_url is None:
            if connections["default"].vendor != "sqlite":
                raise CommandError("give --database-url of an empty scratch database")
            database_url = f"sqlite:///{work_dir / 'restored.sqlite3'}"
        try:
            backup_dir, _before, after, wrong = run_drill(
                database_url=database_url, work_dir=work_dir, media_root=work_dir / "media"
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if wrong:
            raise CommandError(f"the restored copy differs: {', '.join(wrong)}")
        self.stdout.write(
            f"Drill passed: {backup_dir} restored into {work_dir}; "
            f"{sum(after['tables'].values())} rows in {len(after['tables'])} tables, "
            f"budgets {after['budget_total']}, approved vouchers {after['approved_gross_total']}, "
            f"{len(after['audit_events'])} audit events, triggers {', '.join(after['audit_triggers'])}."
        )
