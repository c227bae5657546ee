"""The agenda's section of a referral's page: its appointments with their history, the booking
button and, per appointment, move / cancel / no-show / attended and the letter."""

from django.urls import reverse
from django.utils import timezone

from casework.cases.deadlines import WAITING_INTAKE
from casework.permissions.access import is_agency_operator, is_programme_manager
from casework.permissions.names import display_name

from .models import AppointmentStatus
from .selectors import referral_appointments
from .views import BOOK_URL_NAME, may_book


def _may_change(user):
    return user.has_perm("casework.change_appointment") and (
        is_agency_operator(user) or is_programme_manager(user)
    )


def referral_page_context(referral, user):
    if not user.has_perm("casework.view_appointment"):
        return None
    appointments = referral_appointments(referral)
    may_change = _may_change(user)
    now = timezone.now()
    rows = []
    for appointment in appointments:
        booked = appointment.status == AppointmentStatus.BOOKED
        started = appointment.starts_at <= now
        actions = []
        if booked and may_change:
            pk = appointment.pk
            actions.append(("reschedule", reverse("casework_appointment_reschedule", args=[pk])))
            actions.append(("cancel", reverse("casework_appointment_cancel", args=[pk])))
            if started:
                actions.append(("attended", reverse("casework_appointment_attended", args=[pk])))
                actions.append(("no_show", reverse("casework_appointment_no_show", args=[pk])))
        rows.append(
            {
                "appointment": appointment,
                "starts": timezone.localtime(appointment.starts_at),
                "ends": timezone.localtime(appointment.ends_at),
                "operator": display_name(appointment.operator),
                "late": appointment.is_late,
                "actions": dict(actions),
                "letter_url": reverse("casework_appointment_letter", args=[appointment.pk])
                if booked
                else None,
                "changes": [
                    {
                        "change": change,
                        "at": timezone.localtime(change.at),
                        "by": display_name(change.by),
                        "old": timezone.localtime(change.old_starts_at)
                        if change.old_starts_at
                        else None,
                        "new": timezone.localtime(change.new_starts_at)
                        if change.new_starts_at
                        else None,
                    }
                    for change in appointment.changes.all()
                ],
            }
        )
    has_booked = any(a.status == AppointmentStatus.BOOKED for a in appointments)
    can_book = may_book(user) and referral.status in WAITING_INTAKE and not has_booked
    return {
        "agenda_section": {
            "rows": rows,
            "book_url": reverse(BOOK_URL_NAME, args=[referral.pk]) if can_book else None,
            "waiting_intake": referral.status in WAITING_INTAKE,
        }
    }
