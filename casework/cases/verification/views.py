"""The screens of review meetings: record one on a pathway, correct one. Both hand the form to
the services; a record of a Comune the user does not see is a 404 (``urlpatterns``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy

from casework.audit.services import Action, record_event
from casework.cases.models import Pathway
from casework.cases.views import ServiceActionView
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from . import services
from .forms import VerificationMeetingForm
from .models import VerificationMeeting
from .selectors import EDIT_URL, RECORD_URL

SECTION = "#incontri-verifica"


def _section_url(pathway_pk):
    """The pathway's page, at its review meetings."""
    return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway_pk]) + SECTION


def _changes(data):
    return {
        "held_on": data["held_on"],
        "participants": data["participants"],
        "participant_names": data["participant_names"],
        "minutes": data["minutes"],
        "next_meeting_on": data["next_meeting_on"],
    }


class RecordVerificationView(ServiceActionView):
    model = Pathway
    permission_model = VerificationMeeting
    permission = "add"
    form_class = VerificationMeetingForm
    header_icon = "group"
    page_title = gettext_lazy("Registra un incontro di verifica")
    success_message = gettext_lazy("Incontro di verifica registrato.")

    def get_success_url(self):
        return _section_url(self.object.pk)

    def get_cancel_url(self):
        return _section_url(self.object.pk)

    def perform(self, data):
        return services.record_verification_meeting(
            self.object, user=self.request.user, **_changes(data)
        )


class EditVerificationView(ServiceActionView):
    model = VerificationMeeting
    scope_field = "pathway__comune"
    form_class = VerificationMeetingForm
    header_icon = "edit"
    page_title = gettext_lazy("Modifica l'incontro di verifica")
    success_message = gettext_lazy("Incontro di verifica aggiornato.")

    def get(self, request, *args, **kwargs):
        # The form shows the minutes: an opening of the person's data.
        record_event(request.user, Action.VIEW, self.object, detail="incontro di verifica")
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.object.pathway} – {self.object.held_on:%d/%m/%Y}"

    def get_initial(self):
        meeting = self.object
        return {
            "held_on": meeting.held_on,
            "participants": meeting.party_codes,
            "participant_names": meeting.participant_names,
            "minutes": meeting.minutes,
            "next_meeting_on": meeting.next_meeting_on,
        }

    def get_success_url(self):
        return _section_url(self.object.pathway_id)

    def get_cancel_url(self):
        return _section_url(self.object.pathway_id)

    def perform(self, data):
        return services.update_verification_meeting(
            self.object, user=self.request.user, **_changes(data)
        )


def urlpatterns():
    record = path(
        "casework/pathway/<int:pk>/verification/",
        RecordVerificationView.as_view(),
        name=RECORD_URL,
    )
    edit = path(
        "casework/verification/<int:pk>/edit/",
        EditVerificationView.as_view(),
        name=EDIT_URL,
    )
    return guard_urlpatterns(
        [record], lambda request: scope(Pathway.objects.all(), request.user, "comune")
    ) + guard_urlpatterns(
        [edit],
        lambda request: scope(VerificationMeeting.objects.all(), request.user, "pathway__comune"),
    )
