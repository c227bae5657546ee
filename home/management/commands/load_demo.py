"""Demo data for a fresh install, built from each app's ``demo.py``.

Each app that has demo data exposes ``STEPS``: a list of ``(order, label, function)``; the
command runs every step in order. Discovery (like Django's admin autodiscover) keeps this command
from importing apps that ``home`` must not depend on. Every step is idempotent.

The demo creates a superuser and staff accounts whose password is published (README, this
command's output), so it refuses to run unless the settings allow demo data
(``ZO_ALLOW_DEMO_DATA``, always off in production) and either ``DEBUG`` is on or the operator
says ``--i-know-this-is-not-production``.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

NOT_PRODUCTION_FLAG = "--i-know-this-is-not-production"
MSG_DEMO_NOT_ALLOWED = _(
    "Dati dimostrativi rifiutati: queste impostazioni non li ammettono (ZO_ALLOW_DEMO_DATA è "
    "disattivato, e in produzione lo è sempre). Gli utenti demo hanno una password pubblica."
)
MSG_DEMO_NEEDS_DEBUG = _(
    "Dati dimostrativi rifiutati: DEBUG è disattivato. Gli utenti demo hanno una password "
    "pubblica; se questa non è un'installazione di produzione, ripetere il comando con "
    "%(flag)s."
)


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
        parser.add_argument(
            NOT_PRODUCTION_FLAG,
            action="store_true",
            dest="not_production",
            help="Carica i dati demo anche con DEBUG disattivato (mai con le impostazioni di "
            "produzione).",
        )

    def check_allowed(self, options):
        if not getattr(settings, "ZO_ALLOW_DEMO_DATA", False):
            raise CommandError(MSG_DEMO_NOT_ALLOWED)
        if not settings.DEBUG and not options.get("not_production"):
            raise CommandError(MSG_DEMO_NEEDS_DEBUG % {"flag": NOT_PRODUCTION_FLAG})

    def handle(self, *args, **options):
        self.check_allowed(options)
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
