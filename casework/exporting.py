"""Spreadsheets going out: XLSX and CSV for Italian Excel, safe from formula injection.

Every string cell goes through ``core.spreadsheets.neutralise`` (the one rule of the product for
what a spreadsheet would run as a formula: ``=``, ``+``, ``-``, ``@``, also after leading blanks
or in their full-width forms, and a leading tab, CR or LF), which writes it with a leading
apostrophe, shown as text. Numbers and dates stay typed. This applies to every path: our
resources' exports (``export_response``), the import templates (``template_response``) and
Wagtail's list export of every listing (``protect_wagtail_list_exports``).

CSV for Italian Excel: ``;`` as separator (the comma is the decimal separator there), UTF-8
with a BOM (without it Excel reads the file as Windows-1252 and garbles accented letters),
dates as 31/12/2016 and amounts with a decimal comma.
"""

import csv
import datetime
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

# ``neutralise`` stays importable from here for the callers that always took it from this module.
from core.spreadsheets import neutralise

CSV_DELIMITER = ";"
BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_text(value):
    """How a value reads in an Italian CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return f"{value}".replace(".", ",")
    return neutralise(str(value))


def xlsx_value(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    if isinstance(value, str | int | float | Decimal | datetime.date) or value is None:
        return neutralise(value) if isinstance(value, str) else value
    return neutralise(str(value))


class _Echo:
    def write(self, value):
        return value


def iter_csv(headers, rows):
    """The CSV as a stream of encoded chunks: header with BOM, then one line per row."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield (BOM + writer.writerow([csv_text(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row]).encode("utf-8")


def write_xlsx(headers, rows, output, *, title="Dati"):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, xlsx_value(value))
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


def resource_rows(resource, queryset):
    """Typed values of each object, in the resource's export order, without building a
    tablib Dataset of the whole queryset."""
    export_fields = resource.get_export_fields()
    for obj in resource.iter_queryset(queryset):
        yield [resource.export_field(f, obj, force_native_type=True) for f in export_fields]


def export_response(resource, queryset, fmt, filename):
    headers = resource.get_export_headers()
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        response = StreamingHttpResponse(
            iter_csv(headers, resource_rows(resource, queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
        return response
    output = BytesIO()
    write_xlsx(headers, resource_rows(resource, queryset), output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        content_type=XLSX_CONTENT_TYPE,
        filename=f"{filename}-{stamp}.xlsx",
    )


def template_response(headers, fmt, filename):
    """An empty file with just the header row, for the office to fill in."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            iter_csv(headers, []), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    output = BytesIO()
    write_xlsx(headers, [], output, title=filename)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, content_type=XLSX_CONTENT_TYPE, filename=f"{filename}.xlsx"
    )


# --- Wagtail's list export -----------------------------------------------------------------------


def _safe_preprocess_field_value(original):
    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return csv_text(value)
        return neutralise(value) if isinstance(value, str) else value

    return preprocess_field_value


def _italian_stream_csv(self, queryset):
    writer = csv.DictWriter(_Echo(), fieldnames=self.list_export, delimiter=CSV_DELIMITER)
    headings = {field: self.get_heading(queryset, field) for field in self.list_export}
    yield (BOM + writer.writerow(headings)).encode("utf-8")
    for item in queryset:
        yield self.write_csv_row(writer, self.to_row_dict(item)).encode("utf-8")


def _italian_csv_response(self, queryset):
    response = StreamingHttpResponse(
        self.stream_csv(queryset), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
    return response


def protect_wagtail_list_exports():
    """Make every Wagtail list export of the project (casework's, and network's, whose
    organisation names come from a public form) neutralise formula cells and write the Italian
    CSV. Wagtail offers no hook for this, so its mixin is extended once at start-up (from
    ``casework.wagtail_hooks``); network cannot import casework, so a mixin would not reach it."""
    if getattr(SpreadsheetExportMixin, "_zo_protected", False):
        return
    SpreadsheetExportMixin.preprocess_field_value = _safe_preprocess_field_value(
        SpreadsheetExportMixin.preprocess_field_value
    )
    SpreadsheetExportMixin.stream_csv = _italian_stream_csv
    SpreadsheetExportMixin.write_csv_response = _italian_csv_response
    SpreadsheetExportMixin._zo_protected = True


class SafeSpreadsheetExportMixin:
    """Mixed in front of a Wagtail IndexView (a SpreadsheetExportMixin): the export permission
    and the import/template/export buttons of the viewset (cells are neutralised for every list
    export by ``protect_wagtail_list_exports``)."""

    export_permission = None  # e.g. "casework.export_referral"; None: no extra permission
    import_kind = None  # a key of ``casework.resources.RESOURCES`` that can be imported
    export_kind = None  # a key of ``casework.resources.RESOURCES`` for the full export

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


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records that are history (import runs): viewable with the view permission, never added,
    changed or deleted through the admin, not even by a superuser."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")
