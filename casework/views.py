"""Admin views of the case records that the generic snippet views do not provide: the state-change
actions (small forms that call ``services``), the person's whole story, the new-referral screen
and the access log. Object lookups always go through the user's scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import EditView, InspectView

from . import forms, services
from .access import can_read_confidential_notes, is_programme_manager, scope
from .admin_base import AdminScreenMixin
from .audit import Action, record_event
from .choices import PathwayStatus, ReferralStatus
from .deadlines import (
    DEADLINE_LABELS,
    annotate_pathway_deadline,
    annotate_referral_deadline,
)
from .models import Beneficiary, FollowUp, Pathway, PathwayActivity, Referral, TeamMeeting

MATCHING_URL_NAME = "casework_pathway_matching"
CHANGE_RESIDENCE_URL_NAME = "wagtailsnippets_casework_beneficiary:change_residence"


def matching_url(pathway):
    """The matching screen of the network app, once it is installed."""
    try:
        return reverse(MATCHING_URL_NAME, args=[pathway.pk])
    except NoReverseMatch:
        return None


def _has_perm(user, model, action):
    return user.has_perm(f"casework.{action}_{model._meta.model_name}")


# --- Opening a record is logged ------------------------------------------------------------------


class AuditedViewMixin:
    """Every opening of a person's record (inspect, edit) leaves an AuditEvent VIEW."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200 and getattr(self, "object", None) is not None:
            record_event(request.user, Action.VIEW, self.object, detail=self.view_name)
        return response


class AuditedEditView(AuditedViewMixin, EditView):
    pass


