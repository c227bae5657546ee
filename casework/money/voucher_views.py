"""The screens of one voucher (proposal, decisions, billing states) and of a pathway's tutoring and timesheets."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import InspectView

from casework.admin_base import AdminScreenMixin, add_service_errors
from casework.cases.models import Pathway
from casework.cases.views import ServiceActionView
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from . import delivery, delivery_forms, services, transitions
from . import forms as forms_money
from .models import Timesheet, TutoringSession, Voucher


class ProposeVoucherView(AdminScreenMixin, FormView):
    template_name = "casework/action_form.html"
    form_class = forms_money.ProposeVoucherForm
    page_title = gettext_lazy("Proponi un voucher")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        transitions.require(request.user, "propose")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        return {"pathway": self.request.GET.get("pathway"), "quantity": 1}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("wagtailsnippets_casework_voucher:list")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            voucher = services.create_voucher(
                data["pathway"],
                kind=data["kind"],
                quantity=data["quantity"],
                on=data["on"],
                note=data["note"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Voucher proposto: %(v)s.") % {"v": voucher})
        return redirect(reverse("wagtailsnippets_casework_voucher:inspect", args=[voucher.pk]))


class VoucherActionView(ServiceActionView):
    """One transition of the voucher's table (``transitions``): who may take it is the table's,
    from which states is checked by the service."""

    model = Voucher
    header_icon = "doc-full"
    form_class = forms_money.ConfirmForm
    action = None  # a ``transitions.TRANSITIONS`` action

    def dispatch(self, request, pk, *args, **kwargs):
        transitions.require(request.user, self.action)
        return super().dispatch(request, pk, *args, **kwargs)


class ApproveVoucherView(VoucherActionView):
    action = "approve"
    page_title = gettext_lazy("Approva il voucher")
    form_class = forms_money.NoteForm
    success_message = gettext_lazy("Voucher approvato.")

    def perform(self, data):
        return services.approve_voucher(self.object, user=self.request.user, note=data["note"])


class RejectVoucherView(VoucherActionView):
    action = "reject"
    page_title = gettext_lazy("Respingi il voucher")
    form_class = forms_money.ReasonForm
    success_message = gettext_lazy("Voucher respinto.")

    def perform(self, data):
        return services.reject_voucher(self.object, user=self.request.user, reason=data["reason"])


class CancelVoucherView(VoucherActionView):
    action = "cancel"
    page_title = gettext_lazy("Annulla il voucher")
    form_class = forms_money.ReasonForm
    success_message = gettext_lazy("Voucher annullato: il budget è di nuovo disponibile.")

    def perform(self, data):
        return services.cancel_voucher(self.object, user=self.request.user, reason=data["reason"])


class InvoicedVoucherView(VoucherActionView):
    action = "invoiced"
    page_title = gettext_lazy("Segna il voucher come fatturato")
    success_message = gettext_lazy("Voucher segnato come fatturato.")

    def perform(self, data):
        return services.mark_voucher_invoiced(self.object, user=self.request.user)


class PaidVoucherView(VoucherActionView):
    action = "paid"
    page_title = gettext_lazy("Segna il voucher come pagato")
    success_message = gettext_lazy("Voucher segnato come pagato.")

    def perform(self, data):
        return services.mark_voucher_paid(self.object, user=self.request.user)


def voucher_action_urlpatterns(scoped_queryset):
    patterns = [
        path("approve/<int:pk>/", ApproveVoucherView.as_view(), name="approve"),
        path("reject/<int:pk>/", RejectVoucherView.as_view(), name="reject"),
        path("cancel/<int:pk>/", CancelVoucherView.as_view(), name="cancel"),
        path("invoiced/<int:pk>/", InvoicedVoucherView.as_view(), name="invoiced"),
        path("paid/<int:pk>/", PaidVoucherView.as_view(), name="paid"),
    ]
    return guard_urlpatterns(patterns, scoped_queryset)


class VoucherInspectView(InspectView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        for transition in transitions.available(user, self.object.status):
            name = f"wagtailsnippets_casework_voucher:{transition.action}"
            url = reverse(name, args=[self.object.pk])
            buttons.append(HeaderButton(transition.label, url=url, icon_name="edit"))
        return buttons


class RecordTutoringView(ServiceActionView):
    model = Pathway
    permission_model = TutoringSession
    permission = "add"
    form_class = delivery_forms.TutoringSessionForm
    page_title = gettext_lazy("Registra un incontro di tutoraggio")
    success_message = gettext_lazy("Incontro di tutoraggio registrato.")

    def get_success_url(self):
        return _pathway_section_url(self.object.pk)

    def perform(self, data):
        delivery.record_tutoring_session(
            self.object,
            on=data["on"],
            hours=data["hours"],
            note=data["note"],
            user=self.request.user,
        )


class RecordTimesheetView(ServiceActionView):
    model = Pathway
    permission_model = Timesheet
    permission = "add"
    form_class = delivery_forms.TimesheetForm
    page_title = gettext_lazy("Registra il foglio ore del mese")
    success_message = gettext_lazy("Foglio ore registrato.")

    def get_success_url(self):
        return _pathway_section_url(self.object.pk)

    def perform(self, data):
        delivery.record_timesheet(self.object, user=self.request.user, **data)


def _pathway_section_url(pathway_pk):
    """The pathway's page, at the section listing its tutoring and timesheets."""
    return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway_pk]) + "#erogazione"


