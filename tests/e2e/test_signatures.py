"""The agency operator records every party's signature of a traineeship's papers on its page,
typing the dates the Italian way, uploads a signed scan and then activates the pathway."""

import datetime
import os
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

SHOTS = Path(os.environ.get("ZO_E2E_SCREENSHOTS") or tempfile.gettempdir())

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _pathway_being_defined(operator):
    from casework.cases.services import pathways as cases_pathways
    from tests import factories as f

    lumezzane = f.comune("Lumezzane")
    host = f.HostOrganisationFactory(name="Cooperativa Il Melograno", comune=lumezzane)
    position = f.PositionFactory(host=host, title="Aiuto magazziniere")
    referral = f.ReferralFactory(
        referred_on=datetime.date(2016, 9, 1),
        beneficiary__first_name="Giovanna",
        beneficiary__last_name="Zanetti",
        beneficiary__residence_comune=lumezzane,
    )
    pathway = cases_pathways.take_in_charge(
        referral, on=datetime.date(2016, 9, 5), user=operator, pathway_type="tirocinio"
    )
    return cases_pathways.define_pathway(pathway, user=operator, position=position)


def test_agency_records_signatures_uploads_a_scan_and_activates(
    italian_page, live_server, tmp_path, settings
):
    from django.urls import reverse

    from casework.cases.models import Pathway
    from casework.cases.signatures.models import PaperSignature, SignedScan
    from tests import factories as f

    settings.SIGNED_SCANS_ROOT = tmp_path / "scans"
    operator = f.agency_operator(username="agenzia.e2e", first_name="Marta", last_name="Bonetti")
    pathway = _pathway_being_defined(operator)
    page = italian_page
    page.set_viewport_size({"width": 1400, "height": 1100})
    base = live_server.url
    log_in(page, base, operator)
    pathway_path = reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])
    page.goto(base + pathway_path)
    section = page.locator("#firme")
    assert "mancano le firme" in section.inner_text()
    page.locator("#firme").screenshot(path=SHOTS / "firme-signatures-empty.png")

    # Every "Registra" of the table, one after the other, signed on 08/09/2016.
    signers = {"Ente ospitante": "Mario Rossi", "Agenzia": "Marta Bonetti"}
    recorded = 0
    while True:
        link = section.get_by_role("link", name="Registra").first
        if not link.count():
            break
        label = link.inner_text()
        link.click()
        page.wait_for_selector("input[name=signed_on]")
        assert_clean_page(page)
        type_date(page, "input[name=signed_on]", "08/09/2016")
        party = page.locator("select[name=party] option:checked").inner_text()
        if party in signers:
            page.locator("input[name=signer_name]").fill(signers[party])
        page.get_by_role("button", name="Conferma").click()
        page.wait_for_url(f"**{pathway_path}**")
        recorded += 1
        assert recorded <= 9, label
    # Agreement: agency and host; individual project: four parties; training project: three.
    assert recorded == 9
    assert PaperSignature.objects.filter(pathway=pathway).count() == 9
    assert set(
        PaperSignature.objects.filter(pathway=pathway).values_list("signed_on", flat=True)
    ) == {datetime.date(2016, 9, 8)}
    text = section.inner_text()
    assert "Firmato il 08/09/2016" in text and "da Mario Rossi" in text
    assert "possono" not in text and "può essere attivato" in text
    paperwork = pathway.activities.get(activity="paperwork")
    assert paperwork.done_on == datetime.date(2016, 9, 8)

    # The signed agreement's scan.
    section.get_by_role("link", name="Carica scansione – Convenzione con l'ente ospitante").click()
    assert_clean_page(page)
    scan_file = tmp_path / "convenzione firmata.pdf"
    scan_file.write_bytes(PDF)
    page.locator("input[name=file]").set_input_files(str(scan_file))
    page.get_by_role("button", name="Carica").click()
    page.wait_for_url(f"**{pathway_path}**")
    assert SignedScan.objects.get().original_name == "convenzione firmata.pdf"
    assert section.get_by_role("link", name="convenzione firmata.pdf").count() == 1
    assert_clean_page(page)
    section.screenshot(path=SHOTS / "firme-signatures-done.png")
    page.screenshot(path=SHOTS / "firme-pathway-page.png", full_page=True)

    # Activation, now accepted.
    page.get_by_role("link", name="Attiva", exact=True).click()
    assert "mancano le firme" not in page.locator("body").inner_text()
    type_date(page, "input[name=on]", "12/09/2016")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{pathway_path}**")
    pathway = Pathway.objects.get(pk=pathway.pk)
    assert (pathway.status, pathway.activated_on) == ("active", datetime.date(2016, 9, 12))


def test_activation_form_says_what_is_missing(italian_page, live_server):
    from django.urls import reverse

    from tests import factories as f

    operator = f.agency_operator(username="agenzia.e2e")
    pathway = _pathway_being_defined(operator)
    page = italian_page
    log_in(page, live_server.url, operator)
    page.goto(
        live_server.url + reverse("wagtailsnippets_casework_pathway:activate", args=[pathway.pk])
    )
    notice = page.locator(".help-warning").inner_text()
    assert "Per attivare il percorso mancano le firme: Convenzione con l'ente ospitante" in notice
    page.screenshot(path=SHOTS / "firme-activate-missing.png")
    type_date(page, "input[name=on]", "12/09/2016")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "firme-activate-refused.png", full_page=True)
    # Refused: the error sits in the form (not only in the notice above it).
    assert "mancano le firme" in page.locator("main form[method=post]").inner_text()
    assert pathway.__class__.objects.get(pk=pathway.pk).status == "matching"
