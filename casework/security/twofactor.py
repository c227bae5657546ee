"""Account security: the second factor (TOTP on django-otp) and the lockout page of django-axes.

wagtail-2fa 1.8 was evaluated first (it declares Wagtail >= 7): its device removal asks for no
password, its screens exist only in English and other languages than Italian, and removing a
device of an unknown id fails with a server error. This thin layer keeps what it does right
(django-otp devices and throttling, a verify step after the password) and adds what the
programme needs. ``casework.security.middleware.TwoFactorMiddleware`` enforces it.

- Setting up or removing a device asks for the account's password, checked through
  ``authenticate`` so that django-axes counts the failures.
- Codes are throttled by django-otp (each failure doubles the wait); after
  ``OTP_MAX_FAILURES`` failures in a row the session is closed.
- A password reset logs nobody in, so the next sign-in asks for the code again.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy
from django_otp import user_has_device

VERIFY_URL_NAME = "account_2fa_verify"


SETUP_URL_NAME = "account_2fa_setup"


DEVICES_URL_NAME = "account_2fa_devices"


REMOVE_URL_NAME = "account_2fa_remove"


SESSION_SETUP_DEVICE = "account_2fa_setup_device"


SESSION_FAILURES = "account_2fa_failures"


OTP_MAX_FAILURES = 10


INVALID_CODE = gettext_lazy("Codice non valido o scaduto: controlla l'app e riprova.")


THROTTLED = gettext_lazy("Troppi tentativi: attendi qualche secondo prima di riprovare.")


WRONG_PASSWORD = gettext_lazy("La password non è corretta.")


TOO_MANY_FAILURES = gettext_lazy(
    "Troppi codici errati: per sicurezza la sessione è stata chiusa. Accedi di nuovo."
)


LOCKED_OUT = gettext_lazy(
    "Troppi tentativi di accesso falliti per questo utente da questo indirizzo. "
    "Riprova tra %(minutes)s minuti o chiedi all'amministratore di sbloccare l'account."
)


def requires_second_factor(user):
    """Every account that reaches the admin holds personal data of vulnerable people."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def has_device(user):
    return user_has_device(user, confirmed=True)


def has_demo_password(user):
    from casework.permissions.demo import has_demo_password as check

    return check(user)


def _password_ok(request, password):
    user = request.user
    return authenticate(request, username=user.get_username(), password=password or "") is not None
