from django.core.management.base import BaseCommand

from documents.collections import ensure_report_collections
from documents.schedules import setup_schedules


class Command(BaseCommand):
    help = (
        "Crea o aggiorna le pianificazioni di django-q2 (report trimestrali e semestrali) e le "
        "raccolte private dei report. Si può eseguire più volte: il risultato non cambia."
    )

    def handle(self, *args, **options):
        ensure_report_collections()
        for name, created in setup_schedules():
            verb = "creata" if created else "aggiornata"
            self.stdout.write(f"  {name}: {verb}")
        self.stdout.write(self.style.SUCCESS("Pianificazioni pronte."))
