"""Invoice check: what the vouchers and the tutoring hours lead to expect, against what the
agency invoiced, line by line."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from casework.models import InvoiceLine, TutoringSession, Voucher
from casework.money.choices import COMMITTED_VOUCHER_STATUSES, VoucherKind

from .base import (
    DATE,
    HOURS,
    MONEY,
    TEXT,
    TOTAL_LABEL,
    Column,
    Table,
    by_comune,
    comuni_for,
    hours,
    in_period,
    money,
    sum_column,
)

OK = _("Conforme")


def line_check(line):
    """The verdict on one invoice line, in the order a reviewer would look."""
    voucher = line.voucher
    if voucher is None:
        return _("Senza voucher")
    if voucher.status not in COMMITTED_VOUCHER_STATUSES:
        return _("Voucher non approvato")
    if voucher.comune_id != line.invoice.comune_id:
        return _("Voucher di un altro Comune")
    if line.quantity != voucher.quantity:
        return _("Quantità diversa")
    if money(line.gross) != money(voucher.gross):
        return _("Importo diverso")
    return str(OK)


def build(report, *, comune, start, end):
    lines = (
        InvoiceLine.objects.filter(in_period("invoice__issued_on", start, end))
        .select_related("invoice__comune", "voucher")
        .order_by("invoice__issued_on", "invoice__number", "pk")
    )
    if comune is not None:
        lines = lines.filter(invoice__comune=comune)
    lines = list(lines)

    invoices = {}
    rows = []
    for line in lines:
        voucher = line.voucher
        expected = money(voucher.gross) if voucher else money(0)
        verdict = line_check(line)
        rows.append(
            [
                line.invoice.number,
                line.invoice.comune.name,
                line.description,
                voucher.pk if voucher else None,
                voucher.quantity if voucher else None,
                line.quantity,
                expected,
                money(line.gross),
                money(line.gross) - expected,
                str(verdict),
            ]
        )
        summary = invoices.setdefault(
            line.invoice.pk,
            [
                line.invoice.number,
                line.invoice.issued_on,
                line.invoice.comune.name,
                0,
                money(0),
                money(0),
                0,
            ],
        )
        summary[3] += 1
        summary[4] += expected
        summary[5] += money(line.gross)
        summary[6] += 0 if verdict == str(OK) else 1

    summaries = [[*s[:6], s[5] - s[4], s[6]] for s in invoices.values()]
    total = None
    if len(summaries) > 1:
        total = [str(TOTAL_LABEL), None, ""] + [sum_column(summaries, i) for i in range(3, 8)]
    report.tables.append(
        Table(
            sheet=_("Fatture"),
            title=_("Fatture del periodo: atteso e fatturato"),
            columns=[
                Column(_("Fattura"), TEXT),
                Column(_("Data"), DATE),
                Column(_("Comune"), TEXT),
                Column(_("Righe")),
                Column(_("Atteso lordo (€)"), MONEY),
                Column(_("Fatturato lordo (€)"), MONEY),
                Column(_("Differenza (€)"), MONEY),
                Column(_("Righe da verificare")),
            ],
            rows=summaries,
            total=total,
            empty_text=_("Nessuna fattura emessa nel periodo."),
        )
    )
    total = None
    if rows:
        total = [str(TOTAL_LABEL), "", "", None, None, None] + [
            sum_column(rows, i) for i in (6, 7, 8)
        ]
        total.append("")
    report.tables.append(
        Table(
            sheet=_("Righe"),
            title=_("Controllo riga per riga"),
            columns=[
                Column(_("Fattura"), TEXT),
                Column(_("Comune"), TEXT),
                Column(_("Descrizione"), TEXT),
                Column(_("Voucher")),
                Column(_("Q.tà voucher"), MONEY),
                Column(_("Q.tà fatturata"), MONEY),
                Column(_("Atteso (€)"), MONEY),
                Column(_("Fatturato (€)"), MONEY),
                Column(_("Differenza (€)"), MONEY),
                Column(_("Esito"), TEXT),
            ],
            rows=rows,
            total=total,
            empty_text=_("Nessuna riga di fattura nel periodo."),
            note=_("Atteso: importo lordo del voucher collegato alla riga."),
        )
    )

    comuni = comuni_for(comune)
    ids = [pk for pk, _name in comuni]
    recorded = by_comune(
        TutoringSession.objects.filter(in_period("on", start, end), pathway__comune_id__in=ids)
        .values("pathway__comune")
        .annotate(hours=Sum("hours"))
        .order_by(),
        key="pathway__comune",
    )
    tutoring = Q(kind=VoucherKind.TUTORING_HOUR)
    approved = by_comune(
        Voucher.objects.filter(
            tutoring,
            in_period("decided_at__date", start, end),
            comune_id__in=ids,
            status__in=COMMITTED_VOUCHER_STATUSES,
        )
        .values("comune")
        .annotate(hours=Sum("quantity"), n=Count("id"))
        .order_by()
    )
    invoiced = by_comune(
        InvoiceLine.objects.filter(
            in_period("invoice__issued_on", start, end),
            invoice__comune_id__in=ids,
            voucher__kind=VoucherKind.TUTORING_HOUR,
        )
        .values("invoice__comune")
        .annotate(hours=Sum("quantity"))
        .order_by(),
        key="invoice__comune",
    )
    rows = []
    for pk, name in comuni:
        done = hours(recorded.get(pk, {}).get("hours"))
        billed = hours(invoiced.get(pk, {}).get("hours"))
        rows.append([name, done, hours(approved.get(pk, {}).get("hours")), billed, billed - done])
    total = (
        [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in range(1, 5)] if len(rows) > 1 else None
    )
    report.tables.append(
        Table(
            sheet=_("Ore di tutoraggio"),
            title=_("Ore di tutoraggio: registrate, approvate e fatturate"),
            columns=[
                Column(_("Comune"), TEXT),
                Column(_("Ore registrate"), HOURS),
                Column(_("Ore nei voucher approvati"), HOURS),
                Column(_("Ore fatturate"), HOURS),
                Column(_("Fatturate meno registrate"), HOURS),
            ],
            rows=rows,
            total=total,
            note=_(
                "Ore registrate negli incontri di tutoraggio del periodo; ore fatturate nelle "
                "righe collegate a voucher di tutoraggio delle fatture del periodo."
            ),
        )
    )
    return report
