"""The programme's deadlines: their arithmetic and the read-side queries that show them.

Intake is due 15 days after the referral (or the group's longer deadline), activation 15 days
after intake. A deadline is "scaduto" once its day has passed and "in scadenza" within
``DUE_SOON_DAYS`` days. The due dates are stored on the rows (``Referral.intake_due_on``,
``Pathway.activation_due_on``) so lists, filters and the dashboard compare a column with today,
served by an index, instead of computing dates per row.
"""

import datetime

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.permissions.access import scope

from .choices import WAITING_ACTIVATION_STATUSES, ReferralStatus
from .models import Pathway, Referral, TeamMeeting
from .rules import ACTIVATION_DEADLINE_DAYS, DUE_SOON_DAYS, TEAM_MEETING_INTERVAL_DAYS

OVERDUE = "overdue"


DUE_SOON = "due_soon"


ON_TIME = "on_time"


DEADLINE_LABELS = {OVERDUE: _("scaduto"), DUE_SOON: _("in scadenza"), ON_TIME: _("nei termini")}


# Only these states still have a deadline running.
WAITING_INTAKE = (ReferralStatus.RECEIVED,)


WAITING_ACTIVATION = WAITING_ACTIVATION_STATUSES


def today():
    return timezone.localdate()


def intake_due(referred_on, days):
    """Calendar days, so the count runs across month and year ends (31/01 + 15 = 15/02)."""
    return referred_on + datetime.timedelta(days=days)


def activation_due(intake_on):
    return intake_on + datetime.timedelta(days=ACTIVATION_DEADLINE_DAYS)


def deadline_state(due_on, *, on=None):
    if due_on is None:
        return None
    on = on or today()
    if due_on < on:
        return OVERDUE
    if due_on <= on + datetime.timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return ON_TIME


def _state_expression(due_field, running, on):
    soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
    return Case(
        When(running & Q(**{f"{due_field}__lt": on}), then=Value(OVERDUE)),
        When(running & Q(**{f"{due_field}__lte": soon}), then=Value(DUE_SOON)),
        When(running, then=Value(ON_TIME)),
        default=Value(""),
        output_field=CharField(),
    )


def annotate_referral_deadline(queryset, *, on=None):
    """Adds ``deadline`` (overdue / due_soon / on_time, "" when no deadline runs)."""
    on = on or today()
    return queryset.annotate(
        deadline=_state_expression("intake_due_on", Q(status__in=WAITING_INTAKE), on)
    )


def annotate_pathway_deadline(queryset, *, on=None):
    on = on or today()
    return queryset.annotate(
        deadline=_state_expression("activation_due_on", Q(status__in=WAITING_ACTIVATION), on)
    )


def filter_referrals_by_deadline(queryset, state, *, on=None):
    return queryset.filter(_deadline_q("intake_due_on", "status", WAITING_INTAKE, state, on))


def filter_pathways_by_deadline(queryset, state, *, on=None):
    return queryset.filter(
        _deadline_q("activation_due_on", "status", WAITING_ACTIVATION, state, on)
    )


def _deadline_q(due_field, status_field, running, state, on):
    on = on or today()
    soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
    base = Q(**{f"{status_field}__in": running})
    if state == OVERDUE:
        return base & Q(**{f"{due_field}__lt": on})
    if state == DUE_SOON:
        return base & Q(**{f"{due_field}__gte": on, f"{due_field}__lte": soon})
    if state == "late_or_soon":
        return base & Q(**{f"{due_field}__lte": soon})
    return base


def intake_deadlines(user, *, on=None, limit=None):
    """Referrals waiting for intake whose deadline has passed or is within DUE_SOON_DAYS, most
    urgent first, scoped to the user's Comuni."""
    on = on or today()
    queryset = annotate_referral_deadline(
        filter_referrals_by_deadline(
            scope(Referral.objects.all(), user, "comune"), "late_or_soon", on=on
        ),
        on=on,
    ).select_related("beneficiary", "comune")
    queryset = queryset.order_by("intake_due_on", "pk")
    return queryset[:limit] if limit else queryset


def activation_deadlines(user, *, on=None, limit=None):
    on = on or today()
    queryset = annotate_pathway_deadline(
        filter_pathways_by_deadline(
            scope(Pathway.objects.all(), user, "comune"), "late_or_soon", on=on
        ),
        on=on,
    ).select_related("referral__beneficiary", "comune")
    queryset = queryset.order_by("activation_due_on", "pk")
    return queryset[:limit] if limit else queryset


def last_team_meeting():
    return TeamMeeting.objects.order_by("-held_on").first()


def team_meeting_overdue(*, on=None):
    """None when meetings are regular; else the number of days since the last one (or -1 when
    there has never been one)."""
    on = on or today()
    last = last_team_meeting()
    if last is None:
        return -1
    age = (on - last.held_on).days
    return age if age > TEAM_MEETING_INTERVAL_DAYS else None


def team_meeting_agenda(user, *, on=None):
    """What the joint team should look at: cases waiting for a decision (referrals not yet taken
    in charge, pathways still being defined or matched) and cases near or past a deadline."""
    on = on or today()
    waiting_referrals = annotate_referral_deadline(
        scope(Referral.objects.filter(status__in=WAITING_INTAKE), user, "comune"), on=on
    ).select_related("beneficiary", "comune")
    waiting_pathways = annotate_pathway_deadline(
        scope(Pathway.objects.filter(status__in=WAITING_ACTIVATION), user, "comune"), on=on
    ).select_related("referral__beneficiary", "comune")
    return {
        "referrals": list(waiting_referrals.order_by("intake_due_on", "pk")[:50]),
        "pathways": list(waiting_pathways.order_by("activation_due_on", "pk")[:50]),
        "late_or_soon": (
            intake_deadlines(user, on=on).count() + activation_deadlines(user, on=on).count()
        ),
    }
