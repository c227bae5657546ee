"""Choices of money records: voucher kinds and states, and the states that commit a budget."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoucherKind(models.TextChoices):
    TRAINEESHIP_ACTIVATION = "traineeship_activation", _("Attivazione tirocinio")
    HIRING_ACTIVATION = "hiring_activation", _("Attivazione inserimento (assunzione)")
    TUTORING_HOUR = "tutoring_hour", _("Ora di tutoraggio e monitoraggio")


class VoucherStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposto")
    APPROVED = "approved", _("Approvato")
    REJECTED = "rejected", _("Respinto")
    INVOICED = "invoiced", _("Fatturato")
    PAID = "paid", _("Pagato")
    CANCELLED = "cancelled", _("Annullato")


# committed = approved + invoiced + paid (the programme manager's definition).
COMMITTED_VOUCHER_STATUSES = (VoucherStatus.APPROVED, VoucherStatus.INVOICED, VoucherStatus.PAID)


# invoiced = invoiced + paid: billed by the agency.
INVOICED_VOUCHER_STATUSES = (VoucherStatus.INVOICED, VoucherStatus.PAID)


# live = proposed or committed: a voucher that still counts (an activation is not proposed twice).
LIVE_VOUCHER_STATUSES = (VoucherStatus.PROPOSED, *COMMITTED_VOUCHER_STATUSES)
