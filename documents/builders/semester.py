"""Semester outcomes: referrals, positions offered and filled, traineeships and hirings,
completed and interrupted pathways, follow-up situation."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from casework.cases.choices import FollowUpSituation, PathwayOutcome, PathwayStatus
from casework.models import FollowUp, Pathway, Referral
from network.choices import PathwayType, PositionStatus
from network.models import Position

from .base import (
    TEXT,
    TOTAL_LABEL,
    Chart,
    Column,
    Table,
    by_comune,
    comuni_for,
    in_period,
    sum_column,
)

SITUATIONS = list(FollowUpSituation)


def _outcomes(ids, start, end):
    referrals = by_comune(
        Referral.objects.filter(in_period("referred_on", start, end), comune_id__in=ids)
        .values("comune")
        .annotate(n=Count("id"))
        .order_by()
    )
    activated = Q(activated_on__gte=start, activated_on__lte=end)
    ended = Q(ended_on__gte=start, ended_on__lte=end)
    pathways = by_comune(
        Pathway.objects.filter(activated | ended, comune_id__in=ids)
        .values("comune")
        .annotate(
            traineeships=Count("id", filter=activated & Q(pathway_type=PathwayType.TIROCINIO)),
            hirings=Count("id", filter=activated & Q(pathway_type=PathwayType.INSERIMENTO)),
            completed=Count("id", filter=ended & Q(status=PathwayStatus.COMPLETED)),
            interrupted=Count("id", filter=ended & Q(status=PathwayStatus.INTERRUPTED)),
            hired=Count("id", filter=ended & Q(outcome=PathwayOutcome.HIRED)),
        )
        .order_by()
    )
    return referrals, pathways


def _positions(ids, start, end):
    """Positions offered by host organisations of each Comune and seats filled in the period."""
    available = (
        Q(available_from__isnull=True) | Q(available_from__lte=end),
        Q(available_to__isnull=True) | Q(available_to__gte=start),
    )
    offered = by_comune(
        Position.objects.filter(
            *available,
            host__comune_id__in=ids,
            status__in=(PositionStatus.OPEN, PositionStatus.FILLED),
        )
        .values("host__comune")
        .annotate(n=Count("id"), seats=Sum("seats"))
        .order_by(),
        key="host__comune",
    )
    filled = by_comune(
        Pathway.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start),
            position__host__comune_id__in=ids,
            activated_on__lte=end,
        )
        .values("position__host__comune")
        .annotate(n=Count("id"))
        .order_by(),
        key="position__host__comune",
    )
    return offered, filled


def _follow_ups(ids, start, end):
    """Each followed pathway counted once, at its latest situation up to the end of the period."""
    latest = FollowUp.objects.filter(pathway=OuterRef("pk"), on__lte=end).order_by("-on", "-id")
    rows = (
        Pathway.objects.filter(
            Exists(FollowUp.objects.filter(pathway=OuterRef("pk"), on__gte=start, on__lte=end)),
            comune_id__in=ids,
        )
        .annotate(situation=Subquery(latest.values("situation")[:1]))
        .values("comune", "situation")
        .annotate(n=Count("id"))
        .order_by()
    )
    result = {}
    for row in rows:
        result.setdefault(row["comune"], {})[row["situation"]] = row["n"]
    return result


def build(report, *, comune, start, end):
    comuni = comuni_for(comune)
    ids = [pk for pk, _name in comuni]
    totals = len(comuni) > 1
    referrals, pathways = _outcomes(ids, start, end)

    rows = []
    for pk, name in comuni:
        p = pathways.get(pk, {})
        rows.append(
            [name, referrals.get(pk, {}).get("n", 0)]
            + [
                p.get(k, 0)
                for k in ("traineeships", "hirings", "completed", "interrupted", "hired")
            ]
        )
    total = [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in range(1, 7)] if totals else None
    report.tables.append(
        Table(
            sheet=_("Esiti"),
            title=_("Segnalazioni, tirocini, inserimenti ed esiti dei percorsi"),
            columns=[
                Column(_("Comune"), TEXT),
                Column(_("Segnalazioni")),
                Column(_("Tirocini attivati")),
                Column(_("Inserimenti attivati")),
                Column(_("Percorsi conclusi")),
                Column(_("Percorsi interrotti")),
                Column(_("Assunzioni")),
            ],
            rows=rows,
            total=total,
            note=_("Assunzioni: percorsi chiusi nel periodo con esito «assunzione»."),
        )
    )
    figures = total or (rows[0] if rows else None)
    if figures is not None:
        report.chart = Chart(
            title=_("Esiti del semestre"),
            categories=[
                _("Tirocini"),
                _("Inserimenti"),
                _("Conclusi"),
                _("Interrotti"),
                _("Assunzioni"),
            ],
            series=[(_("Persone"), list(figures[2:7]))],
        )

    offered, filled = _positions(ids, start, end)
    rows = []
    for pk, name in comuni:
        rows.append(
            [
                name,
                offered.get(pk, {}).get("n", 0),
                offered.get(pk, {}).get("seats") or 0,
                filled.get(pk, {}).get("n", 0),
            ]
        )
    total = [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in (1, 2, 3)] if totals else None
    report.tables.append(
        Table(
            sheet=_("Posizioni"),
            title=_("Posizioni offerte e occupate nella rete"),
            columns=[
                Column(_("Comune dell'ente"), TEXT),
                Column(_("Posizioni offerte")),
                Column(_("Posti offerti")),
                Column(_("Posti occupati")),
            ],
            rows=rows,
            total=total,
            note=_(
                "Posti occupati: percorsi in corso nel periodo presso una posizione della rete."
            ),
        )
    )

    follow_ups = _follow_ups(ids, start, end)
    rows = []
    for pk, name in comuni:
        counts = follow_ups.get(pk, {})
        values = [counts.get(s.value, 0) for s in SITUATIONS]
        rows.append([name, *values, sum(values)])
    width = len(SITUATIONS) + 1
    total = (
        [str(TOTAL_LABEL)] + [sum_column(rows, i) for i in range(1, width + 1)] if totals else None
    )
    report.tables.append(
        Table(
            sheet=_("Monitoraggio"),
            title=_("Situazione al monitoraggio successivo"),
            columns=[Column(_("Comune"), TEXT)]
            + [Column(str(s.label)) for s in SITUATIONS]
            + [Column(_("Persone monitorate"))],
            rows=rows,
            total=total,
            note=_(
                "Percorsi con un monitoraggio nel periodo, contati una volta secondo l'ultima "
                "situazione registrata."
            ),
        )
    )
    return report
