"""Demo appointments: the first access at the desk for a few referrals waiting for intake."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.cases.deadlines import WAITING_INTAKE
from casework.cases.models import Referral

from .models import Appointment
from .services import book_appointment

DEMO_OPERATOR = "agenzia"


DEMO_APPOINTMENTS = 5


def _slot(index):
    """Weekday mornings from tomorrow, two a day (9:00 and 10:00)."""
    day = timezone.localdate()
    for _ in range(1 + index // 2):
        day += datetime.timedelta(days=1)
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
    moment = datetime.datetime.combine(day, datetime.time(9 + index % 2, 0))
    return timezone.make_aware(moment)


def load_appointments(context):
    operator = get_user_model().objects.filter(username=DEMO_OPERATOR).first()
    if operator is None or Appointment.objects.exists():
        context["stdout"].write("  appuntamenti demo già presenti o nessun operatore demo")
        return
    referrals = Referral.objects.filter(status__in=WAITING_INTAKE).order_by("pk")
    booked = 0
    for index, referral in enumerate(referrals[:DEMO_APPOINTMENTS]):
        starts = _slot(index)
        late = ""
        if referral.intake_due_on and timezone.localdate(starts) > referral.intake_due_on:
            late = "Persona raggiungibile solo dopo la scadenza (demo)."
        book_appointment(
            referral, starts_at=starts, operator=operator, user=operator, late_reason=late
        )
        booked += 1
    context["stdout"].write(f"  appuntamenti demo: {booked}")
