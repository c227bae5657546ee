"""Codes shared by the network and by casework (which imports them, never the other way)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PathwayType(models.TextChoices):
    ASSISTENZIALE = "assistenziale", _("Assistenziale")
    TIROCINIO = "tirocinio", _("Tirocinio")
    INSERIMENTO = "inserimento", _("Inserimento lavorativo")
    PERSONALIZZATO = "personalizzato", _("Progetto personalizzato")


class OrganisationKind(models.TextChoices):
    ASSOCIAZIONE = "associazione", _("Associazione")
    ENTE_PUBBLICO = "ente_pubblico", _("Ente pubblico")
    COOP_A = "coop_a", _("Cooperativa sociale di tipo A")
    COOP_B = "coop_b", _("Cooperativa sociale di tipo B")
    IMPRESA = "impresa", _("Impresa")
    ALTRO = "altro", _("Altro")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di verifica")
    APPROVED = "approved", _("Approvato")
    REJECTED = "rejected", _("Respinto")
    SUSPENDED = "suspended", _("Sospeso")


class PositionStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di verifica")
    OPEN = "open", _("Aperta")
    FILLED = "filled", _("Occupata")
    CLOSED = "closed", _("Chiusa")


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("Semplice")
    MEDIUM = "medium", _("Media")
    COMPLEX = "complex", _("Complessa")
