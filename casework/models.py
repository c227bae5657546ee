"""Case records and money. Fields, constraints and small derived properties only: every state
change goes through ``casework.services`` so its rules hold for screens, imports and tasks alike."""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import RevisionMixin

from network.codice_fiscale import validate_personal_code
from network.models import Comune, HostOrganisation, Position

from .choices import (
    Activity,
    EmploymentCondition,
    FollowUpSituation,
    PathwayOutcome,
    PathwayStatus,
    PathwayType,
    ReferralStatus,
    Sex,
    TargetGroup,
    VoucherKind,
    VoucherStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class StaffProfile(models.Model):
    """Ties a staff account to the Comuni whose people it may see (social workers)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="staff_profile")
    comuni = models.ManyToManyField(
        Comune, blank=True, related_name="staff", verbose_name=_("Comuni")
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("profilo operatore")
        verbose_name_plural = _("profili operatori")

    def __str__(self):
        return str(self.user)


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
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tariffs")
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
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="budgets")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="budgets")
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


class Beneficiary(RevisionMixin, models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("segnalazione")
    )
    # Denormalised from the referral so that scoping and budget sums need no join.
    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="pathways", editable=False
    )
    pathway_type = models.CharField(_("tipologia"), max_length=20, choices=PathwayType.choices)
    intake_on = models.DateField(_("presa in carico il"))
    first_interview_on = models.DateField(_("colloquio di primo livello il"), null=True, blank=True)
    assessment = models.TextField(_("valutazione"), blank=True)
    cv_summary = models.TextField(_("curriculum"), blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="activities")
    activity = models.CharField(_("attività"), max_length=20, choices=Activity.choices)
    done_on = models.DateField(_("svolta il"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("équipe congiunta")
        verbose_name_plural = _("équipe congiunte")

    def __str__(self):
        return _("Équipe del %(date)s") % {"date": self.held_on.strftime("%d/%m/%Y")}


class FollowUp(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("data"))
    situation = models.CharField(_("situazione"), max_length=20, choices=FollowUpSituation.choices)
    note = models.TextField(_("nota"), blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on"]
        verbose_name = _("monitoraggio successivo")
        verbose_name_plural = _("monitoraggi successivi")

    def __str__(self):
        return f"{self.on:%d/%m/%Y} {self.get_situation_display()}"


class Voucher(RevisionMixin, models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="vouchers")
    # Charged to the referring Comune's budget of the edition of the voucher's date.
    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="vouchers", editable=False
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="vouchers", editable=False
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
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("nota sulla decisione"), blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("voucher")
        verbose_name_plural = _("voucher")
        indexes = [models.Index(fields=["comune", "edition", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} × {self.quantity} – {self.gross} €"


class TutoringSession(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="tutoring_sessions")
    on = models.DateField(_("data"))
    hours = models.DecimalField(
        _("ore"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    operator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["-on"]
        verbose_name = _("incontro di tutoraggio")
        verbose_name_plural = _("incontri di tutoraggio")

    def __str__(self):
        return f"{self.on:%d/%m/%Y} – {self.hours} h"


class Timesheet(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="timesheets")
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

    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="invoices")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="invoices")
    period_start = models.DateField(_("periodo dal"))
    period_end = models.DateField(_("periodo al"))
    number = models.CharField(_("numero"), max_length=30)
    issued_on = models.DateField(_("data fattura"))
    created_at = models.DateTimeField(auto_now_add=True)

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
    invoice = ParentalKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    voucher = models.ForeignKey(
        Voucher, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
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


AUDIT_APPEND_ONLY = _("Il registro accessi non si modifica e non si cancella.")
AUDIT_PURGE_TOO_RECENT = _(
    "Il registro accessi si cancella solo oltre il periodo di conservazione (%(months)d mesi)."
)
# The trail is kept at least this long whatever AUDIT_RETENTION_MONTHS says; the database
# triggers (migrations 0006 and 0008) and the purge function (0009) hold the same floor.
AUDIT_MIN_RETENTION_MONTHS = 24


def audit_retention_months():
    return max(settings.AUDIT_RETENTION_MONTHS, AUDIT_MIN_RETENTION_MONTHS)


def _months_before(moment, months):
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def audit_purge_latest_cutoff(now=None):
    """The latest moment the purge may delete up to: ``now`` minus the retention. Counted in
    UTC, as the database triggers count it, so the two never disagree by a DST hour."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    return _months_before(now, audit_retention_months())


def _is_user_cleared(kwargs):
    # What deleting a staff account does through on_delete=SET_NULL (the deletion collector
    # calls update() on the base manager): the one change the triggers let through too.
    return len(kwargs) == 1 and any(kwargs.get(name, 0) is None for name in ("user", "user_id"))


class AuditEventQuerySet(models.QuerySet):
    """Append-only through the ORM: no update, delete or their internal shortcuts, on every
    manager (``base_manager_name`` points the base manager here too). Only the scheduled purge
    deletes, through ``purge_older_than``, and only past the retention. What the ORM cannot
    stop (plain ``models.QuerySet`` on the model, SQL through a cursor) the database triggers
    stop; see docs/operations-database-roles.md."""

    def update(self, **kwargs):
        if not _is_user_cleared(kwargs):
            raise PermissionError(AUDIT_APPEND_ONLY)
        return super().update(**kwargs)

    def _update(self, values):
        # Model.save() of a row that claims to be new but has a pk ends up here.
        raise PermissionError(AUDIT_APPEND_ONLY)

    def delete(self):
        raise PermissionError(AUDIT_APPEND_ONLY)

    def _raw_delete(self, using):
        raise PermissionError(AUDIT_APPEND_ONLY)

    def purge_older_than(self, cutoff):
        """Delete the rows older than ``cutoff``; refuses any cutoff later than now minus the
        retention. Returns ``(count, {label: count})`` like ``delete()``."""
        if timezone.is_naive(cutoff):
            cutoff = timezone.make_aware(cutoff)
        if cutoff > audit_purge_latest_cutoff():
            raise ValidationError(
                AUDIT_PURGE_TOO_RECENT,
                code="audit_purge_too_recent",
                params={"months": audit_retention_months()},
            )
        connection = connections[self.db]
        with transaction.atomic(using=self.db), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Owned by the table owner (SECURITY DEFINER): the app role has no DELETE.
                cursor.execute("SELECT casework_auditevent_purge(%s)", [cutoff])
                deleted = cursor.fetchone()[0]
            else:
                if connection.vendor == "sqlite":
                    # The trigger's switch, for this transaction only.
                    cursor.execute("INSERT INTO casework_auditevent_purge (id) VALUES (1)")
                plain = models.QuerySet(self.model, using=self.db).filter(at__lt=cutoff)
                deleted = plain._raw_delete(self.db)
                if connection.vendor == "sqlite":
                    cursor.execute("DELETE FROM casework_auditevent_purge")
        return deleted, {self.model._meta.label: deleted}


class AuditEvent(models.Model):
    """Who opened, changed, exported or imported which person's data. Ids only, never contents;
    append-only (see ``casework.audit``)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Consultazione")
        CREATE = "create", _("Creazione")
        CHANGE = "change", _("Modifica")
        DELETE = "delete", _("Eliminazione")
        EXPORT = "export", _("Esportazione")
        IMPORT = "import", _("Importazione")
        ANONYMISE = "anonymise", _("Anonimizzazione")

    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    model = models.CharField(_("tipo di dato"), max_length=60)
    object_id = models.CharField(_("id"), max_length=40, blank=True)
    beneficiary_id = models.BigIntegerField(_("id persona"), null=True, blank=True, db_index=True)
    comune_id = models.BigIntegerField(_("id Comune"), null=True, blank=True)
    detail = models.CharField(_("dettaglio"), max_length=200, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # Related-object updates and Model.save() use the base manager: it must refuse too.
        base_manager_name = "objects"
        ordering = ["-at"]
        verbose_name = _("evento di audit")
        verbose_name_plural = _("registro accessi")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.model} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise PermissionError(AUDIT_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(AUDIT_APPEND_ONLY)


# --- Bulk imports (casework.importing) ----------------------------------------------------------


def _import_upload_path(instance, filename):
    import uuid

    # An unguessable name: the file holds personal data until the import is confirmed.
    return f"imports/{uuid.uuid4().hex}.upload"


class ImportRun(models.Model):
    """One import of a file: who, when, which file, what happened. The uploaded file is kept in
    the default storage (shared by every web process) between preview and confirm, then deleted."""

    class Kind(models.TextChoices):
        REFERRALS = "referrals", _("Segnalazioni")
        BUDGETS = "budgets", _("Budget")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("In anteprima")
        COMPLETED = "completed", _("Importato")
        DRY_RUN = "dry_run", _("Simulazione")
        FAILED = "failed", _("Non importato: righe con errori")
        REFUSED = "refused", _("File rifiutato")
        CANCELLED = "cancelled", _("Annullato")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("utente"),
    )
    source = models.CharField(_("origine"), max_length=20, default="admin")
    file_name = models.CharField(_("nome del file"), max_length=255)
    upload = models.FileField(_("file caricato"), upload_to=_import_upload_path, blank=True)
    status = models.CharField(
        _("esito"), max_length=20, choices=Status.choices, default=Status.PREVIEW
    )
    created = models.PositiveIntegerField(_("creati"), default=0)
    updated = models.PositiveIntegerField(_("aggiornati"), default=0)
    unchanged = models.PositiveIntegerField(_("invariati"), default=0)
    errors = models.PositiveIntegerField(_("righe con errori"), default=0)
    message = models.TextField(_("messaggio"), blank=True)
    started_at = models.DateTimeField(_("avviato il"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("concluso il"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        # Codenames django-import-export derives from IMPORT_EXPORT_IMPORT/EXPORT_PERMISSION_CODE
        # ("import_<model>", "export_<model>"); Django checks them as "casework.<codename>".
        permissions = [
            ("import_referral", _("Può importare segnalazioni da file")),
            ("import_budget", _("Può importare budget da file")),
            ("export_referral", _("Può esportare le segnalazioni")),
            ("export_beneficiary", _("Può esportare le persone")),
            ("export_budget", _("Può esportare i budget")),
            ("export_voucher", _("Può esportare i voucher")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.file_name} ({self.started_at:%d/%m/%Y %H:%M})"
