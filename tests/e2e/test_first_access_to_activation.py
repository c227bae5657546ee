"""Issue 14's day at the desk, through the UI only: the agency operator books a referral's first
appointment, meets the person on that day and takes her in charge, defines the traineeship,
generates the individual project, records every party's signature and activates the pathway."""

import pytest
from django.utils import timezone

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _italian(day):
    return day.strftime("%d/%m/%Y")


def test_from_first_appointment_to_an_active_pathway(
    italian_page, live_server, monkeypatch, tmp_path, settings
):
    from django.urls import reverse

    from casework.cases.agenda.models import Appointment
    from casework.cases.models import Pathway
    from casework.cases.signatures.models import PaperSignature
    from casework.papers.models import PathwayDocument
    from tests import factories as f

    settings.SIGNED_SCANS_ROOT = tmp_path / "scans"
    lumezzane = f.comune("Lumezzane")
    host = f.HostOrganisationFactory(name="Cooperativa Il Melograno", comune=lumezzane)
    f.PositionFactory(host=host, title="Aiuto magazziniere")
    operator = f.agency_operator(username="agenzia.flow", first_name="Marta", last_name="Bonetti")
    referral = f.waiting_referral(
        comune=lumezzane,
        protocol="LUM-FLOW-1",
        beneficiary__first_name="Giovanna",
        beneficiary__last_name="Zanetti",
        beneficiary__residence_comune=lumezzane,
    )
    starts = f.next_weekday_at(9, 30, days_ahead=2)
    page = italian_page
    page.set_viewport_size({"width": 1400, "height": 1100})
    base = live_server.url
    log_in(page, base, operator)

    # 1. The first appointment, booked from the referral's page.
    referral_path = reverse("wagtailsnippets_casework_referral:inspect", args=[referral.pk])
    page.goto(base + referral_path)
    page.get_by_role("link", name="Fissa il primo appuntamento").click()
    page.wait_for_url("**/agenda/book/**")
    assert_clean_page(page)
    type_date(page, "input[name=date]", _italian(starts))
    page.locator("input[name=time]").fill("09:30")
    page.locator("select[name=operator]").select_option(label="Marta Bonetti")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{referral_path}")
    assert_clean_page(page)
    assert Appointment.objects.get(referral=referral).starts_at == starts
    page.screenshot(path=tmp_path / "flow-1-booked.png", full_page=True)

    # 2. On the appointment's day she is taken in charge for a traineeship.
    day = timezone.localtime(starts).date()
    monkeypatch.setattr(timezone, "localdate", lambda *args: day)
    page.goto(base + referral_path)
    page.get_by_role("link", name="Prendi in carico").first.click()
    type_date(page, "input[name=on]", _italian(day))
    page.locator("select[name=pathway_type]").select_option("tirocinio")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_load_state()
    assert_clean_page(page)
    pathway = Pathway.objects.get(referral=referral)
    assert pathway.intake_on == day
    pathway_path = reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])

    # 3. Defined at the cooperative's position.
    page.goto(base + pathway_path)
    page.get_by_role("link", name="Definisci il percorso").first.click()
    page.locator("select[name=position]").select_option(
        label=page.locator(
            "select[name=position] option", has_text="Aiuto magazziniere"
        ).first.inner_text()
    )
    type_date(page, "input[name=first_interview_on]", _italian(day))
    page.locator("textarea[name=assessment]").fill("Motivata, puntuale")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_load_state()
    assert_clean_page(page)
    pathway.refresh_from_db()
    assert pathway.status == "matching" and pathway.host_id == host.pk

    # 4. The individual project, generated on the pathway's page.
    page.goto(base + pathway_path)
    row = page.locator("#documenti-percorso tr[data-paper=individual_project]")
    row.get_by_role("button", name="Genera").click()
    page.wait_for_url("**#documenti-percorso")
    assert_clean_page(page)
    assert (
        "Versione 1 del"
        in page.locator("#documenti-percorso tr[data-paper=individual_project]").inner_text()
    )
    assert PathwayDocument.objects.filter(pathway=pathway, kind="individual_project").count() == 2

    # 5. Every party's signature, typed the Italian way.
    section = page.locator("#firme")
    recorded = 0
    while (link := section.get_by_role("link", name="Registra").first).count():
        link.click()
        page.wait_for_selector("input[name=signed_on]")
        type_date(page, "input[name=signed_on]", _italian(day))
        page.locator("input[name=signer_name]").fill("Firmatario")
        page.get_by_role("button", name="Conferma").click()
        page.wait_for_url(f"**{pathway_path}**")
        recorded += 1
        assert recorded <= 9
    assert recorded == PaperSignature.objects.filter(pathway=pathway).count() == 9
    page.screenshot(path=tmp_path / "flow-5-signed.png", full_page=True)

    # 6. Activation, accepted now that the papers are signed.
    page.get_by_role("link", name="Attiva", exact=True).click()
    assert "mancano le firme" not in page.locator("body").inner_text()
    type_date(page, "input[name=on]", _italian(day))
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{pathway_path}**")
    assert_clean_page(page)
    pathway.refresh_from_db()
    assert (pathway.status, pathway.activated_on) == ("active", day)
    page.screenshot(path=tmp_path / "flow-6-active.png", full_page=True)
