"""The agency operator matches a part-time person: the 38 h/week job is not offered, "Colloca
qui" opens a confirmation with person, host, position and hours, and only "Conferma la
collocazione" places; the pathway's page then shows the placement."""

import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in
from tests.e2e.page_checks import assert_clean_page

SHOTS = Path(os.environ.get("ZO_E2E_SCREENSHOTS") or tempfile.gettempdir())

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_the_operator_places_after_confirming(italian_page, live_server):
    from casework.models import Pathway
    from tests import factories as f

    page = italian_page
    operator = f.agency_operator(username="agenzia.e2e", first_name="Chiara", last_name="Rinaldi")
    lumezzane = f.comune("Lumezzane")
    person = f.BeneficiaryFactory(
        first_name="Giulia",
        last_name="Ferrari",
        residence_comune=lumezzane,
        available_hours_per_week=Decimal("20"),
    )
    referral = f.ReferralFactory(beneficiary=person, status="taken_in_charge")
    pathway = f.PathwayFactory(referral=referral, pathway_type="tirocinio", status="matching")
    host = f.HostOrganisationFactory(name="Biblioteca civica di Lumezzane", comune=lumezzane)
    f.PositionFactory(
        host=host,
        title="Assistente di biblioteca",
        pathway_types=["tirocinio"],
        hours_per_week=Decimal("20"),
        complexity="medium",
    )
    f.PositionFactory(
        host=f.HostOrganisationFactory(name="Logistica Valtrompia", comune=lumezzane),
        title="Magazziniere a tempo pieno",
        pathway_types=["tirocinio"],
        hours_per_week=Decimal("38"),
        complexity="medium",
    )

    log_in(page, live_server.url, operator)
    page.goto(f"{live_server.url}/admin/snippets/casework/pathway/inspect/{pathway.pk}/")
    assert_clean_page(page)
    page.get_by_role("link", name="Cerca postazioni adatte (matching)").click()
    page.wait_for_url("**/posizioni-adatte/")
    assert_clean_page(page)
    body = page.locator("main").inner_text()
    assert "Assistente di biblioteca" in body
    assert "Magazziniere a tempo pieno" not in body  # 38 h for a person available 20 h
    assert "entro la disponibilità di 20 ore" in body

    page.get_by_role("link", name="Colloca qui: Assistente di biblioteca").click()
    page.wait_for_url("**/colloca/**")
    assert_clean_page(page)
    summary = page.locator("main").inner_text()
    for text in (
        "Giulia Ferrari",
        "Biblioteca civica di Lumezzane",
        "Assistente di biblioteca",
        "20 ore/settimana",
    ):
        assert text in summary
    page.screenshot(path=SHOTS / "h5-place-confirm.png", full_page=True)
    pathway.refresh_from_db()
    assert pathway.position is None  # nothing placed before the confirmation

    page.get_by_role("button", name="Conferma la collocazione").click()
    page.wait_for_url(f"**/pathway/inspect/{pathway.pk}/")
    assert_clean_page(page)
    assert "collocato/a presso" in page.locator("body").inner_text()
    # The pathway's own data show the placement (not only the message).
    held = page.locator("xpath=//dt[normalize-space()='Posizione']/following-sibling::dd[1]")
    assert "Assistente di biblioteca" in held.inner_text()
    host_row = page.locator(
        "xpath=//dt[normalize-space()='Ente ospitante']/following-sibling::dd[1]"
    )
    assert "Biblioteca civica di Lumezzane" in host_row.inner_text()
    page.screenshot(path=SHOTS / "h5-pathway-placed.png", full_page=True)
    assert Pathway.objects.get(pk=pathway.pk).position.title == "Assistente di biblioteca"
