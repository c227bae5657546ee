"""Admin screens for case records (menu "Casi") and money (menu "Budget e voucher")."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Value,
)
from django.template.loader import render_to_string
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from .access import scope, visible_comuni
from .choices import EmploymentCondition, PathwayStatus, PathwayType, ReferralStatus, TargetGroup
from .deadlines import (
    DUE_SOON,
    OVERDUE,
    annotate_pathway_deadline,
    annotate_referral_deadline,
    filter_pathways_by_deadline,
    filter_referrals_by_deadline,
)
from .exporting import ImportExportViewSetMixin
from .forms import BeneficiaryAdminForm, PathwayAdminForm, ReferralAdminForm, TeamMeetingAdminForm
from .models import (
    AuditEvent,
    Beneficiary,
    Budget,
    Edition,
    ImportRun,
    Pathway,
    PathwayActivity,
    Referral,
    TeamMeeting,
    Voucher,
)
from .panels import ConfidentialFieldPanel, TeamMeetingAgendaPanel
from .scoping import ScopedViewSetMixin, guard_urlpatterns
from .views import (
    AccessLogIndexView,
    ActivateView,
    ActivityDoneView,
    AuditedEditView,
    BeneficiaryInspectView,
    ChangeResidenceView,
    CompleteView,
    DeclineView,
    DefinePathwayView,
    FollowUpView,
    InterruptView,
    NewReferralView,
    PathwayInspectView,
    ReferralInspectView,
    ReopenView,
    TakeInChargeView,
    WithdrawView,
)

# --- Case records ------------------------------------------------------------------------------
# Lists select their related rows and annotate their deadline in the one listing query, so a page
# costs the same number of queries whatever its size (Wagtail's plain list runs one per row).


class DeadlineColumn(Column):
    """ "scaduto" / "in scadenza" from the ``deadline`` annotation of the listing queryset."""

    def __init__(self, name="deadline", **kwargs):
        kwargs.setdefault("label", _("Scadenza"))
        super().__init__(name, **kwargs)

    def get_value(self, instance):
        state = getattr(instance, "deadline", "")
        if not state:
            return ""
        due = (
            instance.intake_due_on if isinstance(instance, Referral) else instance.activation_due_on
        )
        return render_to_string("casework/_deadline_cell.html", {"state": state, "due": due})


def _comuni_of(request):
    return visible_comuni(request.user).order_by("name") if request else None


DEADLINE_CHOICES = [
    (OVERDUE, _("scaduto")),
    (DUE_SOON, _("in scadenza (entro 3 giorni)")),
    ("late_or_soon", _("scaduto o in scadenza")),
]


class BeneficiaryFilterSet(WagtailFilterSet):
    residence_comune = django_filters.ModelChoiceFilter(
        label=_("Comune di residenza"), queryset=_comuni_of
    )
    target_group = django_filters.ChoiceFilter(label=_("Target"), choices=TargetGroup.choices)
    employment_condition = django_filters.ChoiceFilter(
        label=_("Condizione"), choices=EmploymentCondition.choices
    )

    class Meta:
        model = Beneficiary
        fields = []


class ReferralFilterSet(WagtailFilterSet):
    comune = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=_comuni_of)
    status = django_filters.ChoiceFilter(label=_("Stato"), choices=ReferralStatus.choices)
    proposed_pathway_type = django_filters.ChoiceFilter(
        label=_("Tipologia proposta"), choices=PathwayType.choices
    )
    deadline = django_filters.ChoiceFilter(
        label=_("Scadenza presa in carico"), choices=DEADLINE_CHOICES, method="filter_deadline"
    )

    class Meta:
        model = Referral
        fields = []

    def filter_deadline(self, queryset, name, value):
        return filter_referrals_by_deadline(queryset, value)


class PathwayFilterSet(WagtailFilterSet):
    comune = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=_comuni_of)
    status = django_filters.ChoiceFilter(label=_("Stato"), choices=PathwayStatus.choices)
    pathway_type = django_filters.ChoiceFilter(label=_("Tipologia"), choices=PathwayType.choices)
    deadline = django_filters.ChoiceFilter(
        label=_("Scadenza attivazione"), choices=DEADLINE_CHOICES, method="filter_deadline"
    )

    class Meta:
        model = Pathway
        fields = []

    def filter_deadline(self, queryset, name, value):
        return filter_pathways_by_deadline(queryset, value)


class _EqualsAny(Func):
    """``column = ANY(ARRAY(subquery))``: PostgreSQL runs the subquery once and probes the
    column's index with its ids, a condition it can OR with the trigram index of another column
    (an ``IN (subquery)`` OR'ed with another condition makes it scan the whole table)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def people_matching(path, word):
    """Rows whose person (at ``path``) has ``word`` in their surname or tax code. The people are
    found through the trigram indexes of their own table, never by an OR across a join."""
    people = (
        Beneficiary.objects.filter(Q(last_name__icontains=word) | Q(tax_code__icontains=word))
        .order_by()
        .values("pk")
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(_EqualsAny(F(f"{path}_id"), ArraySubquery(people)))
    return Q(**{f"{path}__in": people})


class PersonSearchIndexView(SnippetIndexView):
    """Searches a person's surname or tax code (and the record's own fields) with conditions each
    served by an index, so a search does not scan the whole table on PostgreSQL."""

    person_path = "beneficiary"
    own_search_fields = ()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        for word in self.search_query.split()[:5]:
            match = people_matching(self.person_path, word)
            for field in self.own_search_fields:
                match |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(match)
        if self.search_ordering and not self.is_explicitly_ordered:
            queryset = queryset.order_by(*self.search_ordering())
        return queryset

    search_ordering = None


class ReferralIndexView(PersonSearchIndexView):
    own_search_fields = ("protocol",)

    def search_ordering(self):
        if connection.vendor != "postgresql":
            return ("-referred_on", "-id")
        # Same order, written so that PostgreSQL cannot walk the list-order index filtering row
        # by row until twenty match (it would read most of the table for a rare surname): it
        # takes the matches from the trigram indexes and sorts those few.
        return (
            ExpressionWrapper(F("referred_on") + Value(0), output_field=DateField()).desc(),
            F("id").desc(),
        )


class PathwayIndexView(PersonSearchIndexView):
    person_path = "referral__beneficiary"

    def get_add_url(self):
        # A pathway is born from taking a referral in charge, never added by itself.
        return None


class BeneficiaryViewSet(ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = Beneficiary
    export_kind = "people"
    icon = "user"
    menu_label = _("Persone")
    copy_view_enabled = False  # a copy would duplicate a person's case record
    menu_order = 10
    list_display = ["__str__", "tax_code", "birth_date", "residence_comune", "target_group"]
    list_export = [
        "last_name",
        "first_name",
        "tax_code",
        "birth_date",
        "sex",
        "residence_comune",
        "employment_condition",
        "target_group",
        "privacy_notice_on",
    ]
    filterset_class = BeneficiaryFilterSet
    search_fields = ["last_name", "first_name", "tax_code"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = BeneficiaryInspectView
    edit_view_class = AuditedEditView
    inspect_view_fields_exclude = ["id", "anonymised_at", "revisions"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("tax_code"),
                    FieldRowPanel([FieldPanel("last_name"), FieldPanel("first_name")]),
                    FieldRowPanel([FieldPanel("birth_date"), FieldPanel("sex")]),
                    FieldPanel("residence_comune"),
                ],
                heading=_("Anagrafica"),
            ),
            MultiFieldPanel(
                [FieldPanel("address"), FieldRowPanel([FieldPanel("phone"), FieldPanel("email")])],
                heading=_("Contatti"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("employment_condition"),
                    FieldPanel("target_group"),
                    FieldPanel("privacy_notice_on"),
                    ConfidentialFieldPanel("confidential_notes"),
                ],
                heading=_("Condizione e privacy"),
            ),
        ],
        base_form_class=BeneficiaryAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("residence_comune")

    def get_urlpatterns(self):
        actions = [
            path(
                "change-residence/<int:pk>/",
                ChangeResidenceView.as_view(),
                name="change_residence",
            )
        ]
        return super().get_urlpatterns() + guard_urlpatterns(actions, self.scoped_queryset)


class ReferralViewSet(ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = Referral
    import_kind = export_kind = "referrals"
    icon = "mail"
    menu_label = _("Segnalazioni")
    copy_view_enabled = False  # a copy would duplicate a person's case record
    menu_order = 20
    index_view_class = ReferralIndexView
    add_view_class = None  # replaced by the new-referral screen (see ``add_view``)
    list_display = [
        "protocol",
        "beneficiary",
        "comune",
        "referred_on",
        "status",
        "proposed_pathway_type",
        "intake_due_on",
        DeadlineColumn(),
    ]
    list_export = [
        "protocol",
        "comune",
        "beneficiary",
        "beneficiary.tax_code",
        "referred_on",
        "social_worker_name",
        "proposed_pathway_type",
        "group_name",
        "intake_due_on",
        "status",
    ]
    filterset_class = ReferralFilterSet
    search_fields = ["protocol", "beneficiary__last_name", "beneficiary__tax_code"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = ReferralInspectView
    edit_view_class = AuditedEditView
    inspect_view_fields = [
        "comune",
        "protocol",
        "referred_on",
        "social_worker_name",
        "proposed_pathway_type",
        "reason",
        "group_name",
        "intake_deadline_days",
        "deadline_reason",
        "intake_due_on",
        "status",
        "status_note",
    ]
    edit_handler = ObjectList(
        [
            # Comune and person are fixed at creation: the pathway copies the Comune, and moving
            # a referral to another person would rewrite someone's history.
            FieldPanel("protocol"),
            FieldRowPanel([FieldPanel("referred_on"), FieldPanel("social_worker_name")]),
            FieldPanel("proposed_pathway_type"),
            FieldPanel("reason"),
            MultiFieldPanel(
                [
                    FieldPanel("group_name"),
                    FieldPanel("intake_deadline_days"),
                    FieldPanel("deadline_reason"),
                ],
                heading=_("Segnalazione di gruppo"),
            ),
        ],
        base_form_class=ReferralAdminForm,
    )

    def get_queryset(self, request):
        # prefetch, not select_related: the page query stays join-free (read in index order),
        # then one query per relation fetches the page's people and Comuni.
        return annotate_referral_deadline(
            super().get_queryset(request).prefetch_related("beneficiary", "comune")
        )

    @property
    def add_view(self):
        return NewReferralView.as_view(
            breadcrumbs_items=self.breadcrumbs_items
            + [{"url": reverse_lazy(self.get_url_name("list")), "label": _("Segnalazioni")}]
        )

    def get_urlpatterns(self):
        actions = [
            path("take-in-charge/<int:pk>/", TakeInChargeView.as_view(), name="take"),
            path("decline/<int:pk>/", DeclineView.as_view(), name="decline"),
            path("withdraw/<int:pk>/", WithdrawView.as_view(), name="withdraw"),
            path("reopen/<int:pk>/", ReopenView.as_view(), name="reopen"),
        ]
        return super().get_urlpatterns() + guard_urlpatterns(actions, self.scoped_queryset)


class PathwayViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Pathway
    icon = "tasks"
    menu_label = _("Percorsi")
    copy_view_enabled = False  # a copy would duplicate a person's case record
    menu_order = 30
    index_view_class = PathwayIndexView
    list_display = [
        "referral__beneficiary",
        "pathway_type",
        "comune",
        "intake_on",
        "status",
        "activation_due_on",
        DeadlineColumn(),
    ]
    list_export = [
        "referral.protocol",
        "comune",
        "referral.beneficiary",
        "pathway_type",
        "intake_on",
        "activation_due_on",
        "activated_on",
        "host",
        "position",
        "status",
        "ended_on",
        "outcome",
    ]
    filterset_class = PathwayFilterSet
    search_fields = ["referral__beneficiary__last_name", "referral__beneficiary__tax_code"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = PathwayInspectView
    edit_view_class = AuditedEditView
    inspect_view_fields = [
        "pathway_type",
        "intake_on",
        "first_interview_on",
        "assessment",
        "cv_summary",
        "host",
        "position",
        "activation_due_on",
        "activated_on",
        "planned_end_on",
        "hours_per_week",
        "planned_tutoring_hours",
        "status",
        "ended_on",
        "outcome",
        "outcome_note",
        "operator",
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("intake_on"), FieldPanel("first_interview_on")]),
            FieldPanel("assessment"),
            FieldPanel("cv_summary"),
            FieldRowPanel([FieldPanel("planned_end_on"), FieldPanel("hours_per_week")]),
            FieldPanel("planned_tutoring_hours"),
            FieldPanel("outcome_note"),
        ],
        base_form_class=PathwayAdminForm,
    )

    def get_queryset(self, request):
        return annotate_pathway_deadline(
            super().get_queryset(request).prefetch_related("referral__beneficiary", "comune")
        )

    @property
    def add_view(self):
        # A pathway is born from the intake of a referral, never typed in by itself.
        return RedirectView.as_view(pattern_name="wagtailsnippets_casework_referral:list")

    def get_urlpatterns(self):
        actions = [
            path("define/<int:pk>/", DefinePathwayView.as_view(), name="define"),
            path("activate/<int:pk>/", ActivateView.as_view(), name="activate"),
            path("complete/<int:pk>/", CompleteView.as_view(), name="complete"),
            path("interrupt/<int:pk>/", InterruptView.as_view(), name="interrupt"),
            path("follow-up/<int:pk>/", FollowUpView.as_view(), name="follow_up"),
        ]
        return super().get_urlpatterns() + guard_urlpatterns(actions, self.scoped_queryset)


class TeamMeetingViewSet(SnippetViewSet):
    """Not scoped per Comune (the team works for all of them); its case choices are."""

    model = TeamMeeting
    icon = "group"
    menu_label = _("Équipe congiunte")
    menu_order = 40
    list_display = ["__str__", "held_on", "participants", Column("case_count", label=_("Casi"))]
    edit_handler = ObjectList(
        [
            TeamMeetingAgendaPanel(),
            FieldPanel("held_on"),
            FieldPanel("participants"),
            FieldPanel("cases", widget=forms.CheckboxSelectMultiple),
            FieldPanel("minutes"),
        ],
        base_form_class=TeamMeetingAdminForm,
    )

    def get_queryset(self, request):
        return TeamMeeting.objects.annotate(case_count=Count("cases"))


class AccessLogViewSet(ModelViewSet):
    """The programme manager's read-only log of who opened which person's record."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Registro accessi")
    menu_order = 90
    name = "casework_auditevent"
    url_prefix = "casework/access-log"
    index_view_class = AccessLogIndexView
    list_display = ["at", "user", "action", "model", "object_id", "beneficiary_id", "detail"]
    list_filter = ["action", "model"]
    list_export = ["at", "user", "action", "model", "object_id", "beneficiary_id", "comune_id"]
    search_fields = ["detail", "object_id"]
    search_backend_name = None
    form_fields = []
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in ("index", "index_results")
        ]


def activity_urlpatterns():
    """Ticking a checklist item: its pk is the activity's, guarded by the activity's Comune."""
    patterns = [
        path(
            "casework/activity/<int:pk>/done/",
            ActivityDoneView.as_view(),
            name="casework_activity_done",
        )
    ]
    return guard_urlpatterns(
        patterns,
        lambda request: scope(PathwayActivity.objects.all(), request.user, "pathway__comune"),
    )


class CaseworkViewSetGroup(ViewSetGroup):
    menu_label = _("Casi")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        BeneficiaryViewSet,
        ReferralViewSet,
        PathwayViewSet,
        TeamMeetingViewSet,
        AccessLogViewSet,
    )


# --- Money -------------------------------------------------------------------------------------
# Vouchers are never typed in or edited by hand: they are proposed, decided, invoiced and paid
# through ``services`` (screens in ``views_money``), so amounts and budgets always agree.
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from wagtail.admin.panels import InlinePanel as _InlinePanel  # noqa: E402
from wagtail.snippets.views.snippets import CreateView as _SnippetCreateView  # noqa: E402
from wagtail.snippets.views.snippets import EditView as _SnippetEditView  # noqa: E402

from . import forms_money as _forms_money  # noqa: E402
from . import services as _services  # noqa: E402
from . import views_money as _views_money  # noqa: E402
from .choices import VoucherKind as _VoucherKind  # noqa: E402
from .choices import VoucherStatus as _VoucherStatus  # noqa: E402
from .euro import format_euro as _format_euro  # noqa: E402
from .models import Invoice as _Invoice  # noqa: E402
from .models import Tariff as _Tariff  # noqa: E402
from .scoping import ScopedAdminForm as _ScopedAdminForm  # noqa: E402
from .selectors import budget_summary as _budget_summary  # noqa: E402


class EuroColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return "" if value is None else _format_euro(value)


def _editions(request):
    return Edition.objects.order_by("-starts_on")


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "date"
    menu_label = _("Edizioni")
    list_display = ["name", "starts_on", "ends_on"]


class TariffViewSet(SnippetViewSet):
    """Tariffs belong to an edition; a change applies to vouchers created afterwards only."""

    model = _Tariff
    icon = "tag"
    menu_label = _("Tariffe")
    list_display = ["edition", "kind", EuroColumn("net_amount", label=_("Netto")), "vat_rate"]
    list_filter = ["edition", "kind"]


class BudgetFilterSet(WagtailFilterSet):
    edition = django_filters.ModelChoiceFilter(label=_("Edizione"), queryset=_editions)
    comune = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=_comuni_of)

    class Meta:
        model = Budget
        fields = []


class BudgetViewSet(ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = Budget
    import_kind = export_kind = "budgets"
    icon = "table"
    menu_label = _("Budget dei Comuni")
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


class VoucherInspectView(_views_money.VoucherInspectView):
    def get_edit_url(self):
        if _forms_money.may_edit_decision(self.request.user):
            return super().get_edit_url()
        return None


class VoucherEditView(_SnippetEditView):
    """Refuses whoever does not record the decisions, on GET and on a forged POST alike; the
    "revert to this revision" view is built on this one, so it refuses them too."""

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
        "quantity",
        EuroColumn("gross", label=_("Lordo")),
        "status",
        "comune",
        "edition",
        "created_at",
    ]
    filterset_class = VoucherFilterSet
    search_fields = ["pathway__referral__beneficiary__last_name"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = VoucherInspectView
    edit_view_class = VoucherEditView
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


class InvoiceAdminForm(_ScopedAdminForm):
    """Each line's voucher must be the invoice's Comune's and edition's, and approved."""

    def clean(self):
        cleaned = super().clean()
        comune, edition = cleaned.get("comune"), cleaned.get("edition")
        formset = self.formsets.get("lines")
        if formset is None or comune is None or edition is None:
            return cleaned
        invoice = _Invoice(comune=comune, edition=edition)
        formset.is_valid()  # the lines are cleaned after the invoice itself, so clean them now
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("net") is None:
                continue
            if data.get("vat") is None or data.get("gross") is None:
                continue
            try:
                _services.check_invoice_line(
                    invoice,
                    voucher=data.get("voucher"),
                    net=data["net"],
                    vat=data["vat"],
                    gross=data["gross"],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field, messages)
        return cleaned


class _SyncVouchersMixin:
    def save_instance(self):
        instance = super().save_instance()
        _services.sync_invoiced_vouchers(instance, user=self.request.user)
        return instance


class InvoiceCreateView(_SyncVouchersMixin, _SnippetCreateView):
    pass


class InvoiceEditView(_SyncVouchersMixin, _SnippetEditView):
    pass


class InvoiceViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = _Invoice
    icon = "doc-full-inverse"
    menu_label = _("Fatture agenzia")
    add_view_class = InvoiceCreateView
    edit_view_class = InvoiceEditView
    list_display = ["number", "comune", "edition", "issued_on", "period_start", "period_end"]
    list_filter = ["edition"]
    search_fields = ["number"]
    search_backend_name = None
    inspect_view_enabled = True
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


class MoneyViewSetGroup(ViewSetGroup):
    menu_label = _("Budget e voucher")
    menu_icon = "table"
    menu_order = 210
    items = (
        _views_money.BudgetOverviewViewSet,
        BudgetViewSet,
        VoucherViewSet,
        InvoiceViewSet,
        _views_money.InvoiceCheckViewSet,
        EditionViewSet,
        TariffViewSet,
    )


# --- Bulk imports (casework.importing) --------------------------------------------------------


class ImportRunViewSet(ModelViewSet):
    """Every import of a file: read-only (``exporting.ReadOnlyPermissionPolicy``, registered in
    ``wagtail_hooks``), for the programme manager."""

    model = ImportRun
    icon = "upload"
    menu_label = _("Importazioni")
    menu_order = 230
    add_to_admin_menu = True
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "user",
        "status",
        "created",
        "updated",
        "unchanged",
        "errors",
    ]
    list_filter = ["kind", "status", "source"]
    search_fields = ["file_name"]
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["id", "upload"]
    form_fields = ["file_name"]  # never shown: nobody may add or change a run

    def get_queryset(self, request):
        return ImportRun.objects.select_related("user")
