"""Demo second-factor devices with known keys (development only)."""

import base64

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_DEVICE_NAME = "Demo"


def demo_key(username):
    """A fixed key per demo user, so that reloading the demo keeps the phones' entries valid."""
    import hashlib

    return hashlib.sha256(f"zeroottanta-demo-totp-{username}".encode()).hexdigest()[:40]


def demo_code(user):
    """The current code of a demo user's demo device, only with the development settings, so
    that the printed demo logins work without a phone; None everywhere else."""
    import time

    from django_otp.oath import TOTP

    if not getattr(settings, "SHOW_DEMO_PASSWORDS", False) or not user.is_authenticated:
        return None
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def demo_devices(context):
    """Dev only (``SHOW_DEMO_PASSWORDS``): each demo user gets a TOTP device with a printed key;
    elsewhere each user sets one up at the first sign-in."""
    from django.contrib.auth import get_user_model

    stdout = context["stdout"]
    if not settings.ZO_REQUIRE_2FA:
        stdout.write("  secondo fattore disattivato (ZO_REQUIRE_2FA=False)")
        return
    if not getattr(settings, "SHOW_DEMO_PASSWORDS", False):
        stdout.write(
            "  secondo fattore: al primo accesso ogni utente attiva l'app di autenticazione"
        )
        return
    User = get_user_model()
    stdout.write(
        "  secondo fattore (solo sviluppo): chiave TOTP di ogni utente demo, da inserire in "
        "un'app di autenticazione, oppure `manage.py demo_code UTENTE` per il codice attuale:"
    )
    for username, _password, _role in context["logins"]:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        device, _created = TOTPDevice.objects.update_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": demo_key(username), "confirmed": True},
        )
        secret = base64.b32encode(device.bin_key).decode("ascii")
        stdout.write(f"    {username:<14} {secret}")
