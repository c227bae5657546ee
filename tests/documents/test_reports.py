"""Each report kind, run through the queue in sync mode, checked cell by cell (XLSX) and by its
extracted text (PDF)."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from documents.models import ReportRun, RunStatus
from documents.services import request_report

from .conftest import H1, Q1

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Request a report and let the (sync) queue run it, as a committed request would."""

    def request(kind, period, comune=None):
        with django_capture_on_commit_callbacks(execute=True):
            result = request_report(
                kind, period_start=period[0], period_end=period[1], comune=comune
            )
        result = ReportRun.objects.get(pk=result.pk)
        assert result.status == RunStatus.DONE, result.error
        return result

    return request


def number(value):
    return Decimal(str(value)) if isinstance(value, float) else value


def sheet(run, name):
    with run.spreadsheet.file.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()), data_only=True)
    rows = [[number(v) for v in row] for row in workbook[name].iter_rows(values_only=True)]
    return {row[0]: row[1:] for row in rows[1:]}, tuple(rows[0])


def pdf(run):
    with run.document.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    # Cells wrap: compare text with whitespace collapsed.
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_quarterly_whole_programme(report_data, run):
    result = run("quarterly", Q1)

    intake, header = sheet(result, "Prese in carico")
    assert header[0] == "Comune"
    assert intake["Lumezzane"] == [3, 3, 2, Decimal("66.7")]
    assert intake["Sarezzo"] == [1, 1, 1, Decimal("100.0")]
    assert intake["Gardone Val Trompia"] == [0, 0, 0, None]
    assert intake["Totale"] == [4, 4, 3, Decimal("75.0")]
    assert len(intake) == 19  # 18 Comuni and the total

    activations, header = sheet(result, "Percorsi attivati")
    assert header[1:5] == (
        "Assistenziale",
        "Tirocinio",
        "Inserimento lavorativo",
        "Progetto personalizzato",
    )
    assert activations["Lumezzane"] == [0, 1, 1, 0, 2, 1, Decimal("50.0")]
    assert activations["Sarezzo"] == [0, 1, 0, 0, 1, 1, Decimal("100.0")]
    assert activations["Totale"] == [0, 2, 1, 0, 3, 2, Decimal("66.7")]

    money, _header = sheet(result, "Tutoraggio e voucher")
    assert money["Lumezzane"] == [Decimal("3.5"), 2, Decimal("500.20")]
    assert money["Sarezzo"] == [Decimal("3.0"), 1, Decimal("244.00")]
    assert money["Totale"] == [Decimal("6.5"), 3, Decimal("744.20")]

    budget, _header = sheet(result, "Budget")
    assert budget["Lumezzane"] == [
        Decimal("10000"),
        Decimal("500.20"),
        Decimal("9499.80"),
        Decimal("5.0"),
    ]
    assert budget["Sarezzo"] == [Decimal("5000"), Decimal("244"), Decimal("4756"), Decimal("4.9")]
    assert budget["Totale"] == [
        Decimal("15000"),
        Decimal("744.20"),
        Decimal("14255.80"),
        Decimal("5.0"),
    ]

    pages = pdf(result)
    assert len(pages) == 5  # four tables of 18 Comuni and the chart, landscape A4
    text = "\n".join(pages)
    assert "Report trimestrale di attività" in text
    assert "Periodo: 01/01/2017 – 31/03/2017 — Intero programma" in text
    assert "Generato il" in text
    for number_, page in enumerate(pages, start=1):
        assert f"Pagina {number_} di 5" in page
        assert "Report trimestrale di attività – 01/01/2017 – 31/03/2017" in page
    assert "Percorsi attivati nel periodo per tipologia" in pages[2]
    assert "Percorsi attivati nel periodo per tipologia" in text  # the chart's title
    assert "9.499,80" in text
    assert result.document.collection.name == "Report – Intero programma"


def test_quarterly_one_comune_has_no_other_comune(report_data, run):
    result = run("quarterly", Q1, comune=report_data.a)
    intake, _header = sheet(result, "Prese in carico")
    assert intake == {"Lumezzane": [3, 3, 2, Decimal("66.7")]}
    text = "\n".join(pdf(result))
    assert "Sarezzo" not in text
    assert "Periodo: 01/01/2017 – 31/03/2017 — Lumezzane" in text
    assert result.document.collection.name == "Report – Lumezzane"
    assert result.spreadsheet.collection == result.document.collection


