"""Read side of the agenda: the desk's operators, a day's or a week's appointments (scoped to the
user's Comuni), a referral's appointments with their history."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from casework.cases.deadlines import deadline_state
from casework.permissions.access import scope
from casework.permissions.names import display_name
from casework.permissions.roles import AGENCY_OPERATOR

from .models import Appointment, AppointmentChange, AppointmentStatus

DAY = "day"


WEEK = "week"


def agency_operators():
    """Active members of the agency, by name: whom an appointment can be booked with."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=AGENCY_OPERATOR)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def initials(person):
    return "".join(part[:1].upper() + "." for part in (person.first_name, person.last_name) if part)


def period(view, on):
    """First day and day after the last of the day or the (Monday-first) week holding ``on``."""
    if view == WEEK:
        start = on - datetime.timedelta(days=on.weekday())
        return start, start + datetime.timedelta(days=7)
    return on, on + datetime.timedelta(days=1)


def _aware_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def appointments_between(user, start, end, *, operator=None, include_closed=True):
    """Appointments from ``start`` (a date) to before ``end``, of the user's Comuni, in time
    order, with what a slot shows fetched in the same query."""
    queryset = scope(
        Appointment.objects.filter(
            starts_at__gte=_aware_midnight(start), starts_at__lt=_aware_midnight(end)
        ),
        user,
        "referral__comune",
    ).select_related("referral__beneficiary", "referral__comune", "operator")
    if operator is not None:
        queryset = queryset.filter(operator=operator)
    if not include_closed:
        queryset = queryset.exclude(status=AppointmentStatus.CANCELLED)
    return queryset.order_by("starts_at", "pk")


@dataclass
class Slot:
    appointment: Appointment
    starts: datetime.datetime
    ends: datetime.datetime
    person_label: str
    operator_name: str
    due_on: datetime.date | None
    late: bool


@dataclass
class Day:
    on: datetime.date
    slots: list = field(default_factory=list)
    is_today: bool = False
    link: str = ""


def agenda(user, *, view, on, operator=None):
    """The days of the period, each with its slots. The week shows the person's initials, the
    day view the full name."""
    start, end = period(view, on)
    days = {}
    current = start
    today = timezone.localdate()
    while current < end:
        days[current] = Day(on=current, is_today=current == today)
        current += datetime.timedelta(days=1)
    for appointment in appointments_between(user, start, end, operator=operator):
        person = appointment.referral.beneficiary
        starts = timezone.localtime(appointment.starts_at)
        due = appointment.referral.intake_due_on
        days[starts.date()].slots.append(
            Slot(
                appointment=appointment,
                starts=starts,
                ends=timezone.localtime(appointment.ends_at),
                person_label=initials(person) if view == WEEK else person.full_name,
                operator_name=display_name(appointment.operator),
                due_on=due,
                late=due is not None and starts.date() > due,
            )
        )
    return list(days.values())


def referral_appointments(referral):
    """A referral's appointments, newest first, each with its history and names fetched."""
    changes = AppointmentChange.objects.select_related("by").order_by("at", "pk")
    return list(
        Appointment.objects.filter(referral=referral)
        .select_related("operator", "created_by")
        .prefetch_related(Prefetch("changes", queryset=changes))
        .order_by("-starts_at", "-pk")
    )


def booked_appointment(referral):
    return (
        Appointment.objects.filter(referral=referral, status=AppointmentStatus.BOOKED)
        .order_by("starts_at")
        .first()
    )


def deadline_of(referral):
    return deadline_state(referral.intake_due_on)
