"""Probe finding 2: text that a spreadsheet would run as a formula is written as text in every
spreadsheet and CSV the product writes (reports, exports, list exports, templates), through the
one function ``core.spreadsheets.neutralise``."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from casework.models import Invoice, InvoiceLine, Referral
from core.spreadsheets import neutralise
from documents.models import ReportRun, RunStatus
from documents.services import request_report
from tests import factories as f

from .conftest import Q1

pytestmark = pytest.mark.django_db

PROTOCOL = "=1+2"
HYPERLINK = '=HYPERLINK("http://x","Clicca")'
NUMBER = '=HYPERLINK("http://x","Clic")'  # an invoice number holds 30 characters
NBSP = "\u00a0"


@pytest.mark.parametrize(
    "value",
    [
        "=1+2",
        "+39 333",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        " =1+2",
        "   +1",
        "\t=1+2",
        "\n=1+2",
        "\r\n@x",
        f"{NBSP}=1+2",
        f" {NBSP}-1",
        "\u3000=1",  # ideographic space
        "\uff1d1+2",  # ＝
        "\uff0b1",  # ＋
        "\uff0d1",  # －
        "\uff20SUM(A1)",  # ＠
        " \uff1d1",
        f"{NBSP}\uff20x",
    ],
)
def test_finding_2_every_formula_start_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["Rossi", " Rossi", "", " ", "1/2017", "a=b", "Via Roma, 3 - Lumezzane", -5, Decimal("-1.50")],
)
def test_finding_2_plain_values_and_numbers_are_left_alone(value):
    assert neutralise(value) == value


def test_finding_2_casework_uses_the_one_function():
    # No app writes a neutraliser of its own: every writer imports core.spreadsheets'.
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for app in ("casework", "documents", "network"):
        for source in (root / app).rglob("*.py"):
            assert "def neutralise" not in source.read_text(), source
    assert neutralise(" \uff1d1") == "' \uff1d1"


# --- Reports -----------------------------------------------------------------------------------


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def request(kind, period, comune=None):
        with django_capture_on_commit_callbacks(execute=True):
            result = request_report(
                kind, period_start=period[0], period_end=period[1], comune=comune
            )
        result = ReportRun.objects.get(pk=result.pk)
        assert result.status == RunStatus.DONE, result.error
        return result

    return request


def workbook(run):
    with run.spreadsheet.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def cells_with(book, text):
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]


def assert_text_cells(cells, value):
    assert cells, f"{value!r} is not in the workbook"
    for cell in cells:
        assert cell.data_type != "f", f"{cell.coordinate} is a formula"
        assert cell.value == "'" + value


def test_finding_2_budget_report_writes_a_formula_protocol_as_text(report_data, run):
    first = report_data.pathways[0]
    Referral.objects.filter(pk=first.referral_id).update(protocol=PROTOCOL)

    book = workbook(run("budget", Q1, comune=report_data.a))

    assert_text_cells(cells_with(book, PROTOCOL), PROTOCOL)
    assert not any(
        cell.data_type == "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )
    # Amounts are still numbers.
    money = [row[2] for row in book["Budget"].iter_rows(min_row=2)]
    assert money and all(cell.data_type == "n" for cell in money)


def test_finding_2_invoice_report_writes_a_formula_number_and_line_as_text(report_data, run):
    invoice = Invoice.objects.get(number="1/2017")
    invoice.number = NUMBER
    invoice.save()
    InvoiceLine.objects.filter(invoice=invoice, description="Spese varie").update(
        description=HYPERLINK
    )
    InvoiceLine.objects.filter(invoice=invoice, description="Tutoraggio").update(
        description=f" {HYPERLINK}"
    )

    book = workbook(run("invoices", Q1))

    assert_text_cells(cells_with(book, NUMBER), NUMBER)
    assert len(cells_with(book, NUMBER)) == 4  # the invoice, and its three lines
    assert_text_cells([c for c in cells_with(book, HYPERLINK) if c.value[1] == "="], HYPERLINK)
    assert_text_cells(
        [c for c in cells_with(book, HYPERLINK) if c.value[1] == " "], f" {HYPERLINK}"
    )
    assert not any(
        cell.data_type == "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )
    differences = [row[8] for row in book["Righe"].iter_rows(min_row=2)]
    assert all(cell.data_type == "n" for cell in differences if cell.value is not None)


# --- Case-record exports and list exports ------------------------------------------------------


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return b"".join(response)


def read_csv(response):
    text = body(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    return list(sheet.iter_rows())


HIDDEN = [f" {PROTOCOL}", f"{NBSP}+39 333", "\n=1+2", "\uff1d1+2", " \uff20SUM(A1)"]


@pytest.fixture
def hidden_formulas(comune_a):
    people = [f.BeneficiaryFactory(last_name=value) for value in HIDDEN]
    for person, value in zip(people, HIDDEN, strict=True):
        f.ReferralFactory(beneficiary=person, protocol=value)
    return people


def test_finding_2_full_export_csv_and_xlsx_neutralise_hidden_formulas(
    client, programme_manager, hidden_formulas
):
    client.force_login(programme_manager)

    rows = read_csv(client.get(reverse("casework_imports:export", args=["referrals", "csv"])))
    protocols = {row[0] for row in rows[1:]}
    assert protocols == {"'" + value for value in HIDDEN}

    sheet = read_xlsx(client.get(reverse("casework_imports:export", args=["referrals", "xlsx"])))
    cells = [row[0] for row in sheet[1:]]
    assert {c.value for c in cells} == {"'" + value for value in HIDDEN}
    assert all(c.data_type != "f" for row in sheet for c in row)


def test_finding_2_wagtail_list_export_neutralises_hidden_formulas(
    client, programme_manager, hidden_formulas
):
    client.force_login(programme_manager)
    listing = reverse("wagtailsnippets_casework_beneficiary:list")

    rows = read_csv(client.get(listing + "?export=csv"))
    assert {row[0] for row in rows[1:]} == {"'" + value for value in HIDDEN}

    sheet = read_xlsx(client.get(listing + "?export=xlsx"))
    assert {row[0].value for row in sheet[1:]} == {"'" + value for value in HIDDEN}
    assert all(c.data_type != "f" for row in sheet for c in row)


def test_finding_2_import_template_has_no_formula_cell(client, programme_manager):
    client.force_login(programme_manager)

    sheet = read_xlsx(client.get(reverse("casework_imports:template", args=["referrals", "xlsx"])))

    assert sheet and all(c.data_type == "s" for c in sheet[0])
