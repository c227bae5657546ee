"""What the papers of a tirocinio state about allowance and attendance."""

from .models import DGR
from .rules import max_months, minimum_allowance, rules_for


def training_terms(pathway):
    """The terms a tirocinio's training project states, read from its edition's rules.

    Returns ``monthly_allowance`` (Decimal, euro), ``min_attendance_percent`` (int),
    ``max_months`` (int) and ``rule_reference`` (str, the regional act)."""
    rules = rules_for(pathway)
    return {
        "monthly_allowance": minimum_allowance(pathway, rules),
        "min_attendance_percent": rules.min_attendance_percent,
        "max_months": max_months(rules, pathway.referral.beneficiary.target_group),
        "rule_reference": DGR,
    }


def _missing_annotations(queryset):
    """Annotates ``has_start_cob``, ``has_end_cob``, ``extension_count`` and
    ``extension_cob_count`` on pathways (subqueries: one query for the whole list)."""
    from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from .choices import CommunicationKind
    from .models import TraineeshipCommunication, TraineeshipExtension

    def _count(model, **filters):
        return Coalesce(
            Subquery(
                model.objects.filter(pathway=OuterRef("pk"), **filters)
                .order_by()
                .values("pathway")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    def _sent(kind):
        return Exists(TraineeshipCommunication.objects.filter(pathway=OuterRef("pk"), kind=kind))

    return queryset.annotate(
        has_start_cob=_sent(CommunicationKind.START),
        has_end_cob=_sent(CommunicationKind.END),
        extension_count=_count(TraineeshipExtension),
        extension_cob_count=_count(TraineeshipCommunication, kind=CommunicationKind.EXTENSION),
    )


def _missing_filter():
    from django.db.models import F, Q

    from casework.cases.choices import ENDED_PATHWAY_STATUSES

    return (
        Q(has_start_cob=False)
        | Q(status__in=ENDED_PATHWAY_STATUSES, has_end_cob=False)
        | Q(extension_count__gt=F("extension_cob_count"))
    )


def missing_communications(pathway):
    """The COB a tirocinio still lacks (``CommunicationKind`` members, with ``label``): start once active (the law wants it by the day
    before the start; shown from the activation), one per extension, end once ended."""
    from casework.cases.choices import ENDED_PATHWAY_STATUSES
    from network.choices import PathwayType

    from .choices import CommunicationKind

    if pathway.pathway_type != PathwayType.TIROCINIO or pathway.activated_on is None:
        return []
    sent = list(pathway.traineeship_communications.values_list("kind", flat=True))
    missing = []
    if CommunicationKind.START not in sent:
        missing.append(CommunicationKind.START)
    extensions = pathway.traineeship_extensions.count()
    for _number in range(max(extensions - sent.count(CommunicationKind.EXTENSION), 0)):
        missing.append(CommunicationKind.EXTENSION)
    if pathway.status in ENDED_PATHWAY_STATUSES and CommunicationKind.END not in sent:
        missing.append(CommunicationKind.END)
    return missing


def missing_communication_pathways(user):
    """The tirocini of the user's Comuni that lack a COB, oldest activation first."""
    from casework.cases.models import Pathway
    from casework.permissions.access import scope
    from network.choices import PathwayType

    queryset = scope(
        Pathway.objects.filter(pathway_type=PathwayType.TIROCINIO, activated_on__isnull=False),
        user,
        "comune",
    )
    return (
        _missing_annotations(queryset)
        .filter(_missing_filter())
        .select_related("referral__beneficiary", "host", "comune")
        .order_by("activated_on", "pk")
    )


def missing_kinds_of(row):
    """The missing COB of a row of ``missing_communication_pathways`` (from its annotations)."""
    from casework.cases.choices import ENDED_PATHWAY_STATUSES

    from .choices import CommunicationKind

    kinds = []
    if not row.has_start_cob:
        kinds.append(CommunicationKind.START)
    kinds += [CommunicationKind.EXTENSION] * max(row.extension_count - row.extension_cob_count, 0)
    if row.status in ENDED_PATHWAY_STATUSES and not row.has_end_cob:
        kinds.append(CommunicationKind.END)
    return kinds
