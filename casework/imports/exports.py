"""Spreadsheets going out: XLSX and CSV for Italian Excel, safe from formula injection.

Every string cell goes through ``core.spreadsheets.neutralise`` (the one rule of the product for
what a spreadsheet would run as a formula: ``=``, ``+``, ``-``, ``@``, also after leading blanks
or in their full-width forms, and a leading tab, CR or LF), which writes it with a leading
apostrophe, shown as text. Numbers and dates stay typed. This applies to every path: our
resources' exports (``export_response``) and the import templates (``template_response``);
Wagtail's list export of every listing goes through ``core.listing_exports``.

CSV for Italian Excel: ``;`` as separator (the comma is the decimal separator there), UTF-8
with a BOM (without it Excel reads the file as Windows-1252 and garbles accented letters),
dates as 31/12/2016 and amounts with a decimal comma.
"""

from io import BytesIO

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from wagtail.permission_policies import ModelPermissionPolicy

from core.spreadsheets import (
    XLSX_CONTENT_TYPE,
    iter_csv,
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


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records that are history (import runs): viewable with the view permission, never added,
    changed or deleted through the admin, not even by a superuser."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")
