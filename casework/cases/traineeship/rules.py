"""The regional rules applied to a tirocinio: which edition's rules, the applicable allowance, the
maximum duration by target group, the trainees a host may take at once. Reads only."""

import calendar
import datetime
import math
from decimal import Decimal

from casework.cases.choices import TargetGroup
from network.choices import OrganisationKind

from .models import TraineeshipRules

# Which maximum applies to each of the programme's target groups (see docs/architecture.md).
MAX_MONTHS_FIELD = {
    TargetGroup.GIOVANE: "max_months_giovane",
    TargetGroup.DIFFICOLTA: "max_months_difficolta",
    TargetGroup.SVANTAGGIATO: "max_months_svantaggiato",
}

WORKING_DAYS_PER_WEEK = 5


def rules_on(on):
    """The rules of the edition whose dates cover ``on``; the regional defaults (unsaved) when
    no edition does."""
    if on is not None:
        rules = (
            TraineeshipRules.objects.select_related("edition")
            .filter(edition__starts_on__lte=on, edition__ends_on__gte=on)
            .first()
        )
        if rules is not None:
            return rules
    return TraineeshipRules()


def reference_date(pathway):
    """The day that picks a pathway's edition: its activation, else its intake."""
    return pathway.activated_on or pathway.intake_on


def rules_for(pathway):
    return rules_on(reference_date(pathway))


def max_months(rules, target_group):
    field = MAX_MONTHS_FIELD.get(target_group, "max_months_difficolta")
    return getattr(rules, field)


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suspended_days(pathway, *, exclude_pk=None):
    """Days of the pathway's suspensions (an open one counts up to today); they do not count
    toward the maximum duration."""
    from casework.cases.deadlines import today

    total = 0
    for suspension in pathway.traineeship_suspensions.all():
        if suspension.pk == exclude_pk:
            continue
        end = suspension.ends_on or today()
        total += max((end - suspension.starts_on).days, 0)
    return total


def latest_end(pathway, *, start=None, rules=None, extra_days=0):
    """The last day a tirocinio may run: start + the target's maximum months - 1 day, plus the
    suspended days."""
    start = start or reference_date(pathway)
    rules = rules or rules_on(start)
    months = max_months(rules, pathway.referral.beneficiary.target_group)
    end = add_months(start, months) - datetime.timedelta(days=1)
    return end + datetime.timedelta(days=suspended_days(pathway) + extra_days)


def host_limit(rules, employees):
    """Trainees a host with ``employees`` staff may take at once; None when the headcount is not
    known (not checked)."""
    if employees is None:
        return None
    if employees <= rules.small_host_max_employees:
        return rules.small_host_trainees
    if employees <= rules.medium_host_max_employees:
        return rules.medium_host_trainees
    return math.ceil(employees * rules.large_host_percent / 100)


def weekly_hours(pathway):
    """The weekly hours the tirocinio is planned for: the pathway's own, else its position's."""
    if pathway.hours_per_week is not None:
        return Decimal(pathway.hours_per_week)
    position = pathway.position if pathway.position_id else None
    if position is not None and position.hours_per_week is not None:
        return Decimal(position.hours_per_week)
    return None


def minimum_allowance(pathway, rules=None):
    """The minimum monthly allowance that applies: a public host's, else the reduced one when the
    planned hours stay within the part-time hours a day, else the full one."""
    rules = rules or rules_for(pathway)
    host = pathway.host if pathway.host_id else None
    if host is not None and host.kind == OrganisationKind.ENTE_PUBBLICO:
        return rules.public_host_allowance
    hours = weekly_hours(pathway)
    if hours is not None and hours <= rules.part_time_hours_per_day * WORKING_DAYS_PER_WEEK:
        return rules.reduced_allowance
    return rules.monthly_allowance
