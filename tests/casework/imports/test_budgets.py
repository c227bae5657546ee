"""Importing budget files: amounts as offices write them, editions by name, re-imports."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from casework.imports import parsing as importing
from casework.models import Budget, Voucher
from tests import factories as f


def run(path, *args):
    out = io.StringIO()
    try:
        call_command("import_budgets", str(path), *args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip().splitlines()


def write(tmp_path, text, *, encoding="utf-8", name="budget.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def edition(db):
    return f.EditionFactory()


def amounts():
    return {b.comune.name: b.amount for b in Budget.objects.select_related("comune")}


def test_italian_amounts_and_istat_codes(tmp_path, edition):
    text = (
        "Comune;Edizione;Importo;Note\n"
        "Lumezzane;2016-2017;12.500,00;prima tranche\n"
        "17174;2016/2017;€ 12.500,50;\n"
        "017117;2016-17;12500.00;\n"
        "gardone val trompia;2016-2017;12.500;\n"
        ";;;\n"
    )

    code, out = run(write(tmp_path, text))

    assert code == 0, out
    assert out == ["Righe create: 4, aggiornate: 0, invariate: 0"]
    assert amounts() == {
        "Lumezzane": Decimal("12500.00"),
        "Sarezzo": Decimal("12500.50"),
        "Nave": Decimal("12500.00"),
        "Gardone Val Trompia": Decimal("12500.00"),
    }
    assert Budget.objects.get(comune__name="Lumezzane").notes == "prima tranche"


def test_xlsx_number_cells_and_second_import_unchanged(tmp_path, edition):
    workbook = openpyxl.Workbook()
    workbook.active.append(["comune", "edizione", "importo"])
    workbook.active.append([17096, "2016-2017", 15000.255])
    path = tmp_path / "budget.xlsx"
    workbook.save(path)

    assert run(path) == (0, ["Righe create: 1, aggiornate: 0, invariate: 0"])
    assert amounts() == {"Lumezzane": Decimal("15000.26")}  # half up to the cent
    assert run(path) == (0, ["Righe create: 0, aggiornate: 0, invariate: 1"])


def test_changed_amount_updates(tmp_path, edition, comune_a):
    Budget.objects.create(comune=comune_a, edition=edition, amount=Decimal("1000"))

    code, out = run(write(tmp_path, 'comune,edizione,importo\nLumezzane,2016-2017,"2.000,00"\n'))

    assert (code, out) == (0, ["Righe create: 0, aggiornate: 1, invariate: 0"])
    assert amounts() == {"Lumezzane": Decimal("2000.00")}


def test_bad_rows_are_all_listed_and_nothing_written(tmp_path, edition):
    text = (
        "comune;edizione;importo\n"
        "Lumezzane;2016-2017;dodicimila\n"
        "Atlantide;2016-2017;100\n"
        "Sarezzo;2030-2031;100\n"
        "Nave;2016-2017;-5\n"
        "Caino;2016-2017;100\n"
        "caino;2016-2017;200\n"
    )

    code, out = run(write(tmp_path, text))

    assert code == 1
    assert out == [
        "riga 2, colonna importo: «dodicimila» non è un importo valido (ad esempio 12.500,00).",
        "riga 3, colonna comune: Comune «Atlantide» sconosciuto: indicare il nome o il codice "
        "ISTAT di uno dei Comuni del programma.",
        "riga 4, colonna edizione: edizione «2030-2031» sconosciuta (ad esempio 2016-2017).",
        "riga 5, colonna importo: l'importo non può essere negativo.",
        "riga 7, colonna comune: ripete una riga precedente del file (stesso Comune ed edizione).",
        "Righe da creare: 1, da aggiornare: 0, invariate: 0, con errori: 5",
    ]
    assert not Budget.objects.exists()


def test_budget_cannot_drop_below_what_is_committed(tmp_path, edition, comune_a):
    Budget.objects.create(comune=comune_a, edition=edition, amount=Decimal("5000"))
    pathway = f.PathwayFactory()
    Voucher.objects.create(
        pathway=pathway,
        comune=comune_a,
        edition=edition,
        kind="traineeship_activation",
        unit_net=Decimal("2000"),
        vat_rate=Decimal("22"),
        net=Decimal("2000"),
        vat=Decimal("440"),
        gross=Decimal("2440"),
        status="approved",
    )

    code, out = run(write(tmp_path, "comune;edizione;importo\nLumezzane;2016-2017;2000\n"))

    assert code == 1
    # The budget screen's message (``money.services.check_budget_amount``), saying by how much.
    assert out[0] == (
        "riga 2, colonna importo: Il budget non può scendere sotto quanto già impegnato dai "
        "voucher approvati (€ 2.440,00): mancano € 440,00."
    )
    assert amounts() == {"Lumezzane": Decimal("5000.00")}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12.500,00", Decimal("12500.00")),
        ("€ 12.500,00", Decimal("12500.00")),
        ("12500.00", Decimal("12500.00")),
        ("12,5", Decimal("12.50")),
        ("1.234.567,89", Decimal("1234567.89")),  # more decimals: see test_probe_imports
        (12500, Decimal("12500.00")),
        (0.125, Decimal("0.13")),
    ],
)
def test_parse_amount(text, expected):
    assert importing.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "12,500,00", "1.2.3,4,5", "€"])
def test_parse_amount_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError, match="non è un importo valido"):
        importing.parse_amount(text)
