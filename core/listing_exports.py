"""The list export of every admin listing (Wagtail's "Download XLSX / CSV"), made safe and Italian.

Every listing that exports puts ``ItalianSpreadsheetExportMixin`` in front of its Wagtail
IndexView: casework's through ``casework.admin_base``, network's and the access log directly.
It uses the extension points Wagtail's ``SpreadsheetExportMixin`` offers, and changes nothing
of Wagtail itself, so a listing without it exports as Wagtail does:

- every text cell goes through ``core.spreadsheets.neutralise`` (a leading apostrophe on what a
  spreadsheet would run as a formula), also the text Wagtail makes of a related object or a
  listing's own ``custom_field_preprocess`` returns;
- the CSV is the one ``core.spreadsheets.iter_csv`` writes for Italian Excel: ``;`` separator,
  UTF-8 with a BOM, dates as 31/12/2016, amounts with a decimal comma. Wagtail's CSV writer
  has no hook for the separator or the BOM, so ``stream_csv`` is the one method replaced here.
"""

import datetime
from decimal import Decimal

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.spreadsheets import csv_text, iter_csv, neutralise

CSV = SpreadsheetExportMixin.FORMAT_CSV
XLSX = SpreadsheetExportMixin.FORMAT_XLSX


# Wagtail's own XLSX rule for datetimes (openpyxl refuses aware ones), kept as it is.
_XLSX_DATETIME = SpreadsheetExportMixin.custom_value_preprocess[datetime.datetime][XLSX]


class ItalianSpreadsheetExportMixin:
    """In front of a Wagtail IndexView (a ``SpreadsheetExportMixin``)."""

    # Looked up in order, so datetime before date and bool before any number.
    custom_value_preprocess = {
        str: {CSV: csv_text, XLSX: neutralise},
        datetime.datetime: {CSV: csv_text, XLSX: _XLSX_DATETIME},
        datetime.date: {CSV: csv_text, XLSX: None},
        datetime.time: {XLSX: None},
        bool: {CSV: csv_text},
        (Decimal, float): {CSV: csv_text},
        type(None): {CSV: csv_text},
        list: {
            CSV: lambda value: csv_text(", ".join(map(str, value))),
            XLSX: lambda value: neutralise(", ".join(map(str, value))),
        },
    }

    def preprocess_field_value(self, field, value, export_format):
        # The types above cover the usual cells; whatever else becomes text (a related object's
        # label, a listing's own field function) is neutralised here, on the way out.
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise(value) if isinstance(value, str) else value

    def stream_csv(self, queryset):
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (
            [
                self.preprocess_field_value(field, value, CSV)
                for field, value in self.to_row_dict(item).items()
            ]
            for item in queryset
        )
        return iter_csv(headings, rows)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response
