"""The demo data of casework, step by step (``load_demo`` runs every app's ``STEPS`` in order)."""

from django.utils.translation import gettext_lazy as _

from .cases.agenda.demo import load_appointments
from .cases.demo import load_cases
from .money.demo import load_money
from .permissions.demo import load_users
from .security.demo import demo_devices

STEPS = [
    (20, _("Utenti demo per ruolo"), load_users),
    (40, _("Casi: persone, segnalazioni e percorsi"), load_cases),
    (50, _("Budget, tariffe e voucher"), load_money),
    # After the users and the referrals exist.
    (60, _("Appuntamenti allo sportello"), load_appointments),
    # After the users exist.
    (95, _("Secondo fattore degli utenti demo"), demo_devices),
]
