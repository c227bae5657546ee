"""The regional rules the pathway services enforce on a tirocinio (placement at a host within its
trainees limit, planned end within the maximum duration). Raise an Italian ValidationError."""

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from casework.cases.choices import PathwayStatus, TargetGroup
from network.choices import PathwayType

from .rules import host_limit, latest_end, max_months, rules_on

MSG_HOST_TRAINEES_LIMIT = ngettext_lazy(
    "L'ente ospitante ha %(employees)s dipendenti: può accogliere al massimo %(limit)s "
    "tirocinante (DGR 7763/2018).",
    "L'ente ospitante ha %(employees)s dipendenti: può accogliere al massimo %(limit)s "
    "tirocinanti contemporaneamente (DGR 7763/2018).",
    "limit",
)

MSG_PLANNED_END_OVER_MAXIMUM = _(
    "La fine prevista supera la durata massima del tirocinio per «%(target)s»: %(months)s mesi, "
    "cioè entro il %(latest)s (DGR 7763/2018)."
)


def is_traineeship(pathway):
    return pathway.pathway_type == PathwayType.TIROCINIO


def check_host_capacity(pathway, host, *, on=None):
    """A tirocinio at ``host`` fits its limit of concurrent trainees (active tirocini there, this
    one excluded). The host row is locked so two placements cannot both take the last place."""
    from casework.cases.models import Pathway
    from network.models import HostOrganisation

    if not is_traineeship(pathway) or host is None:
        return
    host = HostOrganisation.objects.select_for_update().get(pk=host.pk)
    rules = rules_on(on or pathway.activated_on or pathway.intake_on)
    limit = host_limit(rules, host.employees)
    if limit is None:
        return
    active = (
        Pathway.objects.filter(
            host_id=host.pk, pathway_type=PathwayType.TIROCINIO, status=PathwayStatus.ACTIVE
        )
        .exclude(pk=pathway.pk)
        .count()
    )
    if active >= limit:
        raise ValidationError(
            {"position": MSG_HOST_TRAINEES_LIMIT % {"employees": host.employees, "limit": limit}}
        )


def check_planned_end(pathway, planned_end_on, *, start=None, field="planned_end_on"):
    """A tirocinio's planned end within the maximum duration for the person's target group,
    counted from ``start`` (activation; before it, the intake: the earliest start), suspended
    days not counted."""
    if not is_traineeship(pathway) or planned_end_on is None:
        return
    start = start or pathway.activated_on or pathway.intake_on
    rules = rules_on(start)
    latest = latest_end(pathway, start=start, rules=rules)
    if planned_end_on > latest:
        target = pathway.referral.beneficiary.target_group
        raise ValidationError(
            {
                field: MSG_PLANNED_END_OVER_MAXIMUM
                % {
                    "target": TargetGroup(target).label if target else "—",
                    "months": max_months(rules, target),
                    "latest": date_format(latest, "d/m/Y"),
                }
            }
        )
