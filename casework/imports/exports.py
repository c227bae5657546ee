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
from django.utils.translation import gettext as _
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


def export_response(resource, queryset, fmt, filename, *, sheet_title=""):
    headers = resource.get_export_headers()
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    if fmt == "csv":
        response = StreamingHttpResponse(
            iter_csv(headers, resource_rows(resource, queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
        return response
    output = BytesIO()
    write_xlsx(headers, resource_rows(resource, queryset), output, title=sheet_title or filename)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        content_type=XLSX_CONTENT_TYPE,
        filename=f"{filename}-{stamp}.xlsx",
    )


def column_requirement(column):
    """Whether a column of an import must be filled: in every row, for a new person, or not."""
    if column.required and column.required_for_new:
        return _("obbligatoria (il valore può mancare solo per una persona già registrata)")
    if column.required:
        return _("obbligatoria")
    if column.required_for_new:
        return _("obbligatoria per una persona nuova")
    return _("facoltativa")


def template_note(columns):
    """One line saying which columns must be filled, for the CSV template's first line (the
    import looks for the header below it). No commas: they must not look like separators."""
    required = " · ".join(c.label for c in columns if c.required)
    for_new = " · ".join(c.label for c in columns if c.required_for_new)
    note = _("Istruzioni: compilare le righe sotto l'intestazione (questa riga può restare).")
    if for_new:
        return _(
            "%(note)s Colonne obbligatorie: %(required)s. Per una persona nuova anche: %(new)s."
        ) % {
            "note": note,
            "required": required,
            "new": for_new,
        }
    return _("%(note)s Colonne obbligatorie: %(required)s.") % {"note": note, "required": required}


def instruction_rows(columns):
    for column in columns:
        yield [column.label, column_requirement(column), str(column.help or "")]


def template_response(columns, fmt, filename, *, sheet_title):
    """An empty file for the office to fill in: the header row, and which columns must be
    filled (a second sheet «Istruzioni» of the XLSX, a first line of the CSV)."""
    headers = [column.label for column in columns]
    if fmt == "csv":
        # The note is a line of its own, before the header: the import skips it.
        note = [template_note(columns)]
        response = StreamingHttpResponse(
            (chunk for chunk in iter_csv(note, [headers])), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    output = BytesIO()
    instructions = (
        _("Istruzioni"),
        [_("Colonna"), _("Compilazione"), _("Valori ammessi")],
        instruction_rows(columns),
    )
    write_xlsx(headers, [], output, title=sheet_title, extra_sheets=[instructions])
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
