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

    def perform(self, data):
        delivery.record_timesheet(self.object, user=self.request.user, **data)
