"""The current second-factor code of a demo user, in development only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.security.demo import demo_code


class Command(BaseCommand):
    help = "Mostra il codice attuale del secondo fattore di un utente demo (solo in sviluppo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not getattr(settings, "SHOW_DEMO_PASSWORDS", False):
            raise CommandError("Disponibile solo nell'ambiente di sviluppo.")
        user = get_user_model().objects.filter(username=username).first()
        code = demo_code(user) if user is not None else None
        if code is None:
            raise CommandError(f"Nessun dispositivo demo per {username}: esegui load_demo.")
        self.stdout.write(code)
