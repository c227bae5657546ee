"""XLSX rendering with openpyxl: one sheet per table, plus a cover sheet, same figures as the PDF.

Numbers are written as numbers (not text) so the programme manager can sum and filter them. Text
comes from the records (a protocol, an invoice number or line typed by someone), so every text
cell goes through ``core.spreadsheets.neutralise``: what a spreadsheet would run as a formula is
written as text."""

from io import BytesIO

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.spreadsheets import neutralise

from .base import DATE, HOURS, MONEY, PERCENT

FORMATS = {MONEY: "#,##0.00", HOURS: "#,##0.0", PERCENT: '0.0" %"', DATE: "DD/MM/YYYY"}
HEADER_FILL = PatternFill("solid", fgColor="1D4F73")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
COVER_SHEET = "Report"


def _sheet_title(name, used):
    title = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31] or "Foglio"
    base, n = title, 2
    while title in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _text_safe(values):
    """The values of one row with every string neutralised (numbers and dates untouched)."""
    return [neutralise(str(v)) if isinstance(v, str | Promise) else v for v in values]


def _write(sheet, row_index, values, columns, font=None):
    values = _text_safe(values)
    for col_index, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
        cell = sheet.cell(row=row_index, column=col_index, value=None if value == "" else value)
        if column.kind in FORMATS:
            cell.number_format = FORMATS[column.kind]
        if font:
            cell.font = font


def render_xlsx(report):
    workbook = Workbook()
    cover = workbook.active
    cover.title = COVER_SHEET
    used = {COVER_SHEET}
    cover.append(_text_safe([str(report.title)]))
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(_text_safe([_("Periodo"), report.period_label]))
    # The scope is a Comune's name, typed in the admin.
    cover.append(_text_safe([_("Ambito"), str(report.scope_label)]))
    cover.append(_text_safe([_("Generato il"), f"{report.generated_on:%d/%m/%Y %H:%M}"]))
    cover.column_dimensions["A"].width = 18
    cover.column_dimensions["B"].width = 40

    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(table.sheet, used))
        sheet.append(_text_safe([str(c.label) for c in table.columns]))
        for cell in sheet[1]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for index, row in enumerate(table.rows, start=2):
            _write(sheet, index, row, table.columns)
        if table.total:
            _write(sheet, len(table.rows) + 2, table.total, table.columns, font=BOLD)
        for index, column in enumerate(table.columns, start=1):
            width = max(12, min(40, len(str(column.label)) + 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "B2"
        cover.append([])
        cover.append(_text_safe([str(table.title), str(table.note or "")]))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
