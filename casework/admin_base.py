"""Admin building blocks every area's screens share: the page title mixin, and the export permission with the import/export buttons of a listing (whose URLs belong to ``imports``)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets.button import Button

from core.listing_exports import ItalianSpreadsheetExportMixin


class AdminScreenMixin(WagtailAdminTemplateMixin):
    """A one-off admin screen. Wagtail shows the last breadcrumb as the page header, so the
    screen's own title goes there; otherwise the header would read "Home"."""

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [{"url": "", "label": self.get_page_title()}]


class SafeSpreadsheetExportMixin(ItalianSpreadsheetExportMixin):
    """Mixed in front of a Wagtail IndexView (a SpreadsheetExportMixin): the neutralised, Italian
    list export of ``core.listing_exports``, the export permission and the import/template/export
    buttons of the viewset."""

    export_permission = None  # e.g. "casework.export_referral"; None: no extra permission
    import_kind = None  # a key of ``casework.imports.resources.RESOURCES`` that can be imported
    export_kind = None  # a key of ``casework.imports.resources.RESOURCES`` for the full export

    def may_export(self):
        return self.export_permission is None or self.request.user.has_perm(self.export_permission)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in self.FORMATS and not self.may_export():
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    @cached_property
    def show_export_buttons(self):
        return super().show_export_buttons and self.may_export()

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        user = self.request.user
        if self.import_kind and user.has_perm(import_permission(self.import_kind)):
            buttons.append(
                Button(
                    _("Importa da file"),
                    url=reverse("casework_imports:upload", args=[self.import_kind]),
                    icon_name="upload",
                    priority=60,
                )
            )
            buttons.append(
                Button(
                    _("Scarica modello (XLSX)"),
                    url=reverse("casework_imports:template", args=[self.import_kind, "xlsx"]),
                    icon_name="download",
                    priority=61,
                )
            )
            buttons.append(
                Button(
                    _("Scarica modello (CSV)"),
                    url=reverse("casework_imports:template", args=[self.import_kind, "csv"]),
                    icon_name="download",
                    priority=62,
                )
            )
        if self.export_kind and user.has_perm(export_permission(self.export_kind)):
            for fmt in ("xlsx", "csv"):
                buttons.append(
                    Button(
                        _("Esporta tutto (%(fmt)s)") % {"fmt": fmt.upper()},
                        url=reverse("casework_imports:export", args=[self.export_kind, fmt]),
                        icon_name="download",
                        priority=95,
                    )
                )
        return buttons


# kind -> model name of the permissions (``casework.import_<model>`` / ``casework.export_<model>``,
# the codenames django-import-export derives from IMPORT_EXPORT_*_PERMISSION_CODE).
KIND_MODELS = {
    "referrals": "referral",
    "budgets": "budget",
    "people": "beneficiary",
    "vouchers": "voucher",
}


def import_permission(kind):
    return f"casework.import_{KIND_MODELS[kind]}"


def export_permission(kind):
    return f"casework.export_{KIND_MODELS[kind]}"


_safe_classes = {}


def safe_index_view_class(view_class, *, import_kind=None, export_kind=None, permission=None):
    """``view_class`` with ``SafeSpreadsheetExportMixin`` in front (built once per class)."""
    if not issubclass(view_class, SpreadsheetExportMixin) or issubclass(
        view_class, SafeSpreadsheetExportMixin
    ):
        return view_class
    key = (view_class, import_kind, export_kind, permission)
    if key not in _safe_classes:
        _safe_classes[key] = type(
            f"Safe{view_class.__name__}",
            (SafeSpreadsheetExportMixin, view_class),
            {
                "import_kind": import_kind,
                "export_kind": export_kind,
                "export_permission": permission,
                "__module__": __name__,
            },
        )
    return _safe_classes[key]


class ImportExportViewSetMixin:
    """Mix into a ModelViewSet/SnippetViewSet: its listing gets neutralised list exports, the
    export permission, and (with ``import_kind`` / ``export_kind``) the buttons to import a
    file, download the empty template and export every record in scope.

    It wraps whatever ``index_view_class`` the viewset uses, so it composes with a customised
    listing."""

    import_kind = None
    export_kind = None

    def construct_view(self, view_class, **kwargs):
        if view_class is self.index_view_class:
            permission = export_permission(self.export_kind) if self.export_kind else None
            view_class = safe_index_view_class(
                view_class,
                import_kind=self.import_kind,
                export_kind=self.export_kind,
                permission=permission,
            )
        return super().construct_view(view_class, **kwargs)


def add_service_errors(form, error):
    """Put a service's ``ValidationError`` on the form: on its field when the form has that field,
    otherwise at the top of the form. The one way a screen shows why a service refused."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
