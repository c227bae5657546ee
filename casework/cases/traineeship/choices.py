"""Choices of the traineeship rules and records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BelowAttendance(models.TextChoices):
    """What is due in a month whose attendance is under the minimum."""

    PROPORTIONAL = "proportional", _("Indennità ridotta in proporzione alle presenze")
    NOT_DUE = "not_due", _("Indennità non dovuta")


class CommunicationKind(models.TextChoices):
    """The compulsory communications (comunicazioni obbligatorie, COB) of a traineeship."""

    START = "start", _("Avvio")
    EXTENSION = "extension", _("Proroga")
    END = "end", _("Cessazione")
