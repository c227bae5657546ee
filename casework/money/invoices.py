"""Writes of invoices: the agency's invoice and its lines, checked against the vouchers they bill."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .choices import COMMITTED_VOUCHER_STATUSES as _COMMITTED
from .choices import VoucherStatus as _VoucherStatus
from .euro import to_cents
from .models import Invoice as _Invoice
from .models import InvoiceLine as _InvoiceLine
from .models import Voucher as _Voucher
from .services import mark_voucher_invoiced

MSG_LINE_OTHER_COMUNE = _("Il voucher appartiene a un altro Comune o a un'altra edizione.")


MSG_LINE_VOUCHER_NOT_COMMITTED = _("Il voucher abbinato non è approvato.")


MSG_LINE_GROSS_MISMATCH = _("Il lordo deve essere la somma di netto e IVA.")


def check_invoice_line(invoice, *, voucher, net, vat, gross):
    """A line of an agency invoice: its voucher (if any) is the same Comune's and edition's and
    was approved; the amounts are kept as invoiced, differences show in the invoice check."""
    errors = {}
    if to_cents(net) + to_cents(vat) != to_cents(gross):
        errors["gross"] = MSG_LINE_GROSS_MISMATCH
    if voucher is not None:
        if voucher.comune_id != invoice.comune_id or voucher.edition_id != invoice.edition_id:
            errors["voucher"] = MSG_LINE_OTHER_COMUNE
        elif voucher.status not in _COMMITTED:
            errors["voucher"] = MSG_LINE_VOUCHER_NOT_COMMITTED
    if errors:
        raise ValidationError(errors)


def _save_lines(invoice, lines):
    for number_, data in enumerate(lines, start=1):
        voucher = data.get("voucher")
        try:
            check_invoice_line(
                invoice, voucher=voucher, net=data["net"], vat=data["vat"], gross=data["gross"]
            )
            line = _InvoiceLine(
                invoice=invoice,
                voucher=voucher,
                description=data.get("description") or (str(voucher) if voucher else ""),
                quantity=data.get("quantity") or 1,
                net=to_cents(data["net"]),
                vat=to_cents(data["vat"]),
                gross=to_cents(data["gross"]),
            )
            line.full_clean(exclude=["invoice"])
        except ValidationError as error:
            raise ValidationError({f"line_{number_}": error.messages}) from None
        line.save()


def _set_invoice_fields(invoice, *, comune, edition, number, issued_on, period_start, period_end):
    invoice.comune = comune
    invoice.edition = edition
    invoice.number = (number or "").strip()
    invoice.issued_on = issued_on
    invoice.period_start = period_start
    invoice.period_end = period_end
    invoice.full_clean()
    invoice.save()


@transaction.atomic
def record_invoice(*, lines, user, **fields):
    """An agency invoice as received, with its lines matched to vouchers. ``fields`` are
    ``comune``, ``edition``, ``number``, ``issued_on``, ``period_start`` and ``period_end``;
    ``lines`` are dicts with ``description``, ``voucher`` (or None), ``quantity``, ``net``,
    ``vat`` and ``gross``. Matched vouchers still "approved" become "invoiced". A refused line
    is reported as ``line_<n>`` (from 1) and nothing is saved."""
    invoice = _Invoice()
    _set_invoice_fields(invoice, **fields)
    _save_lines(invoice, lines)
    invoice.save_revision(user=user, log_action="wagtail.create")
    sync_invoiced_vouchers(invoice, user=user)
    return invoice


@transaction.atomic
def update_invoice(invoice, *, lines, user, **fields):
    """The invoice corrected: same ``fields`` and ``lines`` as ``record_invoice``, the lines
    replacing the old ones and checked alike. A voucher already invoiced stays invoiced."""
    invoice = _Invoice.objects.select_for_update().get(pk=invoice.pk)
    _set_invoice_fields(invoice, **fields)
    invoice.lines.all().delete()
    _save_lines(invoice, lines)
    invoice.save_revision(user=user, log_action=True)
    sync_invoiced_vouchers(invoice, user=user)
    return invoice


def sync_invoiced_vouchers(invoice, *, user):
    """Vouchers matched by the invoice's lines move from approved to invoiced."""
    voucher_ids = invoice.lines.exclude(voucher=None).values_list("voucher_id", flat=True)
    for voucher in _Voucher.objects.filter(pk__in=voucher_ids, status=_VoucherStatus.APPROVED):
        mark_voucher_invoiced(voucher, user=user)
