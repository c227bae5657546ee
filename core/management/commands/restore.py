"""``manage.py restore BACKUP_DIR --database-url URL --media-root DIR``: into a fresh database
and media folder. See docs/operations-backup.md. Run it as the role that will own the tables."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore, unknown_migrations


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("backup_dir")
        parser.add_argument(
            "--database-url",
            required=True,
            help="target database, e.g. postgres://zo_owner@db:5432/zeroottanta_restored "
            "(the password in PGPASSWORD or ~/.pgpass) or sqlite:////path/file.sqlite3",
        )
        parser.add_argument("--media-root", required=True, help="target media folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a non-empty target database and write into a non-empty media folder",
        )

    def handle(self, *args, backup_dir, database_url, media_root, force, **options):
        try:
            manifest = restore(
                backup_dir, database_url=database_url, media_root=media_root, force=force
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables, "
            f"{rows} rows, {len(manifest['media']['files'])} media files; all match the manifest."
        )
        unknown = unknown_migrations(manifest)
        if unknown:
            self.stderr.write(
                "Warning: the backup has migrations this code does not know (restore it with "
                f"the release that made it): {', '.join(unknown)}"
            )
