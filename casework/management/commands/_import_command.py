"""What ``import_referrals`` and ``import_budgets`` share: read the file, print every error as
``riga N, colonna C: messaggio`` and a summary, exit 1 when anything is wrong (then nothing is
written), a database error included: it is reported as a failed import, never a traceback."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from casework.imports.messages import ERROR
from casework.imports.services import import_file

PROGRESS_EVERY = 10_000


class ImportCommand(BaseCommand):
    kind = ""
    with_user = False

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("File CSV o XLSX da importare"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Controlla il file e riporta cosa accadrebbe, senza scrivere nulla"),
        )
        if self.with_user:
            parser.add_argument(
                "--user",
                help=_("Importa come questo utente: solo le righe dei suoi Comuni sono ammesse"),
            )

    def handle(self, *args, path, dry_run=False, user=None, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("Utente «%(user)s» inesistente o disattivato.") % {"user": user}
                ) from None
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(_("File «%(path)s» non trovato.") % {"path": path})
        seen = 0

        def on_row(outcome):
            nonlocal seen
            seen += 1
            if outcome.status == ERROR:
                for error in outcome.errors:
                    self.stdout.write(str(error))
            if seen % PROGRESS_EVERY == 0:
                self.stderr.write(_("… %(count)s righe controllate") % {"count": seen})

        with file_path.open("rb") as fileobj:
            result = import_file(
                self.kind,
                fileobj,
                filename=file_path.name,
                user=account,
                dry_run=dry_run,
                on_row=on_row,
                source="command",
            )
        if result.refused:
            self.stdout.write(_("File rifiutato: %(message)s") % {"message": result.refused})
        if result.failed:
            self.stdout.write(
                _("Importazione non riuscita: %(message)s") % {"message": result.failed}
            )
        self.stdout.write(result.summary())
        if not result.ok:
            self.stderr.write(_("Nessuna riga è stata importata."))
            sys.exit(1)
        if dry_run:
            self.stderr.write(_("Simulazione: nessuna modifica salvata."))
