"""The programme manager's invoice check: for a Comune and a period, what the agency may invoice
(activation vouchers of pathways activated in the period, tutoring hours delivered in the period
at the approved voucher's price) against the lines of the agency's invoices for that period,
line by line. A fixed number of queries whatever the period's size."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from .choices import COMMITTED_VOUCHER_STATUSES, VoucherKind
from .models import Invoice, InvoiceLine, TutoringSession, Voucher
from .services import voucher_amounts

ZERO = Decimal("0.00")


NOTE_NOT_EXPECTED = _("Non prevista nel periodo")


NOTE_NOT_INVOICED = _("Non fatturata")


NOTE_NO_VOUCHER_LINE = _("Riga senza voucher abbinato")


NOTE_HOURS_WITHOUT_VOUCHER = _("Ore di tutoraggio senza voucher approvato")


NOTE_OVER = _("Fatturato in più")


NOTE_UNDER = _("Fatturato in meno")


NOTE_OK = _("Corrisponde")


@dataclass
class CheckRow:
    label: str
    kind: str
    expected_quantity: Decimal = ZERO
    expected_gross: Decimal = ZERO
    invoiced_quantity: Decimal = ZERO
    invoiced_gross: Decimal = ZERO
    invoices: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def difference(self):
        return self.invoiced_gross - self.expected_gross

    @property
    def matches(self):
        return self.difference == 0 and self.invoiced_quantity == self.expected_quantity

    @property
    def note(self):
        notes = list(self.notes)
        if not notes:
            if self.matches:
                notes.append(NOTE_OK)
            elif self.invoiced_gross == 0 and self.expected_gross:
                notes.append(NOTE_NOT_INVOICED)
            else:
                notes.append(NOTE_OVER if self.difference > 0 else NOTE_UNDER)
        return "; ".join(str(n) for n in notes)


@dataclass
class InvoiceCheck:
    rows: list
    invoices: list

    @property
    def expected_total(self):
        return sum((r.expected_gross for r in self.rows), ZERO)

    @property
    def invoiced_total(self):
        return sum((r.invoiced_gross for r in self.rows), ZERO)

    @property
    def difference(self):
        return self.invoiced_total - self.expected_total

    @property
    def differences(self):
        return [row for row in self.rows if not row.matches]


def _person(pathway):
    return str(pathway.referral.beneficiary)


def invoice_check(comune, *, period_start, period_end):
    invoices = list(
        Invoice.objects.filter(
            comune=comune, period_start__lte=period_end, period_end__gte=period_start
        ).order_by("issued_on", "number")
    )
    rows = {}

    activations = Voucher.objects.filter(
        comune=comune,
        status__in=COMMITTED_VOUCHER_STATUSES,
        kind__in=(VoucherKind.TRAINEESHIP_ACTIVATION, VoucherKind.HIRING_ACTIVATION),
        pathway__activated_on__gte=period_start,
        pathway__activated_on__lte=period_end,
    ).select_related("pathway__referral__beneficiary")
    for voucher in activations:
        rows[("voucher", voucher.pk)] = CheckRow(
            label=_person(voucher.pathway),
            kind=voucher.get_kind_display(),
            expected_quantity=voucher.quantity,
            expected_gross=voucher.gross,
        )

    hours = dict(
        TutoringSession.objects.filter(
            pathway__comune=comune, on__gte=period_start, on__lte=period_end
        )
        .values_list("pathway")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    tutoring_vouchers = {}
    for voucher in (
        Voucher.objects.filter(
            pathway_id__in=hours,
            kind=VoucherKind.TUTORING_HOUR,
            status__in=COMMITTED_VOUCHER_STATUSES,
        )
        .select_related("pathway__referral__beneficiary")
        .order_by("created_at", "pk")
    ):
        tutoring_vouchers[voucher.pathway_id] = voucher  # the latest approved price applies
    tutoring_label = VoucherKind.TUTORING_HOUR.label
    for pathway_id, delivered in hours.items():
        voucher = tutoring_vouchers.get(pathway_id)
        row = CheckRow(label="", kind=tutoring_label, expected_quantity=delivered)
        if voucher is None:
            row.notes.append(NOTE_HOURS_WITHOUT_VOUCHER)
        else:
            row.label = _person(voucher.pathway)
            row.expected_gross = voucher_amounts(voucher.unit_net, voucher.vat_rate, delivered)[2]
        rows[("tutoring", pathway_id)] = row

    lines = InvoiceLine.objects.filter(invoice__in=[i.pk for i in invoices]).select_related(
        "invoice", "voucher__pathway__referral__beneficiary"
    )
    for line in lines:
        voucher = line.voucher
        if voucher is None:
            key = ("line", line.pk)
        elif voucher.kind == VoucherKind.TUTORING_HOUR:
            key = ("tutoring", voucher.pathway_id)
        else:
            key = ("voucher", voucher.pk)
        row = rows.get(key)
        if row is None:
            row = rows[key] = CheckRow(
                label=_person(voucher.pathway) if voucher else line.description,
                kind=voucher.get_kind_display() if voucher else "",
            )
            row.notes.append(NOTE_NO_VOUCHER_LINE if voucher is None else NOTE_NOT_EXPECTED)
        if not row.label and voucher is not None:
            row.label = _person(voucher.pathway)
        row.invoiced_quantity += line.quantity
        row.invoiced_gross += line.gross
        if line.invoice.number not in row.invoices:
            row.invoices.append(line.invoice.number)

    # Hours delivered without any voucher still need a name: one more query, only if any.
    unnamed = [key[1] for key, row in rows.items() if not row.label and key[0] == "tutoring"]
    if unnamed:
        from casework.cases.models import Pathway

        for pathway in Pathway.objects.filter(pk__in=unnamed).select_related(
            "referral__beneficiary"
        ):
            rows[("tutoring", pathway.pk)].label = _person(pathway)
    ordered = sorted(rows.values(), key=lambda r: (r.label, r.kind))
    return InvoiceCheck(rows=ordered, invoices=invoices)
