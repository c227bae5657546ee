"""The desk's appointments, their history of changes, the operators' calendar-feed tokens and the
desk's editable settings. Fields and constraints only: every change goes through
``casework.cases.agenda.services``."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from casework.cases.models import Referral
from casework.permissions.models import USER

DEFAULT_SLOT_MINUTES = 45


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Fissato")
    ATTENDED = "attended", _("Svolto")
    CANCELLED = "cancelled", _("Annullato")
    NO_SHOW = "no_show", _("Persona assente")


# The states that hold the operator's time: a new slot may not overlap them.
BUSY_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED)


class Appointment(models.Model):
    """The person's first access at the agency's desk, by appointment."""

    # Where its Comune and its person are (scoping and the audit trail follow these).
    comune_path = "referral__comune"
    person_path = "referral__beneficiary"

    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("segnalazione"),
    )
    operator = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="desk_appointments",
        verbose_name=_("operatore agenzia"),
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    late_reason = models.TextField(
        _("motivo del ritardo"),
        blank=True,
        help_text=_("Obbligatorio quando l'appuntamento è dopo la scadenza della presa in carico."),
    )
    cancel_reason = models.TextField(_("motivo dell'annullamento"), blank=True)
    no_show_reason = models.TextField(_("nota sull'assenza"), blank=True)
    created_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fissato da"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("creato il"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("aggiornato il"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("appuntamento")
        verbose_name_plural = _("appuntamenti")
        indexes = [
            models.Index(fields=["operator", "starts_at"], name="appointment_operator_start"),
            models.Index(fields=["starts_at"], name="appointment_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message=_("La fine dell'appuntamento deve seguire l'inizio."),
            )
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return _("Appuntamento del %(date)s alle %(time)s") % {
            "date": local.strftime("%d/%m/%Y"),
            "time": local.strftime("%H:%M"),
        }

    @property
    def is_late(self):
        due = self.referral.intake_due_on
        return due is not None and timezone.localdate(self.starts_at) > due


class AppointmentChange(models.Model):
    """One line of an appointment's story: booked, moved, cancelled, missed, attended, with the
    reason and the old and new moment (shown on the referral's page)."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Fissato")
        RESCHEDULED = "rescheduled", _("Spostato")
        CANCELLED = "cancelled", _("Annullato")
        NO_SHOW = "no_show", _("Persona assente")
        ATTENDED = "attended", _("Svolto")

    comune_path = "appointment__referral__comune"
    person_path = "appointment__referral__beneficiary"

    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("appuntamento"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    old_starts_at = models.DateTimeField(_("data precedente"), null=True, blank=True)
    new_starts_at = models.DateTimeField(_("nuova data"), null=True, blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("da"),
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("modifica dell'appuntamento")
        verbose_name_plural = _("modifiche degli appuntamenti")

    def __str__(self):
        return self.get_kind_display()


class CalendarFeedToken(models.Model):
    """The secret address of an operator's calendar feed. Only the token's SHA-256 is stored:
    the address is shown once, when it is made; a revoked token answers 404."""

    user = models.ForeignKey(
        USER,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
        verbose_name=_("utente"),
    )
    token_hash = models.CharField(_("impronta"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("ultimo uso"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("indirizzo del calendario")
        verbose_name_plural = _("indirizzi del calendario")

    def __str__(self):
        return _("Calendario di %(user)s") % {"user": self.user}


@register_setting(icon="date")
class DeskSettings(BaseGenericSetting):
    """The agency's desk as the appointment letter and the agenda describe it (Impostazioni)."""

    address = models.TextField(
        _("indirizzo dello sportello"),
        blank=True,
        default="Via Roma 1, 25065 Lumezzane (BS)",
    )
    opening_hours = models.TextField(
        _("orari di apertura"),
        blank=True,
        default="Lunedì e mercoledì 9:00-12:30; giovedì 14:00-17:30",
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    what_to_bring = models.TextField(
        _("cosa portare"),
        blank=True,
        default=(
            "Documento d'identità, tessera sanitaria (codice fiscale), eventuale curriculum, "
            "permesso di soggiorno se cittadino non UE."
        ),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("durata di un appuntamento (minuti)"), default=DEFAULT_SLOT_MINUTES
    )

    class Meta:
        verbose_name = _("sportello dell'agenzia")
        verbose_name_plural = _("sportello dell'agenzia")
