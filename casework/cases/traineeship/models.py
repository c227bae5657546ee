"""Lombardy's rules on extracurricular traineeships (DGR Lombardia n. 7763 del 17/01/2018) as data
per edition, and what happens on a tirocinio: extensions, suspensions and the compulsory
communications (COB)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Pathway

from .choices import BelowAttendance, CommunicationKind

DGR = "DGR Lombardia n. 7763 del 17/01/2018"

EURO = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def _months(label, default, help_text):
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=help_text,
    )


class TraineeshipRules(models.Model):
    """One per edition (created with the regional defaults with the edition); the programme
    manager edits it in the admin. Cases reach the edition by its app label only: they never
    import money."""

    edition = models.OneToOneField(
        "casework.Edition",
        on_delete=models.CASCADE,
        related_name="traineeship_rules",
        verbose_name=_("edizione"),
    )
    monthly_allowance = models.DecimalField(
        _("indennità mensile minima"),
        default=Decimal("500.00"),
        help_text=_("Euro lordi al mese (DGR Lombardia n. 7763 del 17/01/2018: almeno 500 €)."),
        **EURO,
    )
    reduced_allowance = models.DecimalField(
        _("indennità ridotta (pasti o fino a 4 ore al giorno)"),
        default=Decimal("400.00"),
        help_text=_(
            "Euro lordi al mese quando l'ente fornisce buoni pasto o mensa, o quando l'impegno "
            "non supera 4 ore al giorno (DGR Lombardia n. 7763 del 17/01/2018: almeno 400 €)."
        ),
        **EURO,
    )
    public_host_allowance = models.DecimalField(
        _("indennità presso un ente pubblico"),
        default=Decimal("500.00"),
        help_text=_(
            "Euro lordi al mese per i tirocini presso una pubblica amministrazione: la DGR "
            "Lombardia n. 7763 del 17/01/2018 vi applica il medesimo minimo salvo diverse "
            "disposizioni; modificare se l'edizione ne prevede uno diverso."
        ),
        **EURO,
    )
    part_time_hours_per_day = models.DecimalField(
        _("ore giornaliere per l'indennità ridotta"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(0)],
        help_text=_(
            "Fino a queste ore al giorno (su 5 giorni settimanali) si applica l'indennità "
            "ridotta (DGR Lombardia n. 7763 del 17/01/2018: 4 ore)."
        ),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("presenza minima mensile (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "L'indennità è dovuta per intero a fronte di questa partecipazione minima su base "
            "mensile (DGR Lombardia n. 7763 del 17/01/2018: 80%)."
        ),
    )
    below_attendance = models.CharField(
        _("sotto la presenza minima"),
        max_length=20,
        choices=BelowAttendance.choices,
        default=BelowAttendance.PROPORTIONAL,
        help_text=_("Che cosa spetta in un mese con presenze inferiori al minimo."),
    )
    max_months_giovane = _months(
        _("durata massima: giovani in cerca di prima esperienza (mesi)"),
        6,
        _(
            "Tirocinio di formazione e orientamento per la prima esperienza (DGR Lombardia "
            "n. 7763 del 17/01/2018)."
        ),
    )
    max_months_difficolta = _months(
        _("durata massima: difficoltà soggettive (mesi)"),
        12,
        _(
            "Tirocinio di inserimento o reinserimento lavorativo (DGR Lombardia n. 7763 del "
            "17/01/2018: 12 mesi)."
        ),
    )
    max_months_svantaggiato = _months(
        _("durata massima: lavoratori svantaggiati (mesi)"),
        12,
        _(
            "Lavoratori svantaggiati (DM 20/03/2013): 12 mesi; i 24 mesi della DGR Lombardia "
            "n. 7763 del 17/01/2018 riguardano le persone con disabilità (L. 68/99), seguite "
            "dal SIL."
        ),
    )
    small_host_max_employees = models.PositiveSmallIntegerField(
        _("ente piccolo: fino a dipendenti"),
        default=5,
        help_text=_("DGR Lombardia n. 7763 del 17/01/2018: fino a 5 dipendenti."),
    )
    small_host_trainees = models.PositiveSmallIntegerField(
        _("ente piccolo: tirocinanti contemporanei"),
        default=1,
        help_text=_("DGR Lombardia n. 7763 del 17/01/2018: 1 tirocinante."),
    )
    medium_host_max_employees = models.PositiveSmallIntegerField(
        _("ente medio: fino a dipendenti"),
        default=20,
        help_text=_("DGR Lombardia n. 7763 del 17/01/2018: da 6 a 20 dipendenti."),
    )
    medium_host_trainees = models.PositiveSmallIntegerField(
        _("ente medio: tirocinanti contemporanei"),
        default=2,
        help_text=_("DGR Lombardia n. 7763 del 17/01/2018: 2 tirocinanti."),
    )
    large_host_percent = models.PositiveSmallIntegerField(
        _("ente grande: tirocinanti in % dei dipendenti"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Oltre i 20 dipendenti: il 10% dei dipendenti, arrotondato all'unità superiore "
            "(DGR Lombardia n. 7763 del 17/01/2018)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        verbose_name = _("regole dei tirocini")
        verbose_name_plural = _("regole dei tirocini")
        ordering = ["-edition__starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    medium_host_max_employees__gt=models.F("small_host_max_employees")
                ),
                name="traineeship_host_sizes_ordered",
                violation_error_message=_(
                    "Il limite dell'ente medio deve superare quello dell'ente piccolo."
                ),
            )
        ]

    def __str__(self):
        return _("Regole dei tirocini %(edition)s") % {"edition": self.edition}


class TraineeshipExtension(models.Model):
    """A tirocinio's planned end moved later (proroga), within the maximum duration."""

    comune_path = "pathway__comune"

    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="traineeship_extensions",
        verbose_name=_("percorso"),
    )
    on = models.DateField(_("data della proroga"))
    previous_end_on = models.DateField(_("fine prevista precedente"))
    new_end_on = models.DateField(_("nuova fine prevista"))
    reason = models.TextField(_("motivazione"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registrata da"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("registrata il"))

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("proroga del tirocinio")
        verbose_name_plural = _("proroghe del tirocinio")

    def __str__(self):
        return _("Proroga al %(date)s") % {"date": self.new_end_on.strftime("%d/%m/%Y")}


class TraineeshipSuspension(models.Model):
    """A pause of a tirocinio; its days do not count toward the maximum duration (they move the
    latest possible end later), as the regional rules on suspension say."""

    comune_path = "pathway__comune"

    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="traineeship_suspensions",
        verbose_name=_("percorso"),
    )
    starts_on = models.DateField(_("sospeso dal"))
    ends_on = models.DateField(_("ripreso il"), null=True, blank=True)
    reason = models.TextField(_("motivazione"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registrata da"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("registrata il"))

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("sospensione del tirocinio")
        verbose_name_plural = _("sospensioni del tirocinio")

    def __str__(self):
        return _("Sospensione dal %(date)s") % {"date": self.starts_on.strftime("%d/%m/%Y")}


class TraineeshipCommunication(models.Model):
    """A compulsory communication (COB) sent for a tirocinio: start, extension or end."""

    comune_path = "pathway__comune"

    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="traineeship_communications",
        verbose_name=_("percorso"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=CommunicationKind.choices)
    sent_on = models.DateField(_("inviata il"))
    protocol = models.CharField(_("protocollo"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registrata da"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("registrata il"))

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = _("comunicazione obbligatoria")
        verbose_name_plural = _("comunicazioni obbligatorie")

    def __str__(self):
        return f"{self.get_kind_display()} {self.protocol}"
