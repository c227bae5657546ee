"""The list export of every admin listing: neutralised and Italian through Wagtail's own
extension points, never by changing Wagtail's ``SpreadsheetExportMixin``."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from wagtail.admin.views import mixins as wagtail_mixins
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.listing_exports import ItalianSpreadsheetExportMixin
from tests import factories as f

FORMULA = "=1+2"


class Label:
    """A related object: Wagtail writes its ``str``."""

    def __str__(self):
        return " @SUM(A1)"


class PlainExport(SpreadsheetExportMixin):
    list_export = ["name", "on", "amount"]


class ItalianExport(ItalianSpreadsheetExportMixin, SpreadsheetExportMixin):
    list_export = ["name", "on", "amount"]


ROWS = [SimpleNamespace(name=FORMULA, on=datetime.date(2016, 12, 31), amount=Decimal("1.50"))]


def joined(chunks):
    return b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks).decode("utf-8")


def test_wagtail_spreadsheet_export_mixin_is_not_patched():
    for name in ("stream_csv", "write_csv_response", "preprocess_field_value", "write_csv_row"):
        method = SpreadsheetExportMixin.__dict__[name]
        assert method.__module__ == wagtail_mixins.__name__, name
        assert method.__qualname__ == f"SpreadsheetExportMixin.{name}", name
    # A listing without our mixin writes Wagtail's own CSV: comma, no BOM, cells as they are.
    text = joined(PlainExport().stream_csv(ROWS))
    assert text.splitlines()[1] == f"{FORMULA},2016-12-31,1.50"


def test_the_italian_csv_has_bom_semicolon_dates_and_decimal_comma():
    text = joined(ItalianExport().stream_csv(ROWS))

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows == [["name", "on", "amount"], ["'" + FORMULA, "31/12/2016", "1,50"]]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_text_cell_is_neutralised_whatever_its_type(export_format):
    view = ItalianExport()

    assert view.preprocess_field_value("name", FORMULA, export_format) == "'" + FORMULA
    assert view.preprocess_field_value("host", Label(), export_format) == "' @SUM(A1)"
    assert view.preprocess_field_value("tags", ["-x", "y"], export_format) == "'-x, y"


def test_xlsx_keeps_dates_and_numbers_typed():
    view = ItalianExport()

    assert view.preprocess_field_value("on", datetime.date(2016, 12, 31), "xlsx") == (
        datetime.date(2016, 12, 31)
    )
    assert view.preprocess_field_value("amount", Decimal("-1.50"), "xlsx") == Decimal("-1.50")


@pytest.mark.django_db
def test_the_network_listing_csv_is_italian(client, programme_manager):
    f.HostOrganisationFactory(name=FORMULA, agreement_starts_on=datetime.date(2016, 12, 31))
    client.force_login(programme_manager)

    response = client.get(reverse("wagtailsnippets_network_hostorganisation:list") + "?export=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == "'" + FORMULA
    assert "31/12/2016" in rows[1]


@pytest.mark.django_db
def test_the_access_log_export_is_italian_too(client, programme_manager, comune_a):
    f.BeneficiaryFactory(last_name=FORMULA)
    client.force_login(programme_manager)
    # Exporting the people records one EXPORT per row in the access log.
    client.get(reverse("wagtailsnippets_casework_beneficiary:list") + "?export=csv")

    response = client.get(reverse("casework_auditevent:index") + "?export=csv")

    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) >= 2 and len(rows[0]) == 7
    assert datetime.datetime.strptime(rows[1][0], "%d/%m/%Y %H:%M")


def _csv_rows(response):
    raw = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
def test_listing_exports_have_italian_headings_labels_sheets_and_file_names(
    client, programme_manager
):
    import openpyxl
    from django.utils import timezone

    pathway = f.PathwayFactory()
    client.force_login(programme_manager)
    today = timezone.localdate().strftime("%Y-%m-%d")

    listing = reverse("wagtailsnippets_casework_referral:list")
    response = client.get(listing + "?export=csv")
    assert response["Content-Disposition"] == f'attachment; filename="segnalazioni-{today}.csv"'
    rows = _csv_rows(response)
    assert "Codice fiscale" in rows[0] and "beneficiary.tax_code" not in rows[0]
    assert all("." not in heading and "_" not in heading for heading in rows[0])
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Stato"] == pathway.referral.get_status_display()
    assert row["Codice fiscale"] == pathway.referral.beneficiary.tax_code

    response = client.get(listing + "?export=xlsx")
    assert response["Content-Disposition"].endswith(f'filename="segnalazioni-{today}.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Segnalazioni"]

    rows = _csv_rows(
        client.get(reverse("wagtailsnippets_casework_beneficiary:list") + "?export=csv")
    )
    person = pathway.referral.beneficiary
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Sesso"] == person.get_sex_display()
    assert row["Gruppo target" if "Gruppo target" in row else rows[0][7]] == (
        person.get_target_group_display()
    )


def test_xlsx_datetimes_are_local_time():
    from django.utils import timezone

    view = ItalianExport()
    moment = datetime.datetime(2026, 12, 3, 6, 12, tzinfo=datetime.UTC)

    local = view.preprocess_field_value("at", moment, "xlsx")

    assert local == datetime.datetime(2026, 12, 3, 7, 12)
    assert timezone.get_current_timezone_name() == "Europe/Rome"


@pytest.mark.django_db
def test_the_pathway_listing_export_is_italian(client, programme_manager):
    pathway = f.PathwayFactory()
    client.force_login(programme_manager)

    rows = _csv_rows(client.get(reverse("wagtailsnippets_casework_pathway:list") + "?export=csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row.get("Protocollo") == pathway.referral.protocol, rows
    assert row["Tipologia"] == pathway.get_pathway_type_display() != pathway.pathway_type
    assert row["Stato"] == pathway.get_status_display()


@pytest.mark.django_db
def test_exports_and_lists_name_staff_in_full_not_by_username(client, programme_manager):
    operator = f.agency_operator(username="op.rossi", first_name="Marta", last_name="Rossi")
    f.BeneficiaryFactory()
    client.force_login(operator)
    # The operator's export of the people is in the access log, under the operator's name.
    client.get(reverse("wagtailsnippets_casework_beneficiary:list") + "?export=csv")
    client.force_login(programme_manager)

    rows = _csv_rows(client.get(reverse("casework_auditevent:index") + "?export=csv"))
    users = {row[1] for row in rows[1:]}
    assert "Marta Rossi" in users and "op.rossi" not in users, users
    page = client.get(reverse("casework_auditevent:index")).content.decode()
    assert "Marta Rossi" in page and "op.rossi" not in page

    from casework.imports.models import ImportRun

    ImportRun.objects.create(user=operator, kind="referrals", file_name="a.csv")
    page = client.get(reverse("import_runs:index")).content.decode()
    assert "Marta Rossi" in page and "op.rossi" not in page
