"""The admin import flow: upload, preview of every row, confirm; template download; scope and
permissions; the record of every import."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from casework.models import Beneficiary, ImportRun, Referral
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;target"
BIRTH = datetime.date(1980, 1, 1)


def csv_file(*rows, name="segnalazioni.csv"):
    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def line(protocol, n, comune="Lumezzane"):
    return f"{protocol};{comune};01/09/2016;{f.make_tax_code(n)};Rossi;Anna;giovane"


def upload(client, upload_file, kind="referrals"):
    """Upload, then follow to the run's page (the check task ran at the request's commit)."""
    return client.post(
        reverse("casework_imports:upload", args=[kind]), {"file": upload_file}, follow=True
    )


def outcomes(response):
    return list(response.context["rows_page"])


def test_preview_lists_every_row_writes_nothing_then_confirm_imports(
    client, social_worker_a, comune_a
):
    existing = f.ReferralFactory(
        protocol="P-1",
        beneficiary=f.BeneficiaryFactory(tax_code=f.make_tax_code(1), last_name="Rossi"),
    )
    existing.beneficiary.first_name = "Anna"
    existing.beneficiary.target_group = "giovane"
    existing.beneficiary.save()
    client.force_login(social_worker_a)

    response = upload(client, csv_file(line("P-1", 1), line("P-2", 2), line("P-3", 3)))

    assert response.status_code == 200
    rows = [(o.line, o.status) for o in outcomes(response)]
    assert rows == [(2, "unchanged"), (3, "new"), (4, "new")]
    content = response.content.decode()
    assert "Conferma l'importazione" in content
    # Before anything is written the preview speaks in the future tense.
    assert "Righe da creare: 2, da aggiornare: 0, invariate: 1, con errori: 0" in content
    assert content.count(">da creare</span>") == 2
    assert ">invariata</span>" in content
    assert "create:" not in content and "creati" not in content
    assert Referral.objects.count() == 1
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.PREVIEW
    assert run.user == social_worker_a
    stored = run.upload.name
    assert default_storage.exists(stored)

    response = client.post(
        reverse("casework_imports:confirm", args=["referrals", run.pk]), follow=True
    )

    assert response.redirect_chain[0][1] == 302
    # Written: now the past tense.
    assert "Righe create: 2, aggiornate: 0, invariate: 1" in response.content.decode()
    assert Referral.objects.count() == 3
    run.refresh_from_db()
    assert (run.status, run.created, run.unchanged) == (ImportRun.Status.COMPLETED, 2, 1)
    assert not default_storage.exists(stored)
    assert not run.upload


def test_preview_with_errors_offers_no_confirm_and_keeps_no_file(client, social_worker_a):
    client.force_login(social_worker_a)

    response = upload(client, csv_file(line("P-1", 1), line("P-2", 2, comune="Sarezzo")))

    content = response.content.decode()
    assert "riga 3, colonna comune: non può importare righe del Comune di Sarezzo." in content
    assert "Conferma l'importazione" not in content
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert not run.upload
    assert not Beneficiary.objects.exists()


def test_only_the_uploader_can_confirm_and_only_once(client, social_worker_a, programme_manager):
    client.force_login(social_worker_a)
    upload(client, csv_file(line("P-1", 1)))
    run = ImportRun.objects.get()
    confirm = reverse("casework_imports:confirm", args=["referrals", run.pk])

    client.force_login(programme_manager)
    assert client.post(confirm).status_code == 404

    client.force_login(social_worker_a)
    assert client.post(confirm).status_code == 302
    assert client.post(confirm).status_code == 302  # a second Conferma writes nothing more
    assert Referral.objects.count() == 1
    assert ImportRun.objects.get().status == ImportRun.Status.COMPLETED


def test_cancel_deletes_the_upload(client, programme_manager):
    client.force_login(programme_manager)
    upload(client, csv_file(line("P-1", 1)))
    run = ImportRun.objects.get()
    stored = run.upload.name

    client.post(reverse("casework_imports:confirm", args=["referrals", run.pk]), {"cancel": "1"})

    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert not default_storage.exists(stored)
    assert not Referral.objects.exists()


def test_refused_file_says_which_columns_were_expected(client, programme_manager):
    client.force_login(programme_manager)

    response = upload(
        client, SimpleUploadedFile("x.csv", b"a;b\n1;2\n", content_type="text/csv"), "budgets"
    )

    assert escape("Non trovo l'intestazione delle colonne") in response.content.decode()
    assert "Comune, Edizione, Importo, Note" in response.content.decode()


def test_upload_too_large_is_refused_by_the_form(client, programme_manager, settings):
    settings.IMPORT_MAX_UPLOAD_SIZE = 10
    client.force_login(programme_manager)

    response = upload(client, csv_file(line("P-1", 1)))

    assert response.status_code == 200
    assert "Il file è troppo grande" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_import_needs_the_import_permission(client, social_worker_a, agency_operator):
    def get(kind):
        return client.get(reverse("casework_imports:upload", args=[kind]))

    refused = reverse("wagtailadmin_home")  # Wagtail answers PermissionDenied with a redirect
    client.force_login(social_worker_a)
    assert get("budgets").url == refused
    assert get("referrals").status_code == 200
    client.force_login(agency_operator)
    assert get("referrals").url == refused


def test_the_template_has_italian_headers_and_says_which_columns_are_required(
    client, programme_manager
):
    client.force_login(programme_manager)

    response = client.get(reverse("casework_imports:template", args=["referrals", "xlsx"]))

    assert response["Content-Disposition"].endswith('filename="modello-segnalazioni.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Segnalazioni", "Istruzioni"]
    sheet = book["Segnalazioni"]
    assert [c.value for c in next(sheet.iter_rows())][:4] == [
        "Protocollo",
        "Comune",
        "Data segnalazione",
        "Codice fiscale",
    ]
    assert sheet.max_row == 1
    notes = {row[0]: row[1:] for row in book["Istruzioni"].iter_rows(values_only=True)}
    assert notes["Colonna"] == ("Compilazione", "Valori ammessi")
    assert notes["Protocollo"][0] == "obbligatoria"
    assert notes["Target"][0] == "obbligatoria per una persona nuova"
    assert "Giovane in cerca di prima esperienza" in notes["Target"][1]
    assert notes["Cognome"][0].startswith("obbligatoria")
    assert notes["Telefono"][0] == "facoltativa"

    response = client.get(reverse("casework_imports:template", args=["budgets", "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffIstruzioni:")
    assert "Colonne obbligatorie: Comune · Edizione · Importo." in lines[0]
    assert lines[1:] == ["Comune;Edizione;Importo;Note"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_filled_template_imports(client, programme_manager, comune_a, fmt):
    """The note line of the CSV and the instructions sheet do not get in the way."""
    client.force_login(programme_manager)
    template = client.get(reverse("casework_imports:template", args=["referrals", fmt]))
    raw = b"".join(template.streaming_content)
    row = ["P-9", "Lumezzane", "01/09/2016", f.make_tax_code(9), "Rossi", "Anna"]
    if fmt == "csv":
        raw += (";".join(row) + ";;;;;;giovane\r\n").encode("utf-8")
    else:
        book = openpyxl.load_workbook(io.BytesIO(raw))
        book["Segnalazioni"].append([*row, None, None, None, None, None, "giovane"])
        buffer = io.BytesIO()
        book.save(buffer)
        raw = buffer.getvalue()

    response = upload(client, SimpleUploadedFile(f"compilato.{fmt}", raw))

    assert [o.status for o in outcomes(response)] == ["new"]


def test_the_upload_page_states_the_columns_required_for_a_new_person(client, social_worker_a):
    client.force_login(social_worker_a)

    content = client.get(reverse("casework_imports:upload", args=["referrals"])).content.decode()

    assert (
        "Per una persona nuova (codice fiscale non ancora registrato) sono obbligatori anche: "
        "Cognome, Nome, Target." in content
    )
    # Target is never offered as optional.
    target = content[content.index("<code>Target</code>") :].split("</tr>")[0]
    assert "obbligatoria per una persona nuova" in target
    assert "facoltativa" not in target
    assert "da creare, da aggiornare, invariata o con errori" in content


def test_listing_shows_import_and_template_buttons_to_who_may_import(
    client, social_worker_a, agency_operator
):
    listing = reverse("wagtailsnippets_casework_referral:list")
    client.force_login(social_worker_a)
    content = client.get(listing).content.decode()
    assert reverse("casework_imports:upload", args=["referrals"]) in content
    assert reverse("casework_imports:template", args=["referrals", "xlsx"]) in content

    client.force_login(agency_operator)
    content = client.get(listing).content.decode()
    assert reverse("casework_imports:upload", args=["referrals"]) not in content


def test_import_runs_are_visible_read_only_to_the_programme_manager(
    client, programme_manager, social_worker_a
):
    client.force_login(social_worker_a)
    upload(client, csv_file(line("P-1", 1)))
    run = ImportRun.objects.get()

    assert client.get(reverse("import_runs:index")).status_code == 302  # no permission
    client.force_login(programme_manager)
    response = client.get(reverse("import_runs:index"))
    assert response.status_code == 200
    assert "segnalazioni.csv" in response.content.decode()
    assert client.get(reverse("import_runs:inspect", args=[run.pk])).status_code == 200
    assert client.get(reverse("import_runs:edit", args=[run.pk])).status_code in (302, 403)
    assert client.get(reverse("import_runs:add")).status_code in (302, 403)
