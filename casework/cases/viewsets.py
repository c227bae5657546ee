"""Admin screens for case records (menu "Casi") and money (menu "Budget e voucher")."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Value,
)
from django.template.loader import render_to_string
from django.urls import path, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import RevisionsRevertMixin
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.admin_base import ImportExportViewSetMixin
from casework.permissions.access import scope, visible_comuni
from casework.permissions.scoping import ScopedViewSetMixin, guard_urlpatterns
from network.choices import PathwayType

from .choices import EmploymentCondition, PathwayStatus, ReferralStatus, TargetGroup
from .deadlines import (
    DUE_SOON,
    OVERDUE,
    annotate_pathway_deadline,
    annotate_referral_deadline,
    filter_pathways_by_deadline,
    filter_referrals_by_deadline,
)
from .forms import BeneficiaryAdminForm, PathwayAdminForm, ReferralAdminForm, TeamMeetingAdminForm
from .inspect import (
    AuditedEditView,
    BeneficiaryCreateView,
    BeneficiaryDeleteView,
    BeneficiaryInspectView,
    PathwayDeleteView,
    PathwayEditView,
    PathwayInspectView,
    ReferralDeleteView,
    ReferralEditView,
    ReferralInspectView,
    ServiceSaveMixin,
)
from .models import Beneficiary, Pathway, PathwayActivity, Referral, TeamMeeting
from .panels import ConfidentialFieldPanel, TeamMeetingAgendaPanel
from .search import PeopleIndexView, PersonSearchIndexView
from .views import (
    ActivateView,
    ActivityDoneView,
    ChangeResidenceView,
    CompleteView,
    DeclineView,
    DefinePathwayView,
    FollowUpView,
    InterruptView,
    NewReferralView,
    ReopenView,
    TakeInChargeView,
    WithdrawView,
)


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


class CaseIndexMixin:
    """A row's title opens the record's case page (inspect: workflow buttons, history,
    "Modifica"), not the edit form; the empty list says so in Italian with the right gender."""

    no_results_found = ""  # "Nessuna segnalazione corrisponde alla ricerca."
    no_results_at_all = ""  # "Non ci sono segnalazioni da mostrare."

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column = super()._get_title_column(field_name, column_class, **kwargs)
        column._get_url_func = self._case_page_url
        return column

    def _case_page_url(self, instance):
        return self.get_inspect_url(instance) or self.get_edit_url(instance)

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return self.no_results_found
        return self.no_results_at_all


class BeneficiaryIndexView(CaseIndexMixin, PeopleIndexView):
    no_results_found = _("Nessuna persona corrisponde alla ricerca.")
    no_results_at_all = _("Non ci sono persone da mostrare.")


class ReferralIndexView(CaseIndexMixin, PersonSearchIndexView):
    own_search_fields = ("protocol",)
    no_results_found = _("Nessuna segnalazione corrisponde alla ricerca.")
    no_results_at_all = _("Non ci sono segnalazioni da mostrare.")

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


class PathwayIndexView(CaseIndexMixin, PersonSearchIndexView):
    person_path = "referral__beneficiary"
    no_results_found = _("Nessun percorso corrisponde alla ricerca.")
    no_results_at_all = _("Non ci sono percorsi da mostrare.")

    def get_add_url(self):
        # A pathway is born from taking a referral in charge, never added by itself.
        return None


class ServiceRevertMixin:
    """Reverting to a revision saves through the service too: Wagtail builds its revert view as
    (revert mixin, edit view), whose save step would otherwise be the revert mixin's own."""

    def save_instance(self):
        return ServiceSaveMixin.save_instance(self)


class ServiceEditViewSetMixin:
    @property
    def revisions_revert_view_class(self):
        return type(
            "_RevisionsRevertView",
            (ServiceRevertMixin, RevisionsRevertMixin, self.edit_view_class),
            {"view_name": "revisions_revert"},
        )


class BeneficiaryViewSet(ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet):
    model = Beneficiary
    index_view_class = BeneficiaryIndexView
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
    add_view_class = BeneficiaryCreateView
    delete_view_class = BeneficiaryDeleteView
    inspect_view_class = BeneficiaryInspectView
    edit_view_class = AuditedEditView
    inspect_view_fields_exclude = ["id", "anonymised_at", "revisions", "latest_revision"]
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
                    FieldPanel("available_hours_per_week"),
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


class ReferralViewSet(
    ServiceEditViewSetMixin, ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet
):
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
    edit_view_class = ReferralEditView
    delete_view_class = ReferralDeleteView
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


class PathwayViewSet(
    ServiceEditViewSetMixin, ImportExportViewSetMixin, ScopedViewSetMixin, SnippetViewSet
):
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
    edit_view_class = PathwayEditView
    delete_view_class = PathwayDeleteView
    inspect_view_fields = [
        "pathway_type",
        "intake_on",
        "first_interview_on",
        "assessment",
        "cv_summary",
        "objectives",
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
            FieldPanel("objectives"),
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
