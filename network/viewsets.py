"""Admin screens of the network (menu "Rete enti"): organisations, positions, the Comuni's
neighbour lists and the moderation queue."""

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from core.listing_exports import ItalianSpreadsheetExportMixin

from . import admin_views
from .choices import OrganisationStatus, PositionStatus
from .models import Comune, HostOrganisation, Position
from .selectors import with_free_seats

PENDING_FIRST = Case(
    When(status=OrganisationStatus.PENDING, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


class DecisionButtonIndexView(ItalianSpreadsheetExportMixin, IndexView):
    """Adds "Decidi" (approve, reject, suspend with a reason) to each row's buttons. Its list
    export is neutralised: organisation names come from the public registration form."""

    decision_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if admin_views.can_moderate(self.request.user):
            url = reverse(self.decision_url_name, args=[instance.pk])
            buttons.append(
                ListingButton(
                    _("Decidi (approva, respingi, sospendi)"),
                    url=f"{url}?next={self.request.get_full_path()}",
                    icon_name="tasks",
                    priority=5,
                )
            )
        return buttons


class OrganisationIndexView(DecisionButtonIndexView):
    decision_url_name = "network_moderation:organisation"


class PositionIndexView(DecisionButtonIndexView):
    decision_url_name = "network_moderation:position"


class HostOrganisationViewSet(SnippetViewSet):
    model = HostOrganisation
    icon = "group"
    menu_label = _("Enti ospitanti")
    index_view_class = OrganisationIndexView
    list_display = ["name", "kind", "comune", "status", "submitted_at"]
    list_filter = ["status", "kind", "comune"]
    search_fields = ["name", "tax_code", "email", "contact_person"]
    list_export = [
        "name",
        "kind",
        "tax_code",
        "comune",
        "address",
        "contact_person",
        "email",
        "phone",
        "status",
        "status_reason",
        "agreement_starts_on",
        "agreement_ends_on",
        "submitted_at",
    ]
    export_filename = "enti-ospitanti"
    inspect_view_enabled = True
    # Status changes go through the decision buttons (they email the organisation).
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("tax_code")]),
                FieldPanel("employees"),
            ],
            heading=_("Ente"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("comune"), FieldPanel("address")]),
                FieldRowPanel([FieldPanel("contact_person"), FieldPanel("email")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("website")]),
            ],
            heading=_("Sede e contatti"),
        ),
        MultiFieldPanel(
            [FieldPanel("public_description"), FieldPanel("publish_contacts")],
            heading=_("Pubblicazione"),
        ),
        FieldRowPanel(
            [FieldPanel("agreement_starts_on"), FieldPanel("agreement_ends_on")],
            heading=_("Convenzione"),
        ),
        MultiFieldPanel(
            [FieldPanel("status", read_only=True), FieldPanel("status_reason", read_only=True)],
            heading=_("Stato"),
        ),
    ]

    def get_queryset(self, request):
        return (
            HostOrganisation.objects.select_related("comune")
            .annotate(moderation_rank=PENDING_FIRST)
            .order_by("moderation_rank", "-submitted_at", "name")
        )


class SeatsColumn(Column):
    cell_template_name = "network/admin/seats_cell.html"


class PositionViewSet(SnippetViewSet):
    model = Position
    icon = "clipboard-list"
    menu_label = _("Posizioni")
    index_view_class = PositionIndexView
    list_display = [
        "title",
        "host",
        "complexity",
        SeatsColumn("free_seats", label=_("Posti liberi / totali")),
        "status",
    ]
    list_filter = ["status", "complexity", "pathway_types", "host__comune"]
    search_fields = ["title", "tasks", "host__name"]
    list_export = ["title", "host", "complexity", "hours_per_week", "seats", "status"]
    export_filename = "posizioni"
    inspect_view_enabled = True
    panels = [
        FieldPanel("host"),
        FieldPanel("title"),
        FieldPanel("tasks"),
        FieldPanel("pathway_types", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel(
            [FieldPanel("complexity"), FieldPanel("hours_per_week"), FieldPanel("seats")]
        ),
        FieldPanel("reserved_for_comune"),
        FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_to")]),
        MultiFieldPanel(
            [FieldPanel("status", read_only=True), FieldPanel("status_reason", read_only=True)],
            heading=_("Stato"),
        ),
    ]

    def get_queryset(self, request):
        pending_first = Case(
            When(status=PositionStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            with_free_seats(Position.objects.select_related("host"))
            .annotate(moderation_rank=pending_first)
            .order_by("moderation_rank", "host__name", "title")
        )


class ComunePermissionPolicy(ModelPermissionPolicy):
    """The 18 Comuni come from a migration: staff edit their neighbours, never add or delete."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ComuneViewSet(SnippetViewSet):
    model = Comune
    icon = "site"
    menu_label = _("Comuni e Comuni vicini")
    list_display = ["name", "istat_code", "cadastral_code", "province"]
    search_fields = ["name", "istat_code"]
    panels = [
        FieldRowPanel(
            [
                FieldPanel("name", read_only=True),
                FieldPanel("istat_code", read_only=True),
                FieldPanel("cadastral_code", read_only=True),
            ]
        ),
        FieldPanel("neighbours", widget=forms.CheckboxSelectMultiple),
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_moderate(request.user)


class ModerationViewSet(ViewSet):
    name = "network_moderation"
    url_prefix = "rete/richieste"
    icon = "tasks"
    menu_label = _("Richieste da verificare")
    menu_item_class = ModerationMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.ModerationQueueView.as_view(), name="index"),
            path(
                "ente/<int:pk>/",
                admin_views.OrganisationDecisionView.as_view(),
                name="organisation",
            ),
            path(
                "posizione/<int:pk>/",
                admin_views.PositionDecisionView.as_view(),
                name="position",
            ),
        ]


class NetworkViewSetGroup(ViewSetGroup):
    menu_label = _("Rete enti")
    menu_icon = "group"
    menu_order = 220
    items = (ModerationViewSet, HostOrganisationViewSet, PositionViewSet, ComuneViewSet)
