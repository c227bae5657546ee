"""The case pages: a person's, a referral's and a pathway's inspect views, each opening audited.
They are the home of a record: the listings open them, they carry the workflow buttons, the
history and "Modifica"; a person's page is their timeline (``casework.cases.timeline``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, InspectView

from casework.admin_base import add_service_errors
from casework.audit.services import Action, record_event
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.permissions.access import can_read_confidential_notes, is_programme_manager, scope

from . import forms
from .deadlines import DEADLINE_LABELS, annotate_pathway_deadline, annotate_referral_deadline
from .models import Pathway, PathwayActivity, Referral
from .timeline import full_name, person_timeline
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
    success_message = gettext_lazy("Persona «%(object)s» aggiornata.")


class BeneficiaryCreateView(CreateView):
    success_message = gettext_lazy("Persona «%(object)s» creata.")


class BeneficiaryDeleteView(DeleteView):
    success_message = gettext_lazy("Persona «%(object)s» eliminata.")


class ReferralDeleteView(DeleteView):
    success_message = gettext_lazy("Segnalazione «%(object)s» eliminata.")


class PathwayDeleteView(DeleteView):
    success_message = gettext_lazy("Percorso «%(object)s» eliminato.")


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
    success_message = gettext_lazy("Segnalazione «%(object)s» aggiornata.")


class PathwayEditView(ServiceSaveMixin, AuditedEditView):
    update_service = cases_pathways.update_pathway
    success_message = gettext_lazy("Percorso «%(object)s» aggiornato.")


EMPTY = "—"
HISTORY_LIMIT = 20

# Sections other areas add to a pathway's page: ``hooks.register(PATHWAY_PAGE_HOOK, fn)`` with
# ``fn(pathway, user)`` returning a dict merged into the page's context (the money area adds
# ``delivery``, read by ``casework/money/_pathway_delivery.html``), or None.
PATHWAY_PAGE_HOOK = "casework_pathway_page_context"

# The same for a referral's page (the agenda adds ``agenda_section``, read by
# ``casework/agenda/_referral_appointments.html``).
REFERRAL_PAGE_HOOK = "casework_referral_page_context"


def display_value(value):
    """A field's value as the case pages show it: dates gg/mm/aaaa, moments in Europe/Rome,
    yes/no in Italian, "—" for nothing."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Sì") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    return value


def history(instance, limit=HISTORY_LIMIT):
    """The record's history (Wagtail's log entries), newest first, as the page shows it: local
    time, the operator's full name, the action's Italian label and message."""
    entries = (
        log_registry.get_logs_for_instance(instance)
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )
    rows = []
    for entry in entries:
        rows.append(
            {
                "at": timezone.localtime(entry.timestamp),
                "who": full_name(entry.user) or EMPTY,
                "label": entry.label,
                "message": entry.message,
                "comment": entry.comment,
            }
        )
    return rows


class CasePageMixin:
    """What the three case pages share: Italian values, "Modifica" as a visible action (not
    behind "…"), the history."""

    page_title = gettext_lazy("Scheda")  # Wagtail's "Controlla" reads as a command

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(field, models.ForeignKey) and value is not None:
            return value
        return display_value(value)

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if edit_url := self.get_edit_url():
            buttons.append(HeaderButton(_("Modifica"), url=edit_url, icon_name="edit"))
        return buttons

    @property
    def header_more_buttons(self):
        edit_url = self.get_edit_url()
        return [button for button in super().header_more_buttons if button.url != edit_url]

    def history_url(self):
        name = f"wagtailsnippets_casework_{self.model._meta.model_name}:history"
        try:
            return reverse(name, args=[self.object.pk])
        except NoReverseMatch:
            return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(history=history(self.object), history_url=self.history_url())
        return context


class ConfidentialInspectMixin:
    """Drops the confidential notes from the inspected fields of users who may not read them."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail lists the fields before fetching the object: filter once both are known.
        if not can_read_confidential_notes(request.user, self.object):
            self.fields = [f for f in self.fields if f != forms.CONFIDENTIAL_FIELD]


class BeneficiaryInspectView(
    AuditedViewMixin, ConfidentialInspectMixin, CasePageMixin, InspectView
):
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
        timeline = person_timeline(person, user)
        context.update(
            person=person,
            notes_visible=can_read_confidential_notes(user, person),
            referrals=timeline["referrals"],
            events=timeline["events"],
            shows_views=is_programme_manager(user),
            access_log_url=(
                reverse("casework_auditevent:index") + f"?beneficiary_id={person.pk}"
                if is_programme_manager(user)
                else None
            ),
        )
        return context


class ReferralInspectView(AuditedViewMixin, CasePageMixin, InspectView):
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
        for hook in hooks.get_hooks(REFERRAL_PAGE_HOOK):
            context.update(hook(referral, self.request.user) or {})
        return context


class PathwayInspectView(AuditedViewMixin, CasePageMixin, InspectView):
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
        for hook in hooks.get_hooks(PATHWAY_PAGE_HOOK):
            context.update(hook(pathway, self.request.user) or {})
        return context
