"""Quarterly activity report: referrals, intakes, pathways, tutoring, vouchers and budget.

Every figure is an aggregate grouped by Comune: the query count is the same for ten referrals
or a hundred thousand."""

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from casework.models import Pathway, Referral, TutoringSession, Voucher
from casework.money.choices import COMMITTED_VOUCHER_STATUSES
from casework.money.selectors import budget_summary
from network.choices import PathwayType

from .base import (
    HOURS,
    MONEY,
    PERCENT,
    TEXT,
    TOTAL_LABEL,
    Chart,
    Column,
    Table,
    by_comune,
    comuni_for,
    hours,
    in_period,
    money,
    share,
    sum_column,
)

PATHWAY_TYPES = list(PathwayType)


def _figures(comune_ids, start, end):
    referrals = by_comune(
        Referral.objects.filter(in_period("referred_on", start, end), comune_id__in=comune_ids)
        .values("comune")
        .annotate(n=Count("id"))
        .order_by()
    )
    intakes = by_comune(
        Pathway.objects.filter(in_period("intake_on", start, end), comune_id__in=comune_ids)
        .values("comune")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(intake_on__lte=F("referral__intake_due_on"))),
        )
        .order_by()
    )
    per_type = {
        code.value: Count("id", filter=Q(pathway_type=code.value)) for code in PATHWAY_TYPES
    }
    activations = by_comune(
        Pathway.objects.filter(in_period("activated_on", start, end), comune_id__in=comune_ids)
        .values("comune")
        .annotate(
            n=Count("id"),
            on_time=Count("id", filter=Q(activated_on__lte=F("activation_due_on"))),
            **per_type,
        )
        .order_by()
    )
    tutoring = by_comune(
        TutoringSession.objects.filter(
            in_period("on", start, end), pathway__comune_id__in=comune_ids
        )
        .values("pathway__comune")
        .annotate(hours=Sum("hours"))
        .order_by(),
        key="pathway__comune",
    )
    vouchers = by_comune(
        Voucher.objects.filter(
            in_period("decided_at__date", start, end),
            comune_id__in=comune_ids,
            status__in=COMMITTED_VOUCHER_STATUSES,
        )
        .values("comune")
        .annotate(n=Count("id"), gross=Sum("gross"))
        .order_by()
    )
    budgets = {}
    for budget in budget_summary(comune=None).filter(
        comune_id__in=comune_ids, edition__starts_on__lte=end, edition__ends_on__gte=start
    ):
        row = budgets.setdefault(budget.comune_id, [0, 0, 0])
        row[0] += budget.amount
        row[1] += budget.committed
        row[2] += budget.remaining
    return referrals, intakes, activations, tutoring, vouchers, budgets


def build(report, *, comune, start, end):
    comuni = comuni_for(comune)
    ids = [pk for pk, _name in comuni]
    referrals, intakes, activations, tutoring, vouchers, budgets = _figures(ids, start, end)
    totals = len(comuni) > 1

    rows = []
    for pk, name in comuni:
        intake = intakes.get(pk, {})
        rows.append(
            [
                name,
                referrals.get(pk, {}).get("n", 0),
                intake.get("n", 0),
                intake.get("on_time", 0),
                share(intake.get("on_time", 0), intake.get("n", 0)),
            ]
        )
    total = None
    if totals:
        total = [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in (1, 2, 3)]
        total.append(share(total[3], total[2]))
    report.tables.append(
        Table(
            sheet=_("Prese in carico"),
            title=_("Segnalazioni ricevute e prese in carico"),
            columns=[
                Column(_("Comune"), TEXT),
                Column(_("Segnalazioni ricevute")),
                Column(_("Prese in carico")),
                Column(_("di cui entro la scadenza")),
                Column(_("Entro la scadenza (%)"), PERCENT),
            ],
            rows=rows,
            total=total,
            note=_(
                "Scadenza: 15 giorni dalla segnalazione (più lunga solo per i gruppi, con "
                "motivazione)."
            ),
        )
    )

    rows = []
    for pk, name in comuni:
        act = activations.get(pk, {})
        rows.append(
            [name]
            + [act.get(code.value, 0) for code in PATHWAY_TYPES]
            + [
                act.get("n", 0),
                act.get("on_time", 0),
                share(act.get("on_time", 0), act.get("n", 0)),
            ]
        )
    total = None
    if totals:
        total = [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in range(1, 7)]
        total.append(share(total[6], total[5]))
    report.tables.append(
        Table(
            sheet=_("Percorsi attivati"),
            title=_("Percorsi attivati per tipologia"),
            columns=[Column(_("Comune"), TEXT)]
            + [Column(str(code.label)) for code in PATHWAY_TYPES]
            + [
                Column(_("Totale attivati")),
                Column(_("entro 15 giorni dalla presa in carico")),
                Column(_("Entro 15 giorni (%)"), PERCENT),
            ],
            rows=rows,
            total=total,
        )
    )
    by_type = total or rows[0] if rows else None
    if by_type is not None:
        report.chart_after = len(report.tables) - 1
        report.chart = Chart(
            title=_("Percorsi attivati nel periodo per tipologia"),
            categories=[str(code.label) for code in PATHWAY_TYPES],
            series=[(_("Percorsi attivati"), list(by_type[1:5]))],
        )

    rows = []
    for pk, name in comuni:
        voucher = vouchers.get(pk, {})
        rows.append(
            [
                name,
                hours(tutoring.get(pk, {}).get("hours")),
                voucher.get("n", 0),
                money(voucher.get("gross")),
            ]
        )
    total = None
    if totals:
        total = [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in (1, 2, 3)]
    report.tables.append(
        Table(
            sheet=_("Tutoraggio e voucher"),
            title=_("Ore di tutoraggio e voucher approvati"),
            columns=[
                Column(_("Comune"), TEXT),
                Column(_("Ore di tutoraggio"), HOURS),
                Column(_("Voucher approvati")),
                Column(_("Importo lordo (€)"), MONEY),
            ],
            rows=rows,
            total=total,
            note=_("Voucher approvati nel periodo (approvati, fatturati o pagati)."),
        )
    )

    rows = []
    for pk, name in comuni:
        amount, committed, remaining = budgets.get(pk, (0, 0, 0))
        rows.append(
            [name, money(amount), money(committed), money(remaining), share(committed, amount)]
        )
    total = None
    if totals:
        total = [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in (1, 2, 3)]
        total.append(share(total[2], total[1]))
    report.tables.append(
        Table(
            sheet=_("Budget"),
            title=_("Budget utilizzato e residuo"),
            columns=[
                Column(_("Comune"), TEXT),
                Column(_("Budget (€)"), MONEY),
                Column(_("Impegnato (€)"), MONEY),
                Column(_("Residuo (€)"), MONEY),
                Column(_("% utilizzato"), PERCENT),
            ],
            rows=rows,
            total=total,
            note=_(
                "Budget delle edizioni che comprendono il periodo; impegnato = voucher approvati, "
                "fatturati e pagati, alla data di generazione."
            ),
        )
    )
    return report