def test_semester_outcomes(report_data, run):
    result = run("semester", H1)

    outcomes, header = sheet(result, "Esiti")
    assert header[1:] == (
        "Segnalazioni",
        "Tirocini attivati",
        "Inserimenti attivati",
        "Percorsi conclusi",
        "Percorsi interrotti",
        "Assunzioni",
    )
    assert outcomes["Lumezzane"] == [3, 1, 1, 1, 0, 1]
    assert outcomes["Sarezzo"] == [1, 1, 0, 0, 1, 0]
    assert outcomes["Totale"] == [4, 2, 1, 1, 1, 1]

    positions, _header = sheet(result, "Posizioni")
    assert positions["Lumezzane"] == [1, 2, 1]
    assert positions["Totale"] == [1, 2, 1]

    follow_up, header = sheet(result, "Monitoraggio")
    assert header[1:] == ("Occupato", "Ancora in cerca", "Altro", "Persone monitorate")
    assert follow_up["Lumezzane"] == [1, 0, 0, 1]
    assert follow_up["Sarezzo"] == [0, 0, 1, 1]  # the latest situation counts
    assert follow_up["Totale"] == [1, 0, 1, 2]

    text = "\n".join(pdf(result))
    assert "Report semestrale sugli esiti" in text
    assert "01/01/2017 – 30/06/2017" in text
    assert "Esiti del semestre" in text


def test_budget_check_one_comune(report_data, run):
    result = run("budget", Q1, comune=report_data.a)

    budget, header = sheet(result, "Budget")
    assert header == (
        "Comune",
        "Edizione",
        "Budget (€)",
        "Proposto (€)",
        "Impegnato (€)",
        "Fatturato (€)",
        "Residuo (€)",
    )
    assert budget == {
        "Lumezzane": [
            "2016-2017",
            Decimal("10000"),
            Decimal("244"),
            Decimal("500.20"),
            Decimal("256.20"),
            Decimal("9499.80"),
        ]
    }
    vouchers, _header = sheet(result, "Voucher")
    listed = [row for key, row in vouchers.items() if key != "Totale"]
    assert [row[3] for row in listed] == [
        "Attivazione tirocinio",
        "Ora di tutoraggio e monitoraggio",
    ]
    # The seed's worked example: 410.00 net, 90.20 VAT, 500.20 gross.
    assert vouchers["Totale"][5:8] == [Decimal("410"), Decimal("90.20"), Decimal("500.20")]

    text = "\n".join(pdf(result))
    assert "Verifica del budget" in text
    assert "500,20" in text


def test_invoice_check_line_by_line(report_data, run):
    result = run("invoices", Q1)

    invoices, _header = sheet(result, "Fatture")
    assert invoices["1/2017"][1:] == [
        "Lumezzane",
        3,
        Decimal("500.20"),
        Decimal("601.44"),
        Decimal("101.24"),
        2,
    ]
    assert invoices["2/2017"][1:] == [
        "Sarezzo",
        1,
        Decimal("128.10"),
        Decimal("128.10"),
        Decimal("0"),
        1,
    ]

    _lines, header = sheet(result, "Righe")
    assert header[-1] == "Esito"
    with result.spreadsheet.file.open("rb") as handle:
        rows = list(load_workbook(BytesIO(handle.read()))["Righe"].iter_rows(values_only=True))
    verdicts = [(row[2], row[-1]) for row in rows[1:-1]]
    assert verdicts == [
        ("Attivazione tirocinio", "Conforme"),
        ("Tutoraggio", "Quantità diversa"),
        ("Spese varie", "Senza voucher"),
        ("Tutoraggio", "Voucher non approvato"),
    ]
    assert [number(v) for v in rows[-1][6:9]] == [
        Decimal("628.30"),
        Decimal("729.54"),
        Decimal("101.24"),
    ]

    hours, _header = sheet(result, "Ore di tutoraggio")
    assert hours["Lumezzane"] == [Decimal("3.5"), Decimal("10"), Decimal("12"), Decimal("8.5")]
    assert hours["Sarezzo"] == [Decimal("3"), Decimal("0"), Decimal("5"), Decimal("2")]

    text = "\n".join(pdf(result))
    assert "Verifica delle fatture" in text
    assert "Quantità diversa" in text
