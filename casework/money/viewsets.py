"""The money screens in the admin: editions, tariffs, budgets, vouchers and invoices."""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as _models
from django.urls import reverse_lazy
from django.utils.dateformat import format as _date_format
from django.utils.timezone import localtime as _localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.panels import InlinePanel as _InlinePanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import CreateView as _SnippetCreateView
from wagtail.snippets.views.snippets import DeleteView as _SnippetDeleteView
from wagtail.snippets.views.snippets import EditView as _SnippetEditView
from wagtail.snippets.views.snippets import InspectView as _SnippetInspectView
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.admin_base import ImportExportViewSetMixin, add_service_errors
from casework.cases.inspect import AuditedViewMixin as _AuditedViewMixin
from casework.cases.search import PersonSearchIndexView
from casework.cases.viewsets import _comuni_of
from casework.permissions.scoping import ScopedAdminForm as _ScopedAdminForm
from casework.permissions.scoping import ScopedViewSetMixin

from . import forms as _forms_money
from . import invoices as _services
from . import services as _money_services
from . import voucher_views as _views_money
from .choices import VoucherKind as _VoucherKind
from .choices import VoucherStatus as _VoucherStatus
from .euro import format_amount as _format_amount
from .euro import format_euro as _format_euro
from .models import Budget, Edition, Voucher
from .models import Invoice as _Invoice
from .models import Tariff as _Tariff
from .selectors import budget_summary as _budget_summary

EMPTY = "—"


class EuroColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return EMPTY if value is None else _format_euro(value)


def _quantity(value):
    """``Decimal("1.00")`` -> ``"1"``, ``Decimal("1.50")`` -> ``"1,50"``: the Italian way."""
    return EMPTY if value is None else _format_amount(value).removesuffix(",00")


def _when(value):
    """A moment in Rome's time, gg/mm/aaaa hh:mm; "—" when there is none."""
    return EMPTY if value is None else _date_format(_localtime(value), "d/m/Y H:i")


class QuantityColumn(Column):
    def get_value(self, instance):
        return _quantity(super().get_value(instance))


class MomentColumn(Column):
    def get_value(self, instance):
        return _when(super().get_value(instance))


class ItalianInspectMixin:
    """An inspect page the Italian way: money fields (two decimals) in euro, dates gg/mm/aaaa,
    moments in Rome's time, "—" for an empty value instead of "None" or a blank."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        raw = getattr(self.object, field_name, None) if field is not None else value
        if raw is None or raw == "":
            return EMPTY
        if isinstance(field, _models.DateTimeField):
            return _when(raw)
        if isinstance(field, _models.DateField):
            return _date_format(raw, "d/m/Y")
        if isinstance(field, _models.DecimalField) and field.decimal_places == 2:
            return _format_euro(raw)
        return value


class ItalianMessagesMixin:
    """The viewset's own success and error messages, in Italian with the model's gender and
    number (Wagtail's generic "%(model_name)s '%(object)s' creato" is wrong for "edizione")."""

    def get_success_message(self, *args):
        if self.success_message is None:
            return None
        instance = args[0] if args else self.object
        return self.success_message % {"object": instance}

    def get_error_message(self):
        return self.error_message


def _italian(base, success, error=None):
    """``base`` (a snippet create, edit or delete view) with Italian messages."""
    attrs = {"success_message": success}
    if error is not None:
        attrs["error_message"] = error
    return type(f"Italian{base.__name__}", (ItalianMessagesMixin, base), attrs)


def _editions(request):
    return Edition.objects.order_by("-starts_on")


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "date"
    menu_label = _("Edizioni")
    add_view_class = _italian(
        _SnippetCreateView,
        _("Edizione «%(object)s» creata."),
        _("L'edizione non può essere creata: correggere gli errori."),
    )
    edit_view_class = _italian(
        _SnippetEditView,
        _("Edizione «%(object)s» modificata."),
        _("L'edizione non può essere salvata: correggere gli errori."),
    )
    delete_view_class = _italian(_SnippetDeleteView, _("Edizione «%(object)s» eliminata."))
    list_display = ["name", "starts_on", "ends_on"]


class TariffViewSet(SnippetViewSet):
    """Tariffs belong to an edition; a change applies to vouchers created afterwards only."""

    model = _Tariff
    icon = "tag"
    menu_label = _("Tariffe")
    add_view_class = _italian(
        _SnippetCreateView,
        _("Tariffa «%(object)s» creata."),
        _("La tariffa non può essere creata: correggere gli errori."),
    )
    edit_view_class = _italian(
        _SnippetEditView,
        _("Tariffa «%(object)s» modificata."),
        _("La tariffa non può essere salvata: correggere gli errori."),
    )
    delete_view_class = _italian(_SnippetDeleteView, _("Tariffa «%(object)s» eliminata."))
    list_display = [
        "edition",
        "kind",
        EuroColumn("net_amount", label=_("Netto")),
        QuantityColumn("vat_rate", label=_("Aliquota IVA (%)")),
    ]
    list_filter = ["edition", "kind"]


class BudgetFilterSet(WagtailFilterSet):
    edition = django_filters.ModelChoiceFilter(label=_("Edizione"), queryset=_editions)
    comune = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=_comuni_of)

    class Meta:
        model = Budget
        fields = []


