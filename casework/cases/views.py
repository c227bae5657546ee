"""Admin views of the case records that the generic snippet views do not provide: the state-change
actions (small forms that call ``services``), the person's whole story, the new-referral screen
and the access log. Object lookups always go through the user's scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages

from casework.admin_base import AdminScreenMixin
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.permissions.access import is_programme_manager, scope

from . import forms
from .deadlines import WAITING_ACTIVATION
from .models import Beneficiary, Pathway, PathwayActivity, Referral
from .signatures.selectors import missing_message
from .transitions import PATHWAY_TRANSITIONS, REFERRAL_TRANSITIONS, available, user_may

MATCHING_URL_NAME = "casework_pathway_matching"


CHANGE_RESIDENCE_URL_NAME = "wagtailsnippets_casework_beneficiary:change_residence"


def matching_url(pathway):
    """The matching screen, while the pathway still waits for its position: once it is active,
    ended or interrupted, a search for positions is no use to anyone."""
    if pathway.status not in WAITING_ACTIVATION:
        return None
    try:
        return reverse(MATCHING_URL_NAME, args=[pathway.pk])
    except NoReverseMatch:
        return None


def _has_perm(user, model, action):
    return user.has_perm(f"casework.{action}_{model._meta.model_name}")


def _action(label, url_name, pk, classname=""):
    return {"label": label, "url": reverse(url_name, args=[pk]), "classname": classname}


# The button of each transition of ``casework.cases.transitions``: label and URL name.
REFERRAL_BUTTONS = {
    "take": (gettext_lazy("Prendi in carico"), "wagtailsnippets_casework_referral:take"),
    "decline": (gettext_lazy("Non accogliere"), "wagtailsnippets_casework_referral:decline"),
    "withdraw": (gettext_lazy("Ritira"), "wagtailsnippets_casework_referral:withdraw"),
    "reopen": (gettext_lazy("Riapri"), "wagtailsnippets_casework_referral:reopen"),
}


PATHWAY_BUTTONS = {
    "define": (gettext_lazy("Definisci il percorso"), "wagtailsnippets_casework_pathway:define"),
    "activate": (gettext_lazy("Attiva"), "wagtailsnippets_casework_pathway:activate"),
    "complete": (gettext_lazy("Concludi"), "wagtailsnippets_casework_pathway:complete"),
    "interrupt": (gettext_lazy("Interrompi"), "wagtailsnippets_casework_pathway:interrupt"),
    "follow_up": (
        gettext_lazy("Registra monitoraggio"),
        "wagtailsnippets_casework_pathway:follow_up",
    ),
}


def _buttons(table, buttons, user, record):
    """One button per transition the table allows from the record's state to this user: the
    same table the services' guards read."""
    return [
        {**_action(str(buttons[name][0]), buttons[name][1], record.pk), "transition": name}
        for name in available(table, user, record.status)
    ]


def referral_actions(user, referral):
    return _buttons(REFERRAL_TRANSITIONS, REFERRAL_BUTTONS, user, referral)


def pathway_actions(user, pathway):
    return _buttons(PATHWAY_TRANSITIONS, PATHWAY_BUTTONS, user, pathway)


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
    # A state change: its permission is the transition table's, the one the buttons read.
    transitions = None
    transition = None

    def has_permission(self, user):
        if self.transition is not None:
            return user_may(user, self.transitions, self.transition)
        return _has_perm(user, self.permission_model or self.model, self.permission)

    def dispatch(self, request, pk, *args, **kwargs):
        if not self.has_permission(request.user):
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
            forms.add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def perform(self, data):
        raise NotImplementedError


