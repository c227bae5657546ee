"""What the cases area adds to the admin: the checklist URLs, the dashboard panels and the
history labels of the case actions (the viewsets are in the menu groups)."""

from django.utils.translation import gettext_lazy as _

from .panels import homepage_panels
from .signatures import registration as signatures
from .verification import registration as verification_registration
from .viewsets import activity_urlpatterns

CASE_LOG_ACTIONS = [
    ("casework.take_in_charge", _("Presa in carico"), _("Persona presa in carico")),
    ("casework.activate", _("Attivazione"), _("Percorso attivato")),
    ("casework.complete", _("Conclusione"), _("Percorso concluso")),
    ("casework.interrupt", _("Interruzione"), _("Percorso interrotto")),
    ("casework.decline", _("Non accolta"), _("Segnalazione non accolta")),
    ("casework.withdraw", _("Ritiro"), _("Segnalazione ritirata")),
    ("casework.reopen", _("Riapertura"), _("Segnalazione riaperta")),
    ("casework.edit", _("Modifica dei dati"), _("Dati della scheda modificati")),
    ("casework.change_residence", _("Cambio di residenza"), _("Residenza cambiata")),
]


def register_log_actions(actions):
    for action, label, message in CASE_LOG_ACTIONS:
        actions.register_action(action, label, message)


def register(hooks):
    hooks.register("register_admin_urls", activity_urlpatterns)
    hooks.register("construct_homepage_panels", homepage_panels)
    hooks.register("register_log_actions", register_log_actions)
    verification_registration.register(hooks)
    signatures.register(hooks)
