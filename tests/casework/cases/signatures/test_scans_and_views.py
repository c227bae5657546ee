"""Signed scans checked by content and kept privately; the pathway page's "Firme" section and
its screens, scoped per Comune and audited."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from casework.audit.models import AuditEvent
from casework.cases.choices import PaperKind
from casework.cases.signatures import services
from casework.cases.signatures.choices import Party
from casework.cases.signatures.demo import sign_every_paper
from casework.cases.signatures.models import PaperSignature, SignedScan

from .conftest import PDF_BYTES, image_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
IP = PaperKind.INDIVIDUAL_PROJECT


def upload(pathway, user, name, content, kind=IP):
    return services.upload_signed_scan(
        pathway, kind=kind, file=SimpleUploadedFile(name, content), user=user
    )


def stored_files():
    root = Path(settings.SIGNED_SCANS_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name, content",
    [
        ("firmato.pdf", PDF_BYTES),
        ("firmato.JPG", image_bytes("JPEG")),
        ("firmato.png", image_bytes("PNG")),
    ],
)
def test_pdf_jpeg_png_are_kept_privately_under_a_random_name(
    pathway, agency_operator, name, content
):
    scan = upload(pathway, agency_operator, name, content)
    path = Path(scan.file.path).resolve()
    assert path.is_relative_to(Path(settings.SIGNED_SCANS_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert Path(name).stem not in path.name and path.read_bytes() == content
    assert scan.original_name == name and scan.size == len(content)
    with pytest.raises(ValueError):
        scan.file.url  # noqa: B018 - no public address at all
    assert AuditEvent.objects.filter(model="casework.signedscan", action="create").exists()


def test_older_scans_stay(pathway, agency_operator):
    first = upload(pathway, agency_operator, "uno.pdf", PDF_BYTES)
    second = upload(pathway, agency_operator, "due.pdf", PDF_BYTES)
    assert first.file.name != second.file.name
    assert SignedScan.objects.filter(pathway=pathway).count() == 2


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("firmato.pdf", image_bytes("PNG"), "name"),
        ("firmato.png", PDF_BYTES, "name"),
        ("firmato.pdf", b"Solo testo, non un PDF.\n" * 10, "type"),
        ("firmato.docx", b"PK\x03\x04" + b"\0" * 100, "type"),
        ("vuoto.pdf", b"", "type"),
    ],
)
def test_content_decides_not_the_name(pathway, agency_operator, name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        upload(pathway, agency_operator, name, content)
    if message == "name":
        expected = services.MSG_SCAN_NAME_MISMATCH % {
            "name": name,
            "type": "PNG" if content.startswith(b"\x89PNG") else "PDF",
        }
    else:
        expected = services.MSG_SCAN_WRONG_TYPE
    assert excinfo.value.message_dict == {"file": [str(expected)]}
    assert not SignedScan.objects.exists() and not stored_files()


@override_settings(SIGNED_SCAN_MAX_BYTES=1024 * 1024)
def test_oversize_scan_is_refused(pathway, agency_operator):
    with pytest.raises(ValidationError) as excinfo:
        upload(pathway, agency_operator, "grande.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    assert excinfo.value.message_dict == {"file": [str(services.MSG_SCAN_TOO_LARGE % {"mb": 1})]}
    assert not SignedScan.objects.exists() and not stored_files()


def test_social_worker_does_not_upload(pathway, social_worker_a):
    with pytest.raises(ValidationError) as excinfo:
        upload(pathway, social_worker_a, "firmato.pdf", PDF_BYTES)
    assert services.MSG_SCAN_NOT_ALLOWED in excinfo.value.messages


def test_download_is_scoped_and_audited(
    client, pathway, agency_operator, social_worker_a, social_worker_b
):
    scan = upload(pathway, agency_operator, "progetto firmato.pdf", PDF_BYTES)
    url = reverse("casework_scan_download", args=[scan.pk])
    client.force_login(social_worker_b)
    assert client.get(url).status_code == 404
    client.force_login(social_worker_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(model="casework.signedscan", action="view")
    assert (event.user, event.beneficiary_id) == (social_worker_a, pathway.referral.beneficiary_id)
    # The media URL does not reach it, neither by its stored name nor by a relative path.
    for guess in (scan.file.name, f"../private/scans/{scan.file.name}"):
        assert client.get(settings.MEDIA_URL + guess).status_code == 404


def test_pathway_page_shows_the_signatures_section(
    client, pathway, agency_operator, programme_manager, django_assert_max_num_queries
):
    services.record_signature(
        pathway,
        kind=IP,
        party=Party.PERSON,
        signed_on=D(2016, 9, 8),
        signer_name="Giovanna Zanetti",
        user=agency_operator,
    )
    upload(pathway, agency_operator, "progetto.pdf", PDF_BYTES)
    client.force_login(programme_manager)
    url = reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])
    client.get(url)
    with django_assert_max_num_queries(75):
        response = client.get(url)
    page = response.content.decode()
    assert 'id="firme"' in page
    assert "Firmato il 08/09/2016" in page and "da Giovanna Zanetti" in page
    assert "progetto.pdf" in page
    assert escape("Per attivare il percorso mancano le firme: Convenzione") in page
    assert reverse("casework_signature_record", args=[pathway.pk]) in page
    assert reverse("casework_scan_upload", args=[pathway.pk]) in page


def test_social_worker_reads_and_signs_for_the_social_service(client, pathway, social_worker_a):
    client.force_login(social_worker_a)
    page = client.get(
        reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])
    ).content.decode()
    assert 'id="firme"' in page
    assert reverse("casework_scan_upload", args=[pathway.pk]) not in page
    record = reverse("casework_signature_record", args=[pathway.pk])
    assert f"{record}?kind={IP}&amp;party=social_service" in page
    assert f"{record}?kind={IP}&amp;party=person" not in page
    response = client.post(
        record,
        {
            "kind": IP,
            "party": "social_service",
            "signed_on": "08/09/2016",
            "signer_name": "A. Verdi",
        },
    )
    assert response.status_code == 302
    assert PaperSignature.objects.get().signed_on == D(2016, 9, 8)
    # Another party is not among the choices.
    response = client.post(record, {"kind": IP, "party": "person", "signed_on": "08/09/2016"})
    assert response.status_code == 200 and PaperSignature.objects.count() == 1


def test_record_upload_and_withdraw_screens(client, pathway, agency_operator, social_worker_b):
    client.force_login(agency_operator)
    record = reverse("casework_signature_record", args=[pathway.pk])
    response = client.post(record, {"kind": IP, "party": "person", "signed_on": "04/09/2016"})
    assert escape(str(services.MSG_SIGNED_BEFORE_INTAKE)) in response.content.decode()
    response = client.post(record, {"kind": IP, "party": "person", "signed_on": "08/09/2016"})
    assert response.status_code == 302 and response["Location"].endswith("#firme")
    signature = PaperSignature.objects.get()
    upload_url = reverse("casework_scan_upload", args=[pathway.pk])
    response = client.post(
        upload_url, {"kind": IP, "file": SimpleUploadedFile("foto.pdf", image_bytes("PNG"))}
    )
    assert response.status_code == 200
    assert (
        escape(str(services.MSG_SCAN_NAME_MISMATCH % {"name": "foto.pdf", "type": "PNG"}))
        in response.content.decode()
    )
    response = client.post(
        upload_url, {"kind": IP, "file": SimpleUploadedFile("foto.png", image_bytes("PNG"))}
    )
    assert response.status_code == 302 and SignedScan.objects.count() == 1
    withdraw = reverse("casework_signature_withdraw", args=[signature.pk])
    response = client.post(withdraw, {"reason": "Data sbagliata"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None
    # Another Comune's social worker reaches none of these screens.
    client.force_login(social_worker_b)
    for url in (record, upload_url, withdraw):
        assert client.get(url).status_code == 404


def test_activation_screen_says_what_is_missing(client, pathway, agency_operator):
    client.force_login(agency_operator)
    url = reverse("wagtailsnippets_casework_pathway:activate", args=[pathway.pk])
    assert escape("Per attivare il percorso mancano le firme:") in client.get(url).content.decode()
    sign_every_paper(pathway, user=agency_operator)
    assert "mancano le firme" not in client.get(url).content.decode()
