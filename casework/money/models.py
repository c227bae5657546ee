"""Editions, tariffs, budgets, vouchers, tutoring, timesheets and invoices."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import RevisionMixin

from casework.cases.models import Pathway, TeamMeeting
from casework.permissions.models import USER
from network.models import Comune

from .choices import VoucherKind, VoucherStatus
from .euro import format_amount, format_euro

MONEY = {"max_digits": 12, "decimal_places": 2}


class Edition(models.Model):
    name = models.CharField(_("nome"), max_length=20, unique=True, help_text=_("Es. 2016-2017"))
    starts_on = models.DateField(_("inizio"))
    ends_on = models.DateField(_("fine"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("edizione")
        verbose_name_plural = _("edizioni")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="edition_dates_ordered",
                violation_error_message=_("La fine dell'edizione deve seguire l'inizio."),
            )
        ]

    def __str__(self):
        return self.name


class Tariff(models.Model):
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="tariffs", verbose_name=_("edizione")
    )
    kind = models.CharField(_("voce"), max_length=30, choices=VoucherKind.choices)
    net_amount = models.DecimalField(_("importo netto"), validators=[MinValueValidator(0)], **MONEY)
    vat_rate = models.DecimalField(
        _("aliquota IVA %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("22.00"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["edition", "kind"]
        verbose_name = _("tariffa")
        verbose_name_plural = _("tariffe")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind"],
                name="tariff_unique_per_edition",
                violation_error_message=_("Esiste già una tariffa di questo tipo per l'edizione."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.edition}"


class Budget(RevisionMixin, models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "comune"
    person_path = None
    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("Comune")
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("edizione")
    )
    amount = models.DecimalField(_("importo"), validators=[MinValueValidator(0)], **MONEY)
    criteria = models.TextField(_("criteri di utilizzo"), blank=True)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["edition", "comune__name"]
        verbose_name = _("budget")
        verbose_name_plural = _("budget")
        constraints = [
            models.UniqueConstraint(
                fields=["comune", "edition"],
                name="budget_unique_per_comune_edition",
                violation_error_message=_("Il Comune ha già un budget per questa edizione."),
            )
        ]

    def __str__(self):
        return f"{self.comune} {self.edition}"


class Voucher(RevisionMixin, models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "comune"
    person_path = "pathway__referral__beneficiary"
    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("percorso")
    )
    # Charged to the referring Comune's budget of the edition of the voucher's date.
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        related_name="vouchers",
        editable=False,
        verbose_name=_("Comune"),
    )
    edition = models.ForeignKey(
        Edition,
        on_delete=models.PROTECT,
        related_name="vouchers",
        editable=False,
        verbose_name=_("edizione"),
    )
    kind = models.CharField(_("voce"), max_length=30, choices=VoucherKind.choices)
    quantity = models.DecimalField(
        _("quantità"), max_digits=7, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    # Copied from the tariff when the voucher is created, so a later tariff change leaves it alone.
    unit_net = models.DecimalField(_("netto unitario"), editable=False, **MONEY)
    vat_rate = models.DecimalField(
        _("aliquota IVA %"), max_digits=5, decimal_places=2, editable=False
    )
    net = models.DecimalField(_("netto"), editable=False, **MONEY)
    vat = models.DecimalField(_("IVA"), editable=False, **MONEY)
    gross = models.DecimalField(_("lordo"), editable=False, **MONEY)
    status = models.CharField(
        _("stato"), max_length=20, choices=VoucherStatus.choices, default=VoucherStatus.PROPOSED
    )
    meeting = models.ForeignKey(
        TeamMeeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vouchers",
        verbose_name=_("équipe che ha deciso"),
    )
    decided_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deciso da"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("deciso il"))
    decision_note = models.TextField(_("nota sulla decisione"), blank=True)
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
        ordering = ["-created_at", "-id"]
        verbose_name = _("voucher")
        verbose_name_plural = _("voucher")
        indexes = [models.Index(fields=["comune", "edition", "status"])]

    def __str__(self):
        quantity = format_amount(self.quantity).removesuffix(",00")
        return f"{self.get_kind_display()} × {quantity} – {format_euro(self.gross)}"


class TutoringSession(models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"
    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.CASCADE,
        related_name="tutoring_sessions",
        verbose_name=_("percorso"),
    )
    on = models.DateField(_("data"))
    hours = models.DecimalField(
        _("ore"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    operator = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("operatore"),
    )
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["-on"]
        verbose_name = _("incontro di tutoraggio")
        verbose_name_plural = _("incontri di tutoraggio")

    def __str__(self):
        return f"{self.on:%d/%m/%Y} – {self.hours} h"


class Timesheet(models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "pathway__comune"
    person_path = "pathway__referral__beneficiary"
    pathway = models.ForeignKey(
        Pathway, on_delete=models.CASCADE, related_name="timesheets", verbose_name=_("percorso")
    )
    month = models.DateField(_("mese"), help_text=_("Il primo giorno del mese."))
    hours_worked = models.DecimalField(
        _("ore lavorate"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    payslip_delivered_on = models.DateField(_("busta paga consegnata il"), null=True, blank=True)
    cud_delivered_on = models.DateField(_("CUD consegnato il"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("foglio ore mensile")
        verbose_name_plural = _("fogli ore mensili")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "month"],
                name="timesheet_once_per_month",
                violation_error_message=_("Esiste già un foglio ore per questo mese."),
            )
        ]

    def __str__(self):
        return f"{self.month:%m/%Y}"


class Invoice(RevisionMixin, ClusterableModel):
    """An agency invoice to a Comune; its lines are matched to vouchers for the invoice check."""

    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "comune"
    person_path = None

    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("Comune")
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("edizione")
    )
    period_start = models.DateField(_("periodo dal"))
    period_end = models.DateField(_("periodo al"))
    number = models.CharField(_("numero"), max_length=30)
    issued_on = models.DateField(_("data fattura"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("fattura agenzia")
        verbose_name_plural = _("fatture agenzia")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"],
                name="invoice_number_unique_per_edition",
                violation_error_message=_(
                    "Esiste già una fattura con questo numero nell'edizione."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="invoice_period_ordered",
                violation_error_message=_("La fine del periodo precede l'inizio."),
            ),
        ]

    def __str__(self):
        return f"{self.number} – {self.comune}"


class InvoiceLine(models.Model):
    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "invoice__comune"
    person_path = "voucher__pathway__referral__beneficiary"
    invoice = ParentalKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    voucher = models.ForeignKey(
        Voucher,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
        verbose_name=_("voucher"),
    )
    description = models.CharField(_("descrizione"), max_length=255)
    quantity = models.DecimalField(_("quantità"), max_digits=7, decimal_places=2, default=1)
    net = models.DecimalField(_("netto"), **MONEY)
    vat = models.DecimalField(_("IVA"), **MONEY)
    gross = models.DecimalField(_("lordo"), **MONEY)

    class Meta:
        verbose_name = _("riga di fattura")
        verbose_name_plural = _("righe di fattura")

    def __str__(self):
        return self.description
