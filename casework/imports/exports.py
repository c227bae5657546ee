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
from io import BytesIO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.permission_policies import ModelPermissionPolicy

from core.spreadsheets import (
    BOM,
    CSV_DELIMITER,
    XLSX_CONTENT_TYPE,
    _Echo,
    csv_text,
    iter_csv,
    neutralise,
    write_xlsx,
)


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


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records that are history (import runs): viewable with the view permission, never added,
    changed or deleted through the admin, not even by a superuser."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")
