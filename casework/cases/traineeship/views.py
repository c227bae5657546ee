"""The tirocinio's action screens on the pathway page: compulsory communication, extension,
suspension and resumption. Each one a small form handed to ``services``; the pathway is looked up
in the user's scope (and the URLs are guarded, see ``registration``)."""

from django.utils.translation import gettext_lazy as _

from casework.cases.deadlines import today
from casework.cases.models import Pathway
from casework.cases.views import ServiceActionView

from . import forms, services
from .choices import CommunicationKind
from .models import TraineeshipCommunication, TraineeshipExtension, TraineeshipSuspension
from .selectors import missing_communications

COMMUNICATION_URL = "casework_traineeship_communication"
EXTENSION_URL = "casework_traineeship_extension"
SUSPENSION_URL = "casework_traineeship_suspension"
RESUME_URL = "casework_traineeship_resume"


class TraineeshipActionView(ServiceActionView):
    model = Pathway
    permission = "add"
    header_icon = "date"


class CommunicationView(TraineeshipActionView):
    permission_model = TraineeshipCommunication
    form_class = forms.CommunicationForm
    page_title = _("Comunicazione obbligatoria (COB)")
    success_message = _("Comunicazione obbligatoria registrata.")

    def get_initial(self):
        missing = missing_communications(self.object)
        kind = missing[0] if missing else CommunicationKind.START
        return {"kind": kind, "sent_on": today()}

    def perform(self, data):
        services.record_communication(
            self.object,
            kind=data["kind"],
            sent_on=data["sent_on"],
            protocol=data["protocol"],
            user=self.request.user,
        )
        return self.object


class ExtensionView(TraineeshipActionView):
    permission_model = TraineeshipExtension
    form_class = forms.ExtensionForm
    page_title = _("Proroga del tirocinio")
    success_message = _("Proroga registrata: ricordare la comunicazione obbligatoria.")

    def get_initial(self):
        return {"on": today(), "new_end_on": self.object.planned_end_on}

    def perform(self, data):
        services.extend_traineeship(
            self.object,
            on=data["on"],
            new_end_on=data["new_end_on"],
            reason=data["reason"],
            user=self.request.user,
        )
        return self.object


class SuspensionView(TraineeshipActionView):
    permission_model = TraineeshipSuspension
    form_class = forms.SuspensionForm
    page_title = _("Sospensione del tirocinio")
    success_message = _("Sospensione registrata.")

    def get_initial(self):
        return {"on": today()}

    def perform(self, data):
        services.suspend_traineeship(
            self.object, on=data["on"], reason=data["reason"], user=self.request.user
        )
        return self.object


class ResumeView(TraineeshipActionView):
    permission_model = TraineeshipSuspension
    permission = "change"
    form_class = forms.ResumeForm
    page_title = _("Ripresa del tirocinio")
    success_message = _("Ripresa del tirocinio registrata.")

    def get_initial(self):
        return {"on": today()}

    def perform(self, data):
        services.resume_traineeship(self.object, on=data["on"], user=self.request.user)
        return self.object
