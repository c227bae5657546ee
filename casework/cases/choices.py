"""Choices of case records: sex, condition, target group, referral and pathway states and outcomes, checklist activities, follow-up situations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Maschio")
    FEMALE = "F", _("Femmina")


class EmploymentCondition(models.TextChoices):
    DISOCCUPATO = "disoccupato", _("Disoccupato")
    INOCCUPATO = "inoccupato", _("Inoccupato")


class TargetGroup(models.TextChoices):
    SVANTAGGIATO = "svantaggiato", _("Lavoratore svantaggiato (DM 20/03/2013)")
    DIFFICOLTA = "difficolta", _("Difficoltà soggettive (non L. 381/91 né L. 68/99)")
    GIOVANE = "giovane", _("Giovane in cerca di prima esperienza")


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", _("Ricevuta")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Presa in carico")
    DECLINED = "declined", _("Non accolta")
    WITHDRAWN = "withdrawn", _("Ritirata")
    CLOSED = "closed", _("Chiusa")


class PathwayStatus(models.TextChoices):
    INTAKE = "intake", _("Presa in carico")
    MATCHING = "matching", _("Ricerca postazione")
    ACTIVE = "active", _("Attivo")
    COMPLETED = "completed", _("Concluso")
    INTERRUPTED = "interrupted", _("Interrotto")


class PathwayOutcome(models.TextChoices):
    HIRED = "hired", _("Assunzione")
    EXTENDED = "extended", _("Tirocinio prorogato dall'ente")
    COMPLETED = "completed", _("Percorso concluso senza assunzione")
    DROPPED_OUT = "dropped_out", _("Abbandono")
    OTHER = "other", _("Altro")


class Activity(models.TextChoices):
    """The seed's table of activities, in its order."""

    DESK = "desk", _("Attività di sportello")
    FIRST_INTERVIEW = "first_interview", _("Colloquio di primo livello")
    CV = "cv", _("Preparazione CV")
    ASSESSMENT = "assessment", _("Valutazione")
    POSITION_SEARCH = "position_search", _("Ricerca di postazioni")
    MATCH = "match", _("Match tra utente ed ente")
    PAPERWORK = "paperwork", _("Amministrativa: convenzione e progetto individuale")
    TUTORING = "tutoring", _("Tutoraggio")
    TIMESHEETS = "timesheets", _("Fogli ore, busta paga e CUD")
    REPORTS = "reports", _("Report e incontri di verifica")


class FollowUpSituation(models.TextChoices):
    EMPLOYED = "employed", _("Occupato")
    SEARCHING = "searching", _("Ancora in cerca")
    OTHER = "other", _("Altro")


# The status groups, defined once: services, the importer, privacy and the screens all read these.
OPEN_REFERRAL_STATUSES = (ReferralStatus.RECEIVED, ReferralStatus.TAKEN_IN_CHARGE)


CLOSED_REFERRAL_STATUSES = (
    ReferralStatus.DECLINED,
    ReferralStatus.WITHDRAWN,
    ReferralStatus.CLOSED,
)


# Still being defined or matched: the activation deadline runs.
WAITING_ACTIVATION_STATUSES = (PathwayStatus.INTAKE, PathwayStatus.MATCHING)


OPEN_PATHWAY_STATUSES = (*WAITING_ACTIVATION_STATUSES, PathwayStatus.ACTIVE)


ENDED_PATHWAY_STATUSES = (PathwayStatus.COMPLETED, PathwayStatus.INTERRUPTED)


class PaperKind(models.TextChoices):
    """The pathway's papers (Allegato D: "convenzione e progetto individuale"; for a tirocinio the
    individual training project too). Generated, then signed by every party."""

    INDIVIDUAL_PROJECT = "individual_project", _("Progetto individuale")
    AGREEMENT = "agreement", _("Convenzione con l'ente ospitante")
    TRAINING_PROJECT = "training_project", _("Progetto formativo individuale")
