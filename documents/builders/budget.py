"""Budget check per Comune: budget, committed, invoiced, remaining and the vouchers behind them."""

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Voucher
from casework.money.choices import COMMITTED_VOUCHER_STATUSES
from casework.money.selectors import budget_summary

from .base import DATE, MONEY, TEXT, TOTAL_LABEL, Chart, Column, Table, money, sum_column


def build(report, *, comune, start, end):
    budgets = list(
        budget_summary(comune=comune).filter(
            edition__starts_on__lte=end, edition__ends_on__gte=start
        )
    )
    rows = [
        [
            b.comune.name,
            b.edition.name,
            money(b.amount),
            money(b.proposed),
            money(b.committed),
            money(b.invoiced),
            money(b.remaining),
        ]
        for b in budgets
    ]
    total = None
    if len(rows) > 1:
        total = [str(TOTAL_LABEL), ""] + [sum_column(rows, i) for i in range(2, 7)]
    report.tables.append(
        Table(
            sheet=_("Budget"),
            title=_("Budget, impegnato, fatturato e residuo"),
            columns=[
                Column(_("Comune"), TEXT),
                Column(_("Edizione"), TEXT),
                Column(_("Budget (€)"), MONEY),
                Column(_("Proposto (€)"), MONEY),
                Column(_("Impegnato (€)"), MONEY),
                Column(_("Fatturato (€)"), MONEY),
                Column(_("Residuo (€)"), MONEY),
            ],
            rows=rows,
            total=total,
            empty_text=_("Nessun budget per le edizioni del periodo."),
            note=_(
                "Importi lordi. Impegnato = voucher approvati, fatturati e pagati; "
                "residuo = budget meno impegnato."
            ),
        )
    )
    figures = total or (rows[0] if rows else None)
    if figures is not None:
        report.chart = Chart(
            title=_("Utilizzo del budget (€)"),
            categories=[_("Budget"), _("Impegnato"), _("Fatturato"), _("Residuo")],
            series=[(_("Importo"), [figures[2], figures[4], figures[5], figures[6]])],
        )

    vouchers = (
        Voucher.objects.filter(
            status__in=COMMITTED_VOUCHER_STATUSES,
            edition_id__in={b.edition_id for b in budgets},
            comune_id__in={b.comune_id for b in budgets},
        )
        .select_related("comune", "edition", "pathway__referral")
        .order_by("comune__name", "decided_at", "pk")
    )
    rows = [
        [
            v.pk,
            v.comune.name,
            v.edition.name,
            v.pathway.referral.protocol,
            str(v.get_kind_display()),
            v.quantity,
            money(v.net),
            money(v.vat),
            money(v.gross),
            str(v.get_status_display()),
            timezone.localdate(v.decided_at) if v.decided_at else None,
        ]
        for v in vouchers
    ]
    total = None
    if rows:
        total = [str(TOTAL_LABEL), "", "", "", "", ""] + [sum_column(rows, i) for i in (6, 7, 8)]
        total += ["", None]
    report.tables.append(
        Table(
            sheet=_("Voucher"),
            title=_("Voucher impegnati sul budget"),
            columns=[
                Column(_("N.")),
                Column(_("Comune"), TEXT),
                Column(_("Edizione"), TEXT),
                Column(_("Protocollo"), TEXT),
                Column(_("Voce"), TEXT),
                Column(_("Quantità"), MONEY),
                Column(_("Netto (€)"), MONEY),
                Column(_("IVA (€)"), MONEY),
                Column(_("Lordo (€)"), MONEY),
                Column(_("Stato"), TEXT),
                Column(_("Deciso il"), DATE),
            ],
            rows=rows,
            total=total,
            empty_text=_("Nessun voucher impegnato."),
            note=_("Il totale lordo coincide con l'impegnato della tabella precedente."),
        )
    )
    return report
