"""Text cells going into a spreadsheet or a CSV, made safe from formula injection.

Excel and LibreOffice run a cell as a formula when its text begins with ``=``, ``+``, ``-`` or
``@`` (``=HYPERLINK("http://…","Clicca")`` in a surname is enough to send data out), and a
leading tab, carriage return or line feed can hide such a start. They skip leading blanks (a
space, a non-breaking space) before deciding, and in East Asian input modes the full-width
``＝ ＋ － ＠`` count as the ASCII signs. So a string whose first non-blank character is one of
these, or that begins with a tab, CR or LF, is written with a leading apostrophe: the
spreadsheet shows it as text. Only strings are touched: a negative number stored as a number
stays a number.

Every spreadsheet and CSV the product writes goes through ``neutralise``: case-record exports,
list exports, import templates (``casework.imports.exports``) and reports (``documents.builders``).
"""

import csv
import datetime
from decimal import Decimal

from django.utils import timezone

FORMULA_SIGNS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Control characters that start a formula-looking cell even before any sign (and may hide one).
FORMULA_CONTROLS = ("\t", "\r", "\n")
DANGEROUS_PREFIXES = FORMULA_SIGNS + FORMULA_CONTROLS
TEXT_PREFIX = "'"


def starts_like_formula(value):
    """True when a spreadsheet could read the string ``value`` as a formula."""
    if not isinstance(value, str) or not value:
        return False
    # str.lstrip() drops every Unicode blank, non-breaking and ideographic spaces included.
    return value.startswith(FORMULA_CONTROLS) or value.lstrip().startswith(FORMULA_SIGNS)


def neutralise(value):
    """The value, with a leading apostrophe when it is text a spreadsheet would run."""
    if starts_like_formula(value):
        return TEXT_PREFIX + value
    return value


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
    """A cell's value: numbers and dates typed, aware datetimes as the local time (openpyxl
    refuses aware ones), every text neutralised."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(timezone.localtime(value))
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


XLSX_DATE_FORMAT = "DD/MM/YYYY"


XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


XLSX_AMOUNT_FORMAT = "#,##0.00"


def _append_sheet(workbook, title, headers, rows):
    from openpyxl.cell import WriteOnlyCell

    # A sheet's name: at most 31 characters, none of : \ / ? * [ ].
    name = "".join(" " if char in ":\\/?*[]" else char for char in str(title))[:31] or "Dati"
    sheet = workbook.create_sheet(title=name)
    sheet.append([neutralise(str(h)) for h in headers])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, xlsx_value(value))
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(value, datetime.datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.number_format = XLSX_DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.number_format = XLSX_AMOUNT_FORMAT  # 1.234,56 in an Italian Excel
            cells.append(cell)
        sheet.append(cells)


def write_xlsx(headers, rows, output, *, title="Dati", extra_sheets=()):
    """A workbook of one sheet named ``title`` (Italian, never "Sheet1"), then ``extra_sheets``:
    ``(title, headers, rows)`` each, e.g. the instructions of an import template. Datetimes are
    written in the local time (Europe/Rome), dates and datetimes with the Italian format."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _append_sheet(workbook, title, headers, rows)
    for extra_title, extra_headers, extra_rows in extra_sheets:
        _append_sheet(workbook, extra_title, extra_headers, extra_rows)
    workbook.save(output)
