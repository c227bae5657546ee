"""The agency prepares a pathway's individual project from the pathway's page, sees version 1
and downloads its PDF."""

import datetime

import pytest

from tests.e2e.conftest import CHROMIUM, log_in
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_agency_generates_and_downloads_the_individual_project(italian_page, live_server, tmp_path):
    from django.urls import reverse

    from casework.papers.models import PathwayDocument
    from tests import factories as f

    comune = f.comune("Lumezzane")
    host = f.HostOrganisationFactory(comune=comune, name="Cooperativa Il Faro")
    position = f.PositionFactory(host=host, title="Addetto magazzino")
    operator = f.agency_operator(username="agenzia.e2e", first_name="Marta", last_name="Bonetti")
    pathway = f.active_pathway(
        comune,
        host=host,
        position=position,
        planned_end_on=datetime.date(2017, 3, 31),
        operator=operator,
        objectives="Autonomia nel magazzino.",
    )
    page = italian_page
    base = live_server.url
    log_in(page, base, operator)
    page.goto(base + reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk]))
    section = page.locator("#documenti-percorso")
    assert "Documenti del percorso" in section.inner_text()
    row = section.locator("tr[data-paper=individual_project]")
    assert "Non ancora preparato" in row.inner_text()
    row.get_by_role("button", name="Genera").click()
    page.wait_for_url("**#documenti-percorso")
    assert_clean_page(page)
    row = page.locator("#documenti-percorso tr[data-paper=individual_project]")
    assert "Versione 1 del" in row.inner_text()
    assert "Marta Bonetti" in row.inner_text()
    page.locator("#documenti-percorso").screenshot(path=tmp_path / "papers-section.png")
    page.screenshot(path=tmp_path / "papers-page.png", full_page=True)

    with page.expect_download() as download_info:
        row.get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert PathwayDocument.objects.filter(pathway=pathway, version=1).count() == 2
