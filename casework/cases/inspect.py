"""The case pages: a person's, a referral's and a pathway's inspect views, each opening audited."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.snippets.views.snippets import EditView, InspectView

from casework.admin_base import add_service_errors
from casework.audit.services import Action, record_event
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.permissions.access import can_read_confidential_notes, is_programme_manager, scope

from . import forms
from .deadlines import DEADLINE_LABELS, annotate_pathway_deadline, annotate_referral_deadline
from .models import FollowUp, Pathway, PathwayActivity, Referral, TeamMeeting
from .views import (
    CHANGE_RESIDENCE_URL_NAME,
    _has_perm,
    matching_url,
    pathway_actions,
    referral_actions,
)


class AuditedViewMixin:
    """Every opening of a person's record (inspect, edit) leaves an AuditEvent VIEW."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200 and getattr(self, "object", None) is not None:
            record_event(request.user, Action.VIEW, self.object, detail=self.view_name)
        return response


class AuditedEditView(AuditedViewMixin, EditView):
    pass


class ServiceSaveMixin:
    """The save step of a snippet edit (and of "revert to this revision") hands the form's
    cleaned data to the area's service, which checks the rules, sets what follows from them
    (deadlines) and saves; then Wagtail's revision and history entry are written as its own
    edit action does. A refusal puts the service's message on the form and nothing is saved."""

    update_service = None  # ``service(instance, *, user, **changes)``

    def service_changes(self):
        fields = self.form.fields
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name in fields and not fields[name].disabled
        }

    def save_instance(self):
        user = self.request.user
        try:
            instance = type(self).update_service(
                self.form.instance, user=user, **self.service_changes()
            )
        except ValidationError as error:
            add_service_errors(self.form, error)
            raise
        self.form.instance = instance
        changed = self.form.has_changed()
        self.has_content_changes = changed
        if self.view_name == "revisions_revert":
            # Logged by Wagtail as "wagtail.revert", naming the revision brought back.
            self.new_revision = instance.save_revision(
                user=user, log_action=True, previous_revision=self.revision
            )
            return instance
        self.new_revision = instance.save_revision(
            user=user, changed=changed, overwrite_revision=self.overwrite_revision
        )
        log(
            instance=instance,
            action="wagtail.edit",
            user=user,
            revision=self.new_revision,
            content_changed=changed,
        )
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError:
            # The save's transaction is rolled back; the form now carries the refusal.
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ReferralEditView(ServiceSaveMixin, AuditedEditView):
    update_service = cases_referrals.update_referral


class PathwayEditView(ServiceSaveMixin, AuditedEditView):
    update_service = cases_pathways.update_pathway


class ConfidentialInspectMixin:
    """Drops the confidential notes from the inspected fields of users who may not read them."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail lists the fields before fetching the object: filter once both are known.
        if not can_read_confidential_notes(request.user, self.object):
            self.fields = [f for f in self.fields if f != forms.CONFIDENTIAL_FIELD]


class BeneficiaryInspectView(AuditedViewMixin, ConfidentialInspectMixin, InspectView):
    template_name = "casework/beneficiary_inspect.html"

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if is_programme_manager(self.request.user):
            url = reverse(CHANGE_RESIDENCE_URL_NAME, args=[self.object.pk])
            buttons.append(HeaderButton(_("Cambia residenza"), url=url, icon_name="home"))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        user = self.request.user
        referrals = (
            scope(person.referrals.all(), user, "comune")
            .select_related("comune")
            .prefetch_related(
                Prefetch(
                    "pathways",
                    queryset=Pathway.objects.select_related("host", "position").prefetch_related(
                        Prefetch(
                            "activities",
                            queryset=PathwayActivity.objects.select_related("done_by"),
                        ),
                        Prefetch("follow_ups", queryset=FollowUp.objects.order_by("on")),
                        "vouchers",
                    ),
                ),
                Prefetch("team_meetings", queryset=TeamMeeting.objects.order_by("held_on")),
            )
            .order_by("referred_on", "pk")
        )
        context.update(
            person=person,
            notes_visible=can_read_confidential_notes(user, person),
            referrals=referrals,
            access_log_url=(
                reverse("casework_auditevent:index") + f"?beneficiary_id={person.pk}"
                if is_programme_manager(user)
                else None
            ),
        )
        return context


class ReferralInspectView(AuditedViewMixin, InspectView):
    template_name = "casework/referral_inspect.html"

    def get_object(self, queryset=None):
        queryset = annotate_referral_deadline(Referral.objects.select_related("beneficiary"))
        return get_object_or_404(scope(queryset, self.request.user, "comune"), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referral = self.object
        context.update(
            referral=referral,
            deadline_label=DEADLINE_LABELS.get(referral.deadline, ""),
            pathways=referral.pathways.all(),
            actions=referral_actions(self.request.user, referral),
        )
        return context


class PathwayInspectView(AuditedViewMixin, InspectView):
    template_name = "casework/pathway_inspect.html"

    def get_object(self, queryset=None):
        queryset = annotate_pathway_deadline(
            Pathway.objects.select_related("referral__beneficiary", "host", "position")
        )
        return get_object_or_404(scope(queryset, self.request.user, "comune"), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pathway = self.object
        can_tick = _has_perm(self.request.user, PathwayActivity, "change")
        context.update(
            pathway=pathway,
            deadline_label=DEADLINE_LABELS.get(pathway.deadline, ""),
            activities=pathway.activities.select_related("done_by").order_by("pk"),
            follow_ups=pathway.follow_ups.all(),
            actions=pathway_actions(self.request.user, pathway),
            matching_url=matching_url(pathway),
            can_tick=can_tick,
        )
        return context
