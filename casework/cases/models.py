"""Case records and money. Fields, constraints and small derived properties only: every state
change goes through ``casework.services`` so its rules hold for screens, imports and tasks alike."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.models import RevisionMixin

from casework.permissions.models import USER
from network.choices import PathwayType
from network.codice_fiscale import validate_personal_code
from network.models import Comune, HostOrganisation, Position

from .choices import (
    Activity,
    EmploymentCondition,
    FollowUpSituation,
    PathwayOutcome,
    PathwayStatus,
    ReferralStatus,
    Sex,
    TargetGroup,
)


class Beneficiary(RevisionMixin, models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "residence_comune"
    person_path = "pk"
    tax_code = models.CharField(
        _("codice fiscale"), max_length=16, unique=True, validators=[validate_personal_code]
    )
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    birth_date = models.DateField(_("data di nascita"))
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    residence_comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("Comune di residenza"),
    )
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    employment_condition = models.CharField(
        _("condizione"),
        max_length=20,
        choices=EmploymentCondition.choices,
        default=EmploymentCondition.DISOCCUPATO,
    )
    target_group = models.CharField(_("target"), max_length=20, choices=TargetGroup.choices)
    available_hours_per_week = models.DecimalField(
        _("disponibilità settimanale (ore)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("60"))],
        help_text=_(
            "Ore a settimana in cui la persona può lavorare; vuoto se non ancora nota. "
            "Il matching non propone posizioni con un orario più lungo."
        ),
    )
    confidential_notes = models.TextField(
        _("note riservate"),
        blank=True,
        help_text=_("Visibili solo al servizio sociale del Comune e al responsabile PAL."),
    )
    privacy_notice_on = models.DateField(
        _("informativa privacy consegnata il"), null=True, blank=True
    )
    anonymised_at = models.DateTimeField(
        _("anonimizzato il"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class Referral(RevisionMixin, models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "comune"
    person_path = "beneficiary"
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("Comune inviante"),
    )
    protocol = models.CharField(_("protocollo"), max_length=50)
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("persona")
    )
    referred_on = models.DateField(_("data segnalazione"))
    referred_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assistente sociale (utente)"),
    )
    social_worker_name = models.CharField(_("assistente sociale"), max_length=150, blank=True)
    proposed_pathway_type = models.CharField(
        _("percorso proposto"), max_length=20, choices=PathwayType.choices, blank=True
    )
    reason = models.TextField(_("motivazione"), blank=True)
    group_name = models.CharField(
        _("gruppo"),
        max_length=100,
        blank=True,
        help_text=_("Per le segnalazioni di un gruppo di persone."),
    )
    intake_deadline_days = models.PositiveSmallIntegerField(
        _("giorni per la presa in carico"),
        default=15,
        help_text=_("15 per regola; più lungo solo per un gruppo, con motivazione."),
    )
    deadline_reason = models.TextField(_("motivazione della scadenza più lunga"), blank=True)
    intake_due_on = models.DateField(_("presa in carico entro"), editable=False, null=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    status_note = models.TextField(_("nota sullo stato"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["comune", "protocol"],
                name="referral_protocol_unique_per_comune",
                violation_error_message=_(
                    "Il Comune ha già una segnalazione con questo protocollo."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["status", "intake_due_on"]),
            models.Index(fields=["comune", "-referred_on"]),
            # The list's default order: a page is read from the index, not sorted from the table.
            models.Index(fields=["-referred_on", "-id"], name="referral_list_order"),
        ]

    def __str__(self):
        return f"{self.protocol} – {self.comune}"


class Pathway(RevisionMixin, models.Model):
    """The individual project agreed with the person after intake."""

    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "comune"
    person_path = "referral__beneficiary"

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("segnalazione")
    )
    # Denormalised from the referral so that scoping and budget sums need no join.
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        related_name="pathways",
        editable=False,
        verbose_name=_("Comune"),
    )
    pathway_type = models.CharField(_("tipologia"), max_length=20, choices=PathwayType.choices)
    intake_on = models.DateField(_("presa in carico il"))
    first_interview_on = models.DateField(_("colloquio di primo livello il"), null=True, blank=True)
    assessment = models.TextField(_("valutazione"), blank=True)
    cv_summary = models.TextField(_("curriculum"), blank=True)
    objectives = models.TextField(
        _("obiettivi"),
        blank=True,
        help_text=_(
            "Gli obiettivi del progetto individuale, riportati nei documenti del percorso."
        ),
    )
    host = models.ForeignKey(
        HostOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pathways",
        verbose_name=_("ente ospitante"),
    )
    position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pathways",
        verbose_name=_("posizione"),
    )
    activation_due_on = models.DateField(_("attivazione entro"), editable=False, null=True)
    activated_on = models.DateField(_("attivato il"), null=True, blank=True)
    planned_end_on = models.DateField(_("fine prevista"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("ore settimanali"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    planned_tutoring_hours = models.DecimalField(
        _("ore di tutoraggio previste"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.INTAKE
    )
    ended_on = models.DateField(_("concluso il"), null=True, blank=True)
    outcome = models.CharField(
        _("esito"), max_length=20, choices=PathwayOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("nota sull'esito"), blank=True)
    operator = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("operatore agenzia"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["-intake_on", "-id"]
        verbose_name = _("percorso")
        verbose_name_plural = _("percorsi")
        indexes = [
            models.Index(fields=["status", "activation_due_on"]),
            models.Index(fields=["comune", "status"]),
        ]

    def __str__(self):
        return f"{self.get_pathway_type_display()} – {self.referral.beneficiary}"


class PathwayActivity(models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"
    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="activities", verbose_name=_("percorso")
    )
    activity = models.CharField(_("attività"), max_length=20, choices=Activity.choices)
    done_on = models.DateField(_("svolta il"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("svolta da"),
    )
    note = models.CharField(_("nota"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("attività del percorso")
        verbose_name_plural = _("attività del percorso")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "activity"], name="pathway_activity_once")
        ]

    def __str__(self):
        return self.get_activity_display()


class TeamMeeting(RevisionMixin, ClusterableModel):
    """Équipe congiunta: agency, programme manager and social services, at least every 15 days."""

    held_on = models.DateField(_("data"))
    participants = models.TextField(_("partecipanti"), blank=True)
    minutes = models.TextField(_("verbale"), blank=True)
    cases = models.ManyToManyField(
        Referral, blank=True, related_name="team_meetings", verbose_name=_("casi discussi")
    )
    created_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("creato da"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("équipe congiunta")
        verbose_name_plural = _("équipe congiunte")

    def __str__(self):
        return _("Équipe del %(date)s") % {"date": self.held_on.strftime("%d/%m/%Y")}


class FollowUp(models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"
    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("percorso")
    )
    on = models.DateField(_("data"))
    situation = models.CharField(_("situazione"), max_length=20, choices=FollowUpSituation.choices)
    note = models.TextField(_("nota"), blank=True)
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        ordering = ["-on"]
        verbose_name = _("monitoraggio successivo")
        verbose_name_plural = _("monitoraggi successivi")

    def __str__(self):
        return f"{self.on:%d/%m/%Y} {self.get_situation_display()}"
