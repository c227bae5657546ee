"""The access log in the admin: who opened whose data, for the programme manager."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from casework.audit.models import AuditEvent
from casework.permissions.names import user_column
from core.listing_exports import ItalianSpreadsheetExportMixin


class AccessLogIndexView(ItalianSpreadsheetExportMixin, IndexView):
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


class AccessLogViewSet(ModelViewSet):
    """The programme manager's read-only log of who opened which person's record."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Registro accessi")
    menu_order = 90
    name = "casework_auditevent"
    url_prefix = "casework/access-log"
    index_view_class = AccessLogIndexView
    list_display = [
        "at",
        user_column("user", _("utente")),
        "action",
        "model",
        "object_id",
        "beneficiary_id",
        "detail",
    ]
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