class ConfidentialInspectMixin:
    """Drops the confidential notes from the inspected fields of users who may not read them."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Wagtail lists the fields before fetching the object: filter once both are known.
        if not can_read_confidential_notes(request.user, self.object):
            self.fields = [f for f in self.fields if f != forms.CONFIDENTIAL_FIELD]


# --- The person's whole story ------------------------------------------------------------------


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


# --- State-change actions ----------------------------------------------------------------------


def _action(label, url_name, pk, classname=""):
    return {"label": label, "url": reverse(url_name, args=[pk]), "classname": classname}


def referral_actions(user, referral):
    actions = []
    can_intake = _has_perm(user, Pathway, "add")
    can_change = _has_perm(user, Referral, "change")
    if referral.status == ReferralStatus.RECEIVED:
        if can_intake:
            actions.append(
                _action(
                    _("Prendi in carico"), "wagtailsnippets_casework_referral:take", referral.pk
                )
            )
            actions.append(
                _action(
                    _("Non accogliere"), "wagtailsnippets_casework_referral:decline", referral.pk
                )
            )
        if can_change:
            actions.append(
                _action(_("Ritira"), "wagtailsnippets_casework_referral:withdraw", referral.pk)
            )
    elif referral.status == ReferralStatus.TAKEN_IN_CHARGE and can_change:
        actions.append(
            _action(_("Ritira"), "wagtailsnippets_casework_referral:withdraw", referral.pk)
        )
    elif can_change:
        actions.append(
            _action(_("Riapri"), "wagtailsnippets_casework_referral:reopen", referral.pk)
        )
    return actions


def pathway_actions(user, pathway):
    actions = []
    if _has_perm(user, Pathway, "change"):
        if pathway.status in (PathwayStatus.INTAKE, PathwayStatus.MATCHING):
            actions.append(
                _action(
                    _("Definisci il percorso"),
                    "wagtailsnippets_casework_pathway:define",
                    pathway.pk,
                )
            )
            actions.append(
                _action(_("Attiva"), "wagtailsnippets_casework_pathway:activate", pathway.pk)
            )
        if pathway.status == PathwayStatus.ACTIVE:
            actions.append(
                _action(_("Concludi"), "wagtailsnippets_casework_pathway:complete", pathway.pk)
            )
        if pathway.status not in (PathwayStatus.COMPLETED, PathwayStatus.INTERRUPTED):
            actions.append(
                _action(_("Interrompi"), "wagtailsnippets_casework_pathway:interrupt", pathway.pk)
            )
    if pathway.status in (PathwayStatus.COMPLETED, PathwayStatus.INTERRUPTED) and _has_perm(
        user, FollowUp, "add"
    ):
        actions.append(
            _action(
                _("Registra monitoraggio"), "wagtailsnippets_casework_pathway:follow_up", pathway.pk
            )
        )
    return actions


class ServiceActionView(AdminScreenMixin, FormView):
    """A small form whose valid data is handed to one service function; the service's
    ValidationError is shown on the form and nothing is saved."""

    template_name = "casework/action_form.html"
    model = None
    permission = "change"  # codename action on ``permission_model`` (default: ``model``)
    permission_model = None
    scope_field = "comune"
    success_message = ""
    header_icon = "tasks"

    def dispatch(self, request, pk, *args, **kwargs):
        model = self.permission_model or self.model
        if not _has_perm(request.user, model, self.permission):
            raise PermissionDenied
        queryset = scope(self.model.objects.all(), request.user, self.scope_field)
        self.object = get_object_or_404(queryset, pk=pk)
        return super().dispatch(request, pk, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_success_url(self):
        return reverse(
            f"wagtailsnippets_casework_{self.model._meta.model_name}:inspect",
            args=[self.target().pk],
        )

    def target(self):
        return self.result if getattr(self, "result", None) is not None else self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["cancel_url"] = self.get_cancel_url()
        return context

    def get_cancel_url(self):
        return reverse(
            f"wagtailsnippets_casework_{self.model._meta.model_name}:inspect",
            args=[self.object.pk],
        )

    def form_valid(self, form):
        try:
            self.result = self.perform(form.cleaned_data)
        except ValidationError as error:
            forms._add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def perform(self, data):
        raise NotImplementedError


class TakeInChargeView(ServiceActionView):
    model = Referral
    permission_model = Pathway
    permission = "add"
    form_class = forms.TakeInChargeForm
    page_title = gettext_lazy("Presa in carico")
    success_message = gettext_lazy("Persona presa in carico: il percorso è stato creato.")

    def get_initial(self):
        return {
            "on": forms.today(),
            "pathway_type": self.object.proposed_pathway_type or None,
        }

    def perform(self, data):
        return services.take_in_charge(
            self.object,
            on=data["on"],
            user=self.request.user,
            pathway_type=data["pathway_type"],
            chosen_activities=data["chosen_activities"],
        )

    def get_success_url(self):
        return reverse("wagtailsnippets_casework_pathway:inspect", args=[self.result.pk])


class DeclineView(ServiceActionView):
    model = Referral
    permission_model = Pathway
    permission = "add"
    form_class = forms.ReasonForm
    page_title = gettext_lazy("Segnalazione non accolta")
    success_message = gettext_lazy("La segnalazione è stata registrata come non accolta.")

    def perform(self, data):
        return services.decline_referral(self.object, reason=data["reason"], user=self.request.user)


class WithdrawView(ServiceActionView):
    model = Referral
    form_class = forms.ReasonForm
    page_title = gettext_lazy("Ritiro della segnalazione")
    success_message = gettext_lazy("La segnalazione è stata ritirata.")

    def perform(self, data):
        return services.withdraw_referral(
            self.object, reason=data["reason"], user=self.request.user
        )


class ChangeResidenceView(ServiceActionView):
    """The programme manager records a change of residence (``services.change_residence``)."""

    model = Beneficiary
    scope_field = "residence_comune"
    form_class = forms.ChangeResidenceForm
    page_title = gettext_lazy("Cambio di residenza")
    success_message = gettext_lazy("Residenza cambiata.")
    header_icon = "home"

    def dispatch(self, request, pk, *args, **kwargs):
        if not is_programme_manager(request.user):
            raise PermissionDenied
        return super().dispatch(request, pk, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.object}

    def perform(self, data):
        return services.change_residence(
            self.object, comune=data["comune"], user=self.request.user, reason=data["reason"]
        )


class ReopenView(ServiceActionView):
    model = Referral
    form_class = forms.ReopenForm
    page_title = gettext_lazy("Riapertura della segnalazione")
    success_message = gettext_lazy("La segnalazione è stata riaperta.")

    def get_initial(self):
        return {"on": forms.today()}

    def perform(self, data):
        return services.reopen_referral(
            self.object, on=data["on"], reason=data["reason"], user=self.request.user
        )


class DefinePathwayView(ServiceActionView):
    model = Pathway
    form_class = forms.DefinePathwayForm
    page_title = gettext_lazy("Definizione del percorso")
    success_message = gettext_lazy("Percorso definito: ora in ricerca della postazione.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pathway": self.object}

    def perform(self, data):
        return services.define_pathway(self.object, user=self.request.user, **data)


class ActivateView(ServiceActionView):
    model = Pathway
    form_class = forms.ActivateForm
    page_title = gettext_lazy("Attivazione del percorso")
    success_message = gettext_lazy("Il percorso è attivo.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pathway": self.object}

    def get_initial(self):
        return {"on": forms.today()}

    def perform(self, data):
        return services.activate_pathway(
            self.object, on=data["on"], user=self.request.user, position=data["position"]
        )


class CompleteView(ServiceActionView):
    model = Pathway
    form_class = forms.CompleteForm
    page_title = gettext_lazy("Conclusione del percorso")
    success_message = gettext_lazy("Il percorso è concluso.")

    def perform(self, data):
        return services.complete_pathway(
            self.object,
            on=data["on"],
            outcome=data["outcome"],
            note=data["note"],
            user=self.request.user,
        )


class InterruptView(ServiceActionView):
    model = Pathway
    form_class = forms.InterruptForm
    page_title = gettext_lazy("Interruzione del percorso")
    success_message = gettext_lazy("Il percorso è stato interrotto.")

    def perform(self, data):
        return services.interrupt_pathway(
            self.object, on=data["on"], reason=data["reason"], user=self.request.user
        )


class FollowUpView(ServiceActionView):
    model = Pathway
    permission_model = FollowUp
    permission = "add"
    form_class = forms.FollowUpForm
    page_title = gettext_lazy("Monitoraggio successivo")
    success_message = gettext_lazy("Monitoraggio registrato.")

    def perform(self, data):
        services.record_follow_up(
            self.object,
            on=data["on"],
            situation=data["situation"],
            note=data["note"],
            user=self.request.user,
        )
        return self.object


class ActivityDoneView(ServiceActionView):
    """Ticks one item of a pathway's checklist (pk is the activity's)."""

    model = PathwayActivity
    scope_field = "pathway__comune"
    form_class = forms.ActivityDoneForm
    page_title = gettext_lazy("Attività svolta")
    success_message = gettext_lazy("Attività registrata.")

    def get_initial(self):
        return {"on": forms.today(), "note": self.object.note}

    def get_cancel_url(self):
        return reverse("wagtailsnippets_casework_pathway:inspect", args=[self.object.pathway_id])

    def perform(self, data):
        return services.record_activity(
            self.object, on=data["on"], note=data["note"], user=self.request.user
        )

    def get_success_url(self):
        return reverse("wagtailsnippets_casework_pathway:inspect", args=[self.object.pathway_id])


# --- New referral ------------------------------------------------------------------------------


class NewReferralView(AdminScreenMixin, FormView):
    """Replaces the snippet "add" screen of referrals: the person is looked up by tax code."""

    template_name = "casework/new_referral.html"
    form_class = forms.NewReferralForm
    page_title = gettext_lazy("Nuova segnalazione")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not _has_perm(request.user, Referral, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        referral = form.save()
        if referral is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Segnalazione %(protocol)s registrata per %(person)s.")
            % {"protocol": referral.protocol, "person": referral.beneficiary},
        )
        return redirect("wagtailsnippets_casework_referral:inspect", referral.pk)

    @cached_property
    def found_person(self):
        code = self.request.GET.get("tax_code") or self.request.POST.get("tax_code")
        return services.find_beneficiary(code) if code else None

    @cached_property
    def existing_person(self):
        """Shown while typing: the person this tax code belongs to, if the user may see them."""
        person = self.found_person
        if person is None:
            return None
        visible = scope(
            type(person).objects.filter(pk=person.pk), self.request.user, "residence_comune"
        )
        return person if visible.exists() else None

    @property
    def resident_elsewhere(self):
        """The code belongs to another Comune's resident: say so (that Comune refers them), so
        that nobody types the person in again, without showing anything of them."""
        return self.found_person is not None and self.existing_person is None

    def get_initial(self):
        return {"tax_code": self.request.GET.get("tax_code", "")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["existing_person"] = self.existing_person
        if self.resident_elsewhere:
            context["resident_elsewhere_message"] = services.MSG_OTHER_RESIDENCE
        context["person_fields"] = [
            context["form"][name] for name in forms.PERSON_FIELDS if name in context["form"].fields
        ]
        context["referral_fields"] = [
            field
            for field in context["form"]
            if field.name not in forms.PERSON_FIELDS and field.name != "tax_code"
        ]
        return context


# --- The access log (programme manager) ----------------------------------------------------------


class AccessLogIndexView(IndexView):
    """Who opened, changed, exported which person's record; filterable by person and user."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("user")
        person = self.request.GET.get("beneficiary_id")
        if person and person.isdigit():
            queryset = queryset.filter(beneficiary_id=int(person))
        return queryset

    @cached_property
    def header_buttons(self):
        return (
            [
                HeaderButton(
                    _("Tutti gli eventi"),
                    url=reverse("casework_auditevent:index"),
                    icon_name="list-ul",
                )
            ]
            if self.request.GET.get("beneficiary_id")
            else []
        )
