"""Probe finding 3: report files were downloadable under ``/media/`` with the development
settings, without login or audit, at names anyone could work out from kind, Comune and period.

The development URL configuration is loaded for real (``DEBUG`` on, ``config.urls`` reloaded),
so these tests exercise the routes a developer's server has."""

import importlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection

from casework.models import AuditEvent
from documents import services
from documents.files import TOKEN_BYTES
from documents.models import ReportRun, RunStatus

from .conftest import Q1

pytestmark = pytest.mark.django_db
Document = get_document_model()
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,}$")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """A media folder of this test's own: earlier runs leave report files in the shared one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _reload_urls():
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def dev_urls(settings):
    """The URL configuration as ``config.settings.dev`` builds it (DEBUG on)."""
    settings.DEBUG = True
    _reload_urls()
    yield
    settings.DEBUG = False
    _reload_urls()


def built(kind="budget", comune=None):
    run = ReportRun.objects.create(kind=kind, period_start=Q1[0], period_end=Q1[1], comune=comune)
    services.run_report(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


@pytest.fixture
def report(report_data):
    return built(comune=report_data.a)


@pytest.fixture
def public_image():
    """A file where Wagtail keeps its (public) images, to show the media route is there."""
    return default_storage.save("original_images/probe-logo.txt", ContentFile(b"logo"))


def media_paths(name):
    """The report's path under /media/ and the spellings that used to reach the same file."""
    inside = name.split("/", 1)[1]
    return [
        f"/media/{name}",
        f"/media/./{name}",
        f"/media//{name}",
        f"/media/documents/./{inside}",
        f"/media/documents//{inside}",
        f"/media/documents%2F{inside}",
        f"/media/Documents/{inside}",
        f"/media/images/../{name}",
        f"/media/original_images/../{name}",
    ]


def test_finding_3_report_files_are_not_served_under_media(
    client, dev_urls, report, programme_manager, public_image
):
    # The dev media route exists: a public image is served, so the 404s below are refusals.
    assert client.get(f"/media/{public_image}").status_code == 200
    for document in (report.document, report.spreadsheet):
        for url in media_paths(document.file.name):
            assert client.get(url).status_code == 404, ("anonymous", url)
    client.force_login(programme_manager)
    for document in (report.document, report.spreadsheet):
        for url in media_paths(document.file.name):
            assert client.get(url).status_code == 404, ("logged in", url)
    assert not AuditEvent.objects.filter(model="wagtaildocs.document").exists()


def test_finding_3_import_files_are_not_served_under_media_either(client, dev_urls):
    name = default_storage.save("imports/probe.upload", ContentFile(b"codice fiscale"))
    assert client.get(f"/media/{name}").status_code == 404


def test_finding_3_stored_report_names_have_a_random_part(report_data):
    first, second = built(comune=report_data.a), built(comune=report_data.a)
    tokens = set()
    for document in (first.document, first.spreadsheet, second.document, second.spreadsheet):
        folder, token, filename = document.file.name.split("/")
        assert folder == "documents"
        assert TOKEN.match(token), token
        assert len(token) >= 4 * TOKEN_BYTES // 3 >= 32
        # The random part says nothing about the report; the readable name sits after it.
        assert not re.search(r"budget|lumezzane|2017", token, re.IGNORECASE)
        assert filename.startswith("verifica-budget-lumezzane-2017-01-01-2017-03-31")
        # The path anyone could work out from kind, Comune and period holds nothing.
        assert not default_storage.exists(f"documents/{filename}")
        tokens.add(token)
    assert len(tokens) == 4


def test_finding_3_serve_view_still_works_with_readable_name_and_audit(
    client, dev_urls, report, programme_manager
):
    document = report.document
    client.force_login(programme_manager)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "verifica-budget-lumezzane-2017-01-01-2017-03-31" in response["Content-Disposition"]
    assert document.title.endswith("(PDF)")
    event = AuditEvent.objects.get(model="wagtaildocs.document")
    assert (event.user, event.action, event.object_id) == (
        programme_manager,
        "export",
        str(document.pk),
    )


def test_finding_3_admin_upload_gets_a_random_part_too(client, dev_urls, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Verbale équipe",
            "file": SimpleUploadedFile("verbale-lumezzane.pdf", b"%PDF-1.4 verbale"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Verbale équipe")
    folder, token, filename = document.file.name.split("/")
    assert (folder, filename) == ("documents", "verbale-lumezzane.pdf")
    assert TOKEN.match(token), token
    assert not default_storage.exists("documents/verbale-lumezzane.pdf")
    assert client.get(f"/media/{document.file.name}").status_code == 404
    # Replacing the file through the edit screen also gets a fresh random folder.
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": "Verbale équipe",
            "file": SimpleUploadedFile("verbale-2.pdf", b"%PDF-1.4 nuovo"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.name.startswith("documents/")
    assert document.file.name.endswith("/verbale-2.pdf")
    assert TOKEN.match(document.file.name.split("/")[1])
    # The serve view (checks, audit) still offers the readable name.
    served = client.get(document.url)
    assert served.status_code == 200
    assert "verbale-2.pdf" in served["Content-Disposition"]
