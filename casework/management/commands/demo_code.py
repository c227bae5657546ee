"""The current second-factor code of a demo user, in development only."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Mostra il codice attuale del secondo fattore di un utente demo (solo in sviluppo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not getattr(settings, "SHOW_DEMO_PASSWORDS", False):
            raise CommandError("Disponibile solo nell'ambiente di sviluppo.")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"Nessun dispositivo demo per {username}: esegui load_demo.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        self.stdout.write(f"{totp.token():0{device.digits}d}")