class TakeInChargeView(ServiceActionView):
    model = Referral
    transitions = REFERRAL_TRANSITIONS
    transition = "take"
    form_class = forms.TakeInChargeForm
    page_title = gettext_lazy("Presa in carico")
    success_message = gettext_lazy("Persona presa in carico: il percorso è stato creato.")

    def get_initial(self):
        return {
            "on": forms.today(),
            "pathway_type": self.object.proposed_pathway_type or None,
        }

    def perform(self, data):
        return cases_pathways.take_in_charge(
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
    transitions = REFERRAL_TRANSITIONS
    transition = "decline"
    form_class = forms.ReasonForm
    page_title = gettext_lazy("Segnalazione non accolta")
    success_message = gettext_lazy("La segnalazione è stata registrata come non accolta.")

    def perform(self, data):
        return cases_referrals.decline_referral(
            self.object, reason=data["reason"], user=self.request.user
        )


class WithdrawView(ServiceActionView):
    model = Referral
    transitions = REFERRAL_TRANSITIONS
    transition = "withdraw"
    form_class = forms.ReasonForm
    page_title = gettext_lazy("Ritiro della segnalazione")
    success_message = gettext_lazy("La segnalazione è stata ritirata.")

    def perform(self, data):
        return cases_referrals.withdraw_referral(
            self.object, reason=data["reason"], user=self.request.user
        )


class ChangeResidenceView(ServiceActionView):
    """The programme manager records a change of residence (``cases_referrals.change_residence``)."""

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
        return cases_referrals.change_residence(
            self.object, comune=data["comune"], user=self.request.user, reason=data["reason"]
        )


class ReopenView(ServiceActionView):
    model = Referral
    transitions = REFERRAL_TRANSITIONS
    transition = "reopen"
    form_class = forms.ReopenForm
    page_title = gettext_lazy("Riapertura della segnalazione")
    success_message = gettext_lazy("La segnalazione è stata riaperta.")

    def get_initial(self):
        return {"on": forms.today()}

    def perform(self, data):
        return cases_referrals.reopen_referral(
            self.object, on=data["on"], reason=data["reason"], user=self.request.user
        )


class DefinePathwayView(ServiceActionView):
    model = Pathway
    transitions = PATHWAY_TRANSITIONS
    transition = "define"
    form_class = forms.DefinePathwayForm
    page_title = gettext_lazy("Definizione del percorso")
    success_message = gettext_lazy("Percorso definito: ora in ricerca della postazione.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pathway": self.object}

    def perform(self, data):
        return cases_pathways.define_pathway(self.object, user=self.request.user, **data)


class ActivateView(ServiceActionView):
    model = Pathway
    transitions = PATHWAY_TRANSITIONS
    transition = "activate"
    form_class = forms.ActivateForm
    page_title = gettext_lazy("Attivazione del percorso")
    success_message = gettext_lazy("Il percorso è attivo.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pathway": self.object}

    def get_initial(self):
        return {"on": forms.today()}

    def get_context_data(self, **kwargs):
        # What is still unsigned, said before the user tries (the service refuses it too).
        return {**super().get_context_data(**kwargs), "notice": missing_message(self.object)}

    def perform(self, data):
        return cases_pathways.activate_pathway(
            self.object, on=data["on"], user=self.request.user, position=data["position"]
        )


class CompleteView(ServiceActionView):
    model = Pathway
    transitions = PATHWAY_TRANSITIONS
    transition = "complete"
    form_class = forms.CompleteForm
    page_title = gettext_lazy("Conclusione del percorso")
    success_message = gettext_lazy("Il percorso è concluso.")

    def perform(self, data):
        return cases_pathways.complete_pathway(
            self.object,
            on=data["on"],
            outcome=data["outcome"],
            note=data["note"],
            user=self.request.user,
        )


class InterruptView(ServiceActionView):
    model = Pathway
    transitions = PATHWAY_TRANSITIONS
    transition = "interrupt"
    form_class = forms.InterruptForm
    page_title = gettext_lazy("Interruzione del percorso")
    success_message = gettext_lazy("Il percorso è stato interrotto.")

    def perform(self, data):
        return cases_pathways.interrupt_pathway(
            self.object, on=data["on"], reason=data["reason"], user=self.request.user
        )


class FollowUpView(ServiceActionView):
    model = Pathway
    transitions = PATHWAY_TRANSITIONS
    transition = "follow_up"
    form_class = forms.FollowUpForm
    page_title = gettext_lazy("Monitoraggio successivo")
    success_message = gettext_lazy("Monitoraggio registrato.")

    def perform(self, data):
        cases_pathways.record_follow_up(
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
        return cases_pathways.record_activity(
            self.object, on=data["on"], note=data["note"], user=self.request.user
        )

    def get_success_url(self):
        return reverse("wagtailsnippets_casework_pathway:inspect", args=[self.object.pathway_id])


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
        try:
            referral = cases_referrals.refer_person(
                form.cleaned_data["tax_code"],
                user=self.request.user,
                person_fields=form.person_data(),
                **form.referral_data(),
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
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
        return cases_referrals.find_beneficiary(code) if code else None

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
            context["resident_elsewhere_message"] = cases_referrals.MSG_OTHER_RESIDENCE
        context["person_fields"] = [
            context["form"][name] for name in forms.PERSON_FIELDS if name in context["form"].fields
        ]
        context["referral_fields"] = [
            field
            for field in context["form"]
            if field.name not in forms.PERSON_FIELDS and field.name != "tax_code"
        ]
        return context
