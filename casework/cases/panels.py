"""Admin-home dashboard panels and the team meeting's proposed agenda, scoped to the user."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, Panel
from wagtail.admin.ui.components import Component

from casework.permissions.access import visible_comune_ids

from . import deadlines
from .verification.selectors import overdue_verifications

PANEL_ROWS = 15


# Other parts of the product add sections to the team meeting's agenda (e.g. vouchers waiting for
# a decision) with ``@hooks.register(TEAM_MEETING_AGENDA_HOOK)``: a function
# ``(request, meeting) -> {"title": str, "template": str, "context": dict} | None``.
TEAM_MEETING_AGENDA_HOOK = "casework_team_meeting_agenda"


def _has_case_access(user):
    ids = visible_comune_ids(user)
    return ids is None or bool(ids)


class DeadlinesPanel(Component):
    """Intakes and activations past or within three days of their deadline."""

    name = "casework_deadlines"
    order = 50
    template_name = "casework/panels/deadlines.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        on = deadlines.today()
        intakes = deadlines.intake_deadlines(self.user, on=on)
        activations = deadlines.activation_deadlines(self.user, on=on)
        context.update(
            intakes=list(intakes[:PANEL_ROWS]),
            intake_total=intakes.count(),
            activations=list(activations[:PANEL_ROWS]),
            activation_total=activations.count(),
            labels=deadlines.DEADLINE_LABELS,
            # Every link of the panel only for who may open it.
            can_view_referrals=self.user.has_perm("casework.view_referral"),
            can_view_pathways=self.user.has_perm("casework.view_pathway"),
        )
        if self.user.has_perm("casework.view_verificationmeeting"):
            # Review meetings whose next date passed with no meeting since.
            verifications = overdue_verifications(self.user, on=on)
            context.update(
                verifications=list(verifications[:PANEL_ROWS]),
                verification_total=verifications.count(),
            )
        return context


class TeamMeetingWarningPanel(Component):
    """Shown only when the joint team has not met for more than 15 days."""

    name = "casework_team_meeting_warning"
    order = 40
    template_name = "casework/panels/team_meeting_warning.html"

    def __init__(self, age, user=None):
        self.age = age
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        # "Registra un'équipe" only for who may add one (a social worker only reads meetings).
        can_add = self.user is not None and self.user.has_perm("casework.add_teammeeting")
        context.update(age=self.age, never=self.age == -1, can_add_meeting=can_add)
        return context


def homepage_panels(request, panels):
    user = request.user
    if not _has_case_access(user):
        return
    age = deadlines.team_meeting_overdue()
    if age is not None:
        panels.append(TeamMeetingWarningPanel(age, user))
    panels.append(DeadlinesPanel(user))


class TeamMeetingAgendaPanel(Panel):
    """The proposed agenda on the team meeting form: cases waiting for a decision and cases near
    a deadline, plus the sections other parts register under ``TEAM_MEETING_AGENDA_HOOK``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Ordine del giorno proposto"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "casework/panels/team_meeting_agenda.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            request = self.request
            agenda = deadlines.team_meeting_agenda(request.user)
            meeting = self.instance if self.instance and self.instance.pk else None
            sections = []
            for hook in hooks.get_hooks(TEAM_MEETING_AGENDA_HOOK):
                section = hook(request, meeting)
                if section:
                    sections.append(section)
            context.update(agenda=agenda, labels=deadlines.DEADLINE_LABELS, sections=sections)
            return context


class ConfidentialFieldPanel(FieldPanel):
    """The confidential notes: shown (in the form and in revision comparisons) only to who may
    read them. The form drops the field for the others (``BeneficiaryAdminForm``); this covers
    the screens without a form, like comparing revisions."""

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            from .forms import may_read_notes

            if self.request is None or not may_read_notes(self.request.user, self.instance):
                return False
            return super().is_shown()
