"""The parties who sign a pathway's papers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    PERSON = "person", _("Persona")
    AGENCY = "agency", _("Agenzia")
    HOST = "host", _("Ente ospitante")
    SOCIAL_SERVICE = "social_service", _("Servizio sociale")