class _ServiceSaveMixin:
    """A snippet create/edit view whose save is one service call: the service checks the rules,
    writes and makes the revision and history entry; a refusal goes back onto the form and
    nothing is saved."""

    def save_instance(self):
        instance = self.call_service(self.form.cleaned_data)
        self.new_revision = getattr(instance, "latest_revision", None)
        return instance

    def call_service(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            # What Wagtail's ``is_valid`` sets for a form it refuses, for its error banner.
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


def _budget_fields(data):
    return {name: data[name] for name in _money_services.BUDGET_FIELDS if name in data}


class BudgetCreateView(ItalianMessagesMixin, _ServiceSaveMixin, _SnippetCreateView):
    success_message = _("Budget «%(object)s» creato.")
    error_message = _("Il budget non può essere creato: correggere gli errori.")

    def call_service(self, data):
        fields = _budget_fields(data)
        return _money_services.create_budget(
            amount=data["amount"], user=self.request.user, **fields
        )


class BudgetEditView(ItalianMessagesMixin, _ServiceSaveMixin, _SnippetEditView):
    success_message = _("Budget «%(object)s» modificato.")
    error_message = _("Il budget non può essere salvato: correggere gli errori.")

    def call_service(self, data):
        return _money_services.set_budget_amount(
            self.object, amount=data["amount"], user=self.request.user, **_budget_fields(data)
        )


class BudgetViewSet(ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = Budget
    import_kind = export_kind = "budgets"
    icon = "table"
    menu_label = _("Budget dei Comuni")
    add_view_class = BudgetCreateView
    edit_view_class = BudgetEditView
    delete_view_class = _italian(_SnippetDeleteView, _("Budget «%(object)s» eliminato."))
    list_display = [
        "comune",
        "edition",
        EuroColumn("amount", label=_("Budget")),
        EuroColumn("committed", label=_("Impegnato")),
        EuroColumn("invoiced", label=_("Fatturato")),
        EuroColumn("remaining", label=_("Residuo")),
    ]
    filterset_class = BudgetFilterSet
    search_fields = ["comune__name"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = type("BudgetInspectView", (ItalianInspectMixin, _SnippetInspectView), {})
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("comune"), FieldPanel("edition")]),
            FieldPanel("amount"),
            FieldPanel("criteria"),
            FieldPanel("notes"),
        ],
        base_form_class=_ScopedAdminForm,
    )

    def get_queryset(self, request):
        # The committed, invoiced and remaining columns, summed in the listing query itself.
        return _budget_summary(request.user)


class VoucherFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Stato"), choices=_VoucherStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Voce"), choices=_VoucherKind.choices)
    comune = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=_comuni_of)
    edition = django_filters.ModelChoiceFilter(label=_("Edizione"), queryset=_editions)

    class Meta:
        model = Voucher
        fields = []


class VoucherIndexView(PersonSearchIndexView):
    person_path = "pathway__referral__beneficiary"

    def get_edit_url(self, instance):
        # Only who records the decision edits a voucher (its note); others open its page.
        if _forms_money.may_edit_decision(self.request.user):
            return super().get_edit_url(instance)
        return None


class VoucherInspectView(_AuditedViewMixin, _views_money.VoucherInspectView):
    """The voucher's page, each opening audited as a VIEW of the person's record; amounts in
    euro the Italian way, moments in Rome's time, "—" for what is not there yet."""

    def get_edit_url(self):
        if _forms_money.may_edit_decision(self.request.user):
            return super().get_edit_url()
        return None

    def get_quantity_display_value(self):
        return _quantity(self.object.quantity)

    def get_vat_rate_display_value(self):
        return f"{_quantity(self.object.vat_rate)} %"

    def get_meeting_display_value(self):
        return str(self.object.meeting) if self.object.meeting_id else EMPTY

    def get_decided_at_display_value(self):
        return _when(self.object.decided_at)

    def get_created_at_display_value(self):
        return _when(self.object.created_at)

    def get_decided_by_display_value(self):
        user = self.object.decided_by
        return (user.get_full_name() or user.get_username()) if user else EMPTY

    def get_decision_note_display_value(self):
        return self.object.decision_note or EMPTY


for _name in ("unit_net", "net", "vat", "gross"):
    setattr(
        VoucherInspectView,
        f"get_{_name}_display_value",
        lambda self, _name=_name: _format_euro(getattr(self.object, _name)),
    )


