"""The operator's calendar as iCalendar: what their phone's calendar subscribes to. It carries
no personal data beyond the person's initials and the referral's protocol."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Appointment, AppointmentStatus
from .selectors import initials

FEED_PAST_DAYS = 30


def operator_feed(user, *, host="zeroottanta"):
    import datetime

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//ZeroOttanta//Agenda dello sportello//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Sportello ZeroOttanta"))
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    appointments = (
        Appointment.objects.filter(operator=user, starts_at__gte=since)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("referral__beneficiary")
        .order_by("starts_at")
    )
    for appointment in appointments:
        referral = appointment.referral
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@{host}")
        event.add("dtstamp", appointment.updated_at)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        summary = _("Primo colloquio %(initials)s – prot. %(protocol)s") % {
            "initials": initials(referral.beneficiary),
            "protocol": referral.protocol,
        }
        event.add("summary", summary)
        event.add(
            "status",
            "CONFIRMED" if appointment.status != AppointmentStatus.NO_SHOW else "CANCELLED",
        )
        calendar.add_component(event)
    return calendar.to_ical()
