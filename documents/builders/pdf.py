"""PDF rendering with reportlab (pure Python wheels on PyPI, no system libraries to install)."""

import math
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from .base import DATE, HOURS, INT, MONEY, PERCENT

PAGE = landscape(A4)
BRAND = colors.HexColor("#1d4f73")
LIGHT = colors.HexColor("#e8eef3")


def format_value(value, kind):
    """Italian number formatting: 1.234,56."""
    if value is None or value == "":
        return "–"
    if kind == DATE:
        return f"{value:%d/%m/%Y}"
    if kind in (MONEY, HOURS, PERCENT) and isinstance(value, (int, Decimal, float)):
        places = 2 if kind == MONEY else 1
        text = f"{Decimal(value):,.{places}f}".replace(",", "X").replace(".", ",").replace("X", ".")
        return f"{text} %" if kind == PERCENT else text
    if kind == INT and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


class NumberedCanvas(canvas.Canvas):
    """Holds every page until the end so the footer can say "Pagina N di M"."""

    footer_left = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages = []

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total):
        self.saveState()
        self.setFont("Helvetica", 8)
        self.setFillColor(colors.grey)
        self.drawString(15 * mm, 10 * mm, self.footer_left)
        self.drawRightString(
            PAGE[0] - 15 * mm,
            10 * mm,
            _("Pagina %(page)d di %(total)d") % {"page": self._pageNumber, "total": total},
        )
        self.restoreState()


def _chart(chart, width):
    drawing = Drawing(width, 70 * mm)
    drawing.add(String(0, 65 * mm, chart.title, fontName="Helvetica-Bold", fontSize=10))
    bars = VerticalBarChart()
    bars.x, bars.y = 15 * mm, 12 * mm
    bars.width, bars.height = width - 30 * mm, 45 * mm
    bars.data = [[float(v or 0) for v in values] for _label, values in chart.series]
    bars.categoryAxis.categoryNames = [str(c) for c in chart.categories]
    bars.categoryAxis.labels.fontSize = 8
    bars.valueAxis.valueMin = 0
    values = [v for _label, series in chart.series for v in series if v is not None]
    if values and all(isinstance(v, int) for v in values):
        # Counts: whole-number ticks, never "0.5 people".
        bars.valueAxis.valueStep = max(1, math.ceil(max(values) / 5))
        bars.valueAxis.valueMax = max(1, max(values))
    bars.valueAxis.labels.fontSize = 8
    bars.bars[0].fillColor = BRAND
    bars.barLabelFormat = "%.0f"
    bars.barLabels.fontSize = 8
    bars.barLabels.nudge = 6
    drawing.add(bars)
    return drawing


def _table(table, styles, width):
    header_style = styles["header"]
    cell_style = styles["cell"]
    number_style = styles["number"]

    def cell(value, column, bold=False):
        text = escape(format_value(value, column.kind))
        style = cell_style if column.kind == "text" else number_style
        return Paragraph(f"<b>{text}</b>" if bold else text, style)

    data = [[Paragraph(escape(str(c.label)), header_style) for c in table.columns]]
    data += [[cell(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows]
    if table.total:
        data.append(
            [cell(v, c, bold=True) for v, c in zip(table.total, table.columns, strict=True)]
        )
    first = 2.2 if table.columns[0].kind == "text" else 1
    unit = width / (first + len(table.columns) - 1)
    widths = [unit * first] + [unit] * (len(table.columns) - 1)
    result = LongTable(data, colWidths=widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), BRAND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
    ]
    if table.total:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1, BRAND))
    result.setStyle(TableStyle(commands))
    return result


def render_pdf(report):
    buffer = BytesIO()
    sample = getSampleStyleSheet()
    styles = {
        "header": sample["BodyText"].clone(
            "header", fontSize=8, leading=10, textColor=colors.white, fontName="Helvetica-Bold"
        ),
        "cell": sample["BodyText"].clone("cell", fontSize=8, leading=10),
        "number": sample["BodyText"].clone("number", fontSize=8, leading=10, alignment=TA_RIGHT),
    }
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{report.title} {report.period_label}",
        author="ZeroOttanta",
        lang="it",
    )
    width = document.width
    story = [
        Paragraph(report.title, sample["Title"]),
        Paragraph(
            _("Periodo: %(period)s — %(scope)s")
            % {"period": report.period_label, "scope": report.scope_label},
            sample["Heading3"],
        ),
        Paragraph(
            _("Generato il %(date)s") % {"date": f"{report.generated_on:%d/%m/%Y %H:%M}"},
            sample["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    for index, table in enumerate(report.tables):
        block = [Paragraph(table.title, sample["Heading2"])]
        if table.rows:
            block.append(_table(table, styles, width))
        else:
            block.append(Paragraph(table.empty_text, sample["Italic"]))
        if table.note:
            block.append(Paragraph(table.note, styles["cell"]))
        story += [KeepTogether(block[:2]), *block[2:], Spacer(1, 5 * mm)]
        if index == report.chart_after and report.chart is not None:
            story += [_chart(report.chart, width), Spacer(1, 5 * mm)]

    class Canvas(NumberedCanvas):
        footer_left = f"ZeroOttanta – {report.title} – {report.period_label} – {report.scope_label}"

    document.build(story, canvasmaker=Canvas)
    return buffer.getvalue()