class VoucherEditView(_AuditedViewMixin, ItalianMessagesMixin, _SnippetEditView):
    """Refuses whoever does not record the decisions, on GET and on a forged POST alike; the
    "revert to this revision" view is built on this one, so it refuses them too."""

    success_message = _("Voucher «%(object)s» modificato.")
    error_message = _("Il voucher non può essere salvato: correggere gli errori.")

    def dispatch(self, request, *args, **kwargs):
        if not _forms_money.may_edit_decision(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class VoucherViewSet(ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = Voucher
    export_kind = "vouchers"
    icon = "doc-full"
    menu_label = _("Voucher")
    index_view_class = VoucherIndexView
    list_display = [
        "pathway__referral__beneficiary",
        "kind",
        QuantityColumn("quantity", label=_("Quantità")),
        EuroColumn("gross", label=_("Lordo")),
        "status",
        "comune",
        "edition",
        MomentColumn("created_at", label=_("Creato il")),
    ]
    filterset_class = VoucherFilterSet
    search_fields = ["pathway__referral__beneficiary__last_name"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = VoucherInspectView
    edit_view_class = VoucherEditView
    delete_view_class = _italian(_SnippetDeleteView, _("Voucher «%(object)s» eliminato."))
    inspect_view_fields = [
        "pathway",
        "comune",
        "edition",
        "kind",
        "quantity",
        "unit_net",
        "vat_rate",
        "net",
        "vat",
        "gross",
        "status",
        "meeting",
        "decided_at",
        "decided_by",
        "decision_note",
        "created_at",
    ]
    # Only the decision note is editable, by the programme manager: amounts, status and the
    # decision itself change through the actions (``services``).
    edit_handler = ObjectList(
        [FieldPanel("decision_note")], base_form_class=_forms_money.VoucherAdminForm
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("pathway__referral__beneficiary", "comune", "edition")
        )

    @property
    def add_view(self):
        return _views_money.ProposeVoucherView.as_view(
            breadcrumbs_items=self.breadcrumbs_items
            + [{"url": reverse_lazy(self.get_url_name("list")), "label": _("Voucher")}]
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + _views_money.voucher_action_urlpatterns(
            self.scoped_queryset
        )


INVOICE_FIELDS = ("comune", "edition", "number", "issued_on", "period_start", "period_end")


LINE_FIELDS = ("description", "voucher", "quantity", "net", "vat", "gross")


class InvoiceAdminForm(_ScopedAdminForm):
    """Collects the invoice as ``record_invoice`` takes it: a line matched to a voucher may leave
    its description empty, the service then describes it by its voucher."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("lines")
        if formset is not None:
            for form in [*formset.forms, formset.empty_form]:
                form.fields["description"].required = False


class _InvoiceServiceMixin(_ServiceSaveMixin):
    """The invoice screen is ``record_invoice`` / ``update_invoice``: the header and the lines
    the form collected are handed over as they are, and a refused line is shown on its row."""

    def line_forms(self):
        formset = self.form.formsets["lines"]
        return [
            form
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def call_service(self, data):
        forms = self.line_forms()
        fields = {name: data[name] for name in INVOICE_FIELDS}
        lines = [{name: form.cleaned_data.get(name) for name in LINE_FIELDS} for form in forms]
        try:
            return self.invoice_service(lines=lines, user=self.request.user, **fields)
        except ValidationError as error:
            raise ValidationError(self._on_lines(error, forms)) from None

    def _on_lines(self, error, forms):
        """``line_<n>`` refusals go on the n-th row; what remains goes on the form."""
        if not hasattr(error, "error_dict"):
            return error
        rest = {}
        for key, messages in error.message_dict.items():
            number = key.removeprefix("line_")
            if key.startswith("line_") and number.isdigit() and int(number) <= len(forms):
                add_service_errors(forms[int(number) - 1], ValidationError(messages))
            else:
                rest[key] = messages
        return ValidationError(rest)


class InvoiceCreateView(ItalianMessagesMixin, _InvoiceServiceMixin, _SnippetCreateView):
    success_message = _("Fattura «%(object)s» registrata.")
    error_message = _("La fattura non può essere registrata: correggere gli errori.")

    def invoice_service(self, **kwargs):
        return _services.record_invoice(**kwargs)


class InvoiceEditView(ItalianMessagesMixin, _InvoiceServiceMixin, _SnippetEditView):
    success_message = _("Fattura «%(object)s» modificata.")
    error_message = _("La fattura non può essere salvata: correggere gli errori.")

    def invoice_service(self, **kwargs):
        return _services.update_invoice(self.object, **kwargs)


class InvoiceViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = _Invoice
    icon = "doc-full-inverse"
    menu_label = _("Fatture agenzia")
    add_view_class = InvoiceCreateView
    edit_view_class = InvoiceEditView
    delete_view_class = _italian(_SnippetDeleteView, _("Fattura «%(object)s» eliminata."))
    list_display = ["number", "comune", "edition", "issued_on", "period_start", "period_end"]
    list_filter = ["edition"]
    search_fields = ["number"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = type("InvoiceInspectView", (ItalianInspectMixin, _SnippetInspectView), {})
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("number"), FieldPanel("issued_on")]),
            FieldRowPanel([FieldPanel("comune"), FieldPanel("edition")]),
            FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
            _InlinePanel(
                "lines",
                heading=_("Righe"),
                label=_("Riga"),
                panels=[
                    FieldPanel("description"),
                    FieldPanel("voucher"),
                    FieldRowPanel(
                        [
                            FieldPanel("quantity"),
                            FieldPanel("net"),
                            FieldPanel("vat"),
                            FieldPanel("gross"),
                        ]
                    ),
                ],
            ),
        ],
        base_form_class=InvoiceAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("comune", "edition")
