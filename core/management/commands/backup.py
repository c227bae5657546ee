"""``manage.py backup DEST_DIR``: the database and the media folder, with a manifest.
See docs/operations-backup.md. Run it as the role that owns the tables."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and MEDIA_ROOT into DEST_DIR."

    def add_arguments(self, parser):
        parser.add_argument("dest_dir", help="folder that receives a new zeroottanta-<time> folder")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument("--media-root", help="media folder (default: MEDIA_ROOT)")

    def handle(self, *args, dest_dir, database, media_root, **options):
        try:
            target = backup(dest_dir, using=database, media_root=media_root)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(target))
