"""What the agenda adds to the admin: its URLs, the "Agenda" menu item, its section of the
referral's page and the history labels of appointment changes."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from casework.cases.inspect import REFERRAL_PAGE_HOOK
from casework.cases.models import Referral
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from . import services
from .models import Appointment
from .referral_page import referral_page_context
from .views import (
    AGENDA_URL_NAME,
    BOOK_URL_NAME,
    FEED_ADDRESS_URL_NAME,
    AgendaView,
    AppointmentLetterView,
    AttendanceView,
    BookAppointmentView,
    CancelAppointmentView,
    FeedTokenView,
    NoShowView,
    RescheduleView,
)

AGENDA_LOG_ACTIONS = [
    (services.LOG_BOOKED, _("Appuntamento fissato"), _("Primo appuntamento fissato")),
    (services.LOG_RESCHEDULED, _("Appuntamento spostato"), _("Primo appuntamento spostato")),
    (services.LOG_CANCELLED, _("Appuntamento annullato"), _("Primo appuntamento annullato")),
    (services.LOG_NO_SHOW, _("Assenza all'appuntamento"), _("Persona assente all'appuntamento")),
    (services.LOG_ATTENDED, _("Appuntamento svolto"), _("Primo appuntamento svolto")),
]


def _scoped(model, field):
    return lambda request: scope(model.objects.all(), request.user, field)


def agenda_urlpatterns():
    """The agenda's admin URLs. Those with a pk answer 404 outside the user's Comuni before any
    permission check (the views look their object up in the scope as well)."""
    screens = [
        path("casework/agenda/", AgendaView.as_view(), name=AGENDA_URL_NAME),
        path("casework/agenda/calendario/", FeedTokenView.as_view(), name=FEED_ADDRESS_URL_NAME),
    ]
    booking = [
        path("casework/agenda/book/<int:pk>/", BookAppointmentView.as_view(), name=BOOK_URL_NAME),
    ]
    appointments = [
        path(
            "casework/agenda/<int:pk>/reschedule/",
            RescheduleView.as_view(),
            name="casework_appointment_reschedule",
        ),
        path(
            "casework/agenda/<int:pk>/cancel/",
            CancelAppointmentView.as_view(),
            name="casework_appointment_cancel",
        ),
        path(
            "casework/agenda/<int:pk>/no-show/",
            NoShowView.as_view(),
            name="casework_appointment_no_show",
        ),
        path(
            "casework/agenda/<int:pk>/attended/",
            AttendanceView.as_view(),
            name="casework_appointment_attended",
        ),
        path(
            "casework/agenda/<int:pk>/letter.pdf",
            AppointmentLetterView.as_view(),
            name="casework_appointment_letter",
        ),
    ]
    return (
        screens
        + guard_urlpatterns(booking, _scoped(Referral, "comune"))
        + guard_urlpatterns(appointments, _scoped(Appointment, "referral__comune"))
    )


class AgendaMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("casework.view_appointment")


def agenda_menu_item():
    return AgendaMenuItem(
        _("Agenda"), reverse(AGENDA_URL_NAME), name="agenda", icon_name="date", order=205
    )


def register_log_actions(actions):
    for action, label, message in AGENDA_LOG_ACTIONS:
        actions.register_action(action, label, message)


def register(hooks):
    hooks.register("register_admin_urls", agenda_urlpatterns)
    hooks.register("register_admin_menu_item", agenda_menu_item)
    hooks.register(REFERRAL_PAGE_HOOK, referral_page_context)
    hooks.register("register_log_actions", register_log_actions)
