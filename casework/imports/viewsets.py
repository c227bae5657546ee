"""The read-only listing of import runs."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from casework.permissions.names import user_column

from .models import ImportRun


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
        user_column("user", _("utente")),
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
