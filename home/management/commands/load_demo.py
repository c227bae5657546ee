"""Demo data for a fresh install, built from each app's ``demo.py``.

Each app that has demo data exposes ``STEPS``: a list of ``(order, label, function)``; the
command runs every step in order. Discovery (like Django's admin autodiscover) keeps this command
from importing apps that ``home`` must not depend on. Every step is idempotent.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


def discover_steps():
    steps = []
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.demo") is None:
            continue
        steps += getattr(import_module(f"{config.name}.demo"), "STEPS", [])
    return sorted(steps, key=lambda step: step[0])


class Command(BaseCommand):
    help = "Carica i dati dimostrativi (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--show-passwords",
            action="store_true",
            help="Stampa le password demo anche fuori dall'ambiente di sviluppo.",
        )

    def handle(self, *args, **options):
        context = {"stdout": self.stdout, "style": self.style, "logins": []}
        steps = discover_steps()
        for number, (_order, label, function) in enumerate(steps, start=1):
            self.stdout.write(f"[{number}/{len(steps)}] {label}…")
            with transaction.atomic():
                function(context)
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        show = options["show_passwords"] or getattr(settings, "SHOW_DEMO_PASSWORDS", False)
        if context["logins"]:
            self.stdout.write("\nAccessi demo su /admin/:")
            for username, password, role in context["logins"]:
                secret = password if show else "(password non mostrata fuori da dev)"
                self.stdout.write(f"  {username:<14} {secret:<22} {role}")
