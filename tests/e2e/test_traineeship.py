"""Traineeship rules in the browser: the programme manager edits an edition's rules (DGR
Lombardia 7763/2018) in the admin; an agency operator records the start COB of an active
tirocinio and sees the missing warning disappear (page and dashboard)."""

import datetime
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

# Screenshots of the new screens, to look at (E2E_SHOTS, else the system's temporary folder).
SHOTS = Path(os.environ.get("E2E_SHOTS", tempfile.gettempdir()))

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_programme_manager_edits_the_editions_traineeship_rules(italian_page, live_server):
    from django.urls import reverse

    from tests import factories as f

    edition = f.seed_edition()
    rules = edition.traineeship_rules
    manager = f.programme_manager(username="pal.e2e", first_name="Paola", last_name="Ferri")
    page = italian_page
    base = live_server.url
    log_in(page, base, manager)
    page.goto(base + reverse("wagtailsnippets_casework_traineeshiprules:list"))
    assert_clean_page(page)
    page.screenshot(path=SHOTS / "tirocini-rules-list.png", full_page=True)
    page.get_by_role("link", name="2016-2017", exact=True).first.click()
    page.wait_for_url("**/edit/**")
    assert page.get_by_text("DGR Lombardia n. 7763 del 17/01/2018").first.is_visible()
    assert_clean_page(page)
    page.screenshot(path=SHOTS / "tirocini-rules-edit.png", full_page=True)
    page.locator("input[name=monthly_allowance]").fill("550")
    page.locator("input[name=min_attendance_percent]").fill("75")
    page.get_by_role("button", name="Salva").first.click()
    page.wait_for_selector(".messages .success")
    assert (
        "Regole dei tirocini dell'edizione «2016-2017» salvate."
        in page.locator(".messages").inner_text()
    )
    rules.refresh_from_db()
    assert (rules.monthly_allowance, rules.min_attendance_percent) == (Decimal("550.00"), 75)
    assert_clean_page(page)


def test_agency_records_the_start_cob_and_the_warning_goes(italian_page, live_server):
    from django.urls import reverse

    from casework.cases.traineeship.models import TraineeshipCommunication
    from tests import factories as f

    f.seed_edition()
    host = f.HostOrganisationFactory(name="Cooperativa Il Sentiero", employees=12)
    pathway = f.active_pathway(f.comune("Lumezzane"), host=host, hours_per_week=30)
    operator = f.agency_operator(username="agenzia.e2e", first_name="Marta", last_name="Bonetti")
    page = italian_page
    base = live_server.url
    log_in(page, base, operator)
    panel = page.locator("#casework-cob-heading")
    assert panel.is_visible()
    assert page.get_by_text(str(pathway.referral.beneficiary)).first.is_visible()
    page.screenshot(path=SHOTS / "tirocini-dashboard.png", full_page=True)

    pathway_url = reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])
    page.goto(base + pathway_url)
    warning = page.locator("[data-cob-missing]")
    assert warning.is_visible() and "Avvio" in warning.inner_text()
    assert_clean_page(page)
    page.locator("#tirocinio").screenshot(path=SHOTS / "tirocini-pathway-section.png")

    page.get_by_role("link", name="Registra comunicazione obbligatoria").click()
    page.wait_for_url("**/tirocinio/cob/")
    assert_clean_page(page)
    page.screenshot(path=SHOTS / "tirocini-cob-form.png", full_page=True)
    page.locator("select[name=kind]").select_option("start")
    type_date(page, "input[name=sent_on]", "30/09/2016")
    page.locator("input[name=protocol]").fill("COB-2016-0042")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{pathway_url}**")
    cob = TraineeshipCommunication.objects.get()
    assert (cob.kind, cob.sent_on, cob.protocol) == (
        "start",
        datetime.date(2016, 9, 30),
        "COB-2016-0042",
    )
    assert page.locator("[data-cob-missing]").count() == 0
    section = page.locator("#tirocinio").inner_text()
    assert "COB-2016-0042" in section and "30/09/2016" in section and "Marta Bonetti" in section
    assert_clean_page(page)
    page.locator("#tirocinio").screenshot(path=SHOTS / "tirocini-pathway-section-after.png")

    page.goto(base + "/admin/")
    assert (
        "Nessuna comunicazione obbligatoria mancante."
        in page.locator("#casework-cob-heading").locator("xpath=..").inner_text()
    )