class CorrectDeliveryView(ServiceActionView):
    """Correction of one delivered record of a pathway: allowed to whoever may record it, in the
    Comuni they see; back to the pathway's page afterwards."""

    permission = "change"
    scope_field = "pathway__comune"
    header_icon = "edit"

    def get_page_subtitle(self):
        return str(self.object.pathway)

    def get_success_url(self):
        return _pathway_section_url(self.object.pathway_id)

    def get_cancel_url(self):
        return _pathway_section_url(self.object.pathway_id)


class CorrectTutoringView(CorrectDeliveryView):
    model = TutoringSession
    form_class = delivery_forms.TutoringSessionForm
    page_title = gettext_lazy("Correggi un incontro di tutoraggio")
    success_message = gettext_lazy("Incontro di tutoraggio corretto.")

    def get_initial(self):
        session = self.object
        return {"on": session.on, "hours": session.hours, "note": session.note}

    def perform(self, data):
        return delivery.correct_tutoring_session(
            self.object,
            on=data["on"],
            hours=data["hours"],
            note=data["note"],
            user=self.request.user,
        )


class CorrectTimesheetView(CorrectDeliveryView):
    model = Timesheet
    form_class = delivery_forms.TimesheetCorrectionForm
    page_title = gettext_lazy("Correggi il foglio ore del mese")
    success_message = gettext_lazy("Foglio ore corretto.")

    def get_page_subtitle(self):
        return f"{self.object.pathway} – {self.object.month:%m/%Y}"

    def get_initial(self):
        sheet = self.object
        return {
            "hours_worked": sheet.hours_worked,
            "payslip_delivered_on": sheet.payslip_delivered_on,
            "cud_delivered_on": sheet.cud_delivered_on,
        }

    def perform(self, data):
        return delivery.correct_timesheet(self.object, user=self.request.user, **data)


def delivery_urlpatterns():
    """The correction screens of tutoring sessions and timesheets; a record of a Comune the user
    does not see is a 404."""
    tutoring = path(
        "casework/money/tutoring/<int:pk>/correct/",
        CorrectTutoringView.as_view(),
        name="casework_correct_tutoring",
    )
    timesheet = path(
        "casework/money/timesheet/<int:pk>/correct/",
        CorrectTimesheetView.as_view(),
        name="casework_correct_timesheet",
    )
    return guard_urlpatterns(
        [tutoring],
        lambda request: scope(TutoringSession.objects.all(), request.user, "pathway__comune"),
    ) + guard_urlpatterns(
        [timesheet],
        lambda request: scope(Timesheet.objects.all(), request.user, "pathway__comune"),
    )
