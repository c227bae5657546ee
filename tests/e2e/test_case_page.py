"""The case page as home: the agency operator opens a referral from the list, takes the person in
charge typing the date the Italian way, sees the history, then opens the person's timeline."""

import datetime

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_referral_row_opens_the_case_page_then_the_timeline(italian_page, live_server, tmp_path):
    from casework.models import Pathway
    from tests import factories as f

    operator = f.agency_operator(username="agenzia.e2e", first_name="Anna", last_name="Verdi")
    referral = f.ReferralFactory(
        protocol="PROT-E2E-1",
        referred_on=datetime.date(2026, 11, 2),
        beneficiary__last_name="Bianchi",
        beneficiary__first_name="Carla",
        status="received",
    )
    page = italian_page
    log_in(page, live_server.url, operator)

    page.goto(live_server.url + "/admin/snippets/casework/referral/")
    assert_clean_page(page)
    page.get_by_role("link", name="PROT-E2E-1", exact=True).first.click()
    page.wait_for_url(f"**/referral/inspect/{referral.pk}/")
    assert_clean_page(page)
    take = page.get_by_role("link", name="Prendi in carico")
    assert take.is_visible()
    assert page.get_by_role("link", name="Modifica").first.is_visible()
    page.screenshot(path=tmp_path / "referral-inspect.png", full_page=True)

    take.click()
    page.wait_for_url("**/take-in-charge/**")
    assert_clean_page(page)
    type_date(page, "input[name=on]", "15/11/2026")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url("**/pathway/inspect/**")
    assert_clean_page(page)
    pathway = Pathway.objects.get(referral=referral)
    assert pathway.intake_on == datetime.date(2026, 11, 15)
    page.screenshot(path=tmp_path / "pathway-inspect.png", full_page=True)

    page.goto(live_server.url + f"/admin/snippets/casework/referral/inspect/{referral.pk}/")
    history = page.locator("#cronologia")
    assert "Anna Verdi" in history.inner_text()
    assert_clean_page(page)

    page.get_by_role("link", name=str(referral.beneficiary)).first.click()
    page.wait_for_url("**/beneficiary/inspect/**")
    assert_clean_page(page)
    rows = page.locator("#timeline tbody tr")
    first_date = rows.first.locator("td").first.inner_text()
    last_date = rows.last.locator("td").first.inner_text()
    assert first_date == "15/11/2026"
    assert last_date == "02/11/2026"
    assert "Presa in carico" in page.locator("#timeline").inner_text()
    page.screenshot(path=tmp_path / "person-timeline.png", full_page=True)

    page.goto(live_server.url + "/admin/snippets/casework/referral/add/")
    assert_clean_page(page)
    lookup = page.locator("#id_lookup_tax_code")
    assert lookup.is_visible()
    box = lookup.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 20
    page.screenshot(path=tmp_path / "new-referral.png")
