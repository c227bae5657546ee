"""A social worker types "Rinaldi Chiara" in the sidebar's "Cerca" box, sees the person among
the results (not another Comune's namesake) and opens her page."""

import os
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in
from tests.e2e.page_checks import assert_clean_page

# Screenshots for a person to look at, where the other browser tests put theirs.
SHOTS = Path(os.environ.get("ZO_E2E_SCREENSHOTS") or tempfile.gettempdir())

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_sidebar_search_finds_the_person_and_opens_her_page(italian_page, live_server):
    from tests import factories as f

    lumezzane, sarezzo = f.comune("Lumezzane"), f.comune("Sarezzo")
    chiara = f.BeneficiaryFactory(
        first_name="Chiara", last_name="Rinaldi", residence_comune=lumezzane
    )
    f.ReferralFactory(beneficiary=chiara, protocol="2026/0042")
    f.BeneficiaryFactory(first_name="Chiara", last_name="Rinaldi", residence_comune=sarezzo)
    f.BeneficiaryFactory(first_name="Nicolò", last_name="Rinaldi", residence_comune=lumezzane)
    worker = f.social_worker(lumezzane, username="sociale.cerca")
    page = italian_page
    log_in(page, live_server.url, worker)

    search_box = page.locator("#menu-search-q")
    search_box.fill("Rinaldi Chiara")
    search_box.press("Enter")
    page.wait_for_url("**/admin/cerca/?q=*")
    assert_clean_page(page)
    people = page.locator("section[aria-labelledby=search-persone]")
    assert people.locator("tbody tr").count() == 1  # not Sarezzo's Chiara, not Nicolò
    assert chiara.tax_code in people.inner_text()
    page.screenshot(path=SHOTS / "search-results.png", full_page=True)

    people.get_by_role("link", name="Rinaldi Chiara").click()
    page.wait_for_url(f"**/beneficiary/inspect/{chiara.pk}/")
    assert "Rinaldi Chiara" in page.locator("main").inner_text()
    assert_clean_page(page)

    page.locator("#menu-search-q").fill("nessuno qui")
    page.locator("#menu-search-q").press("Enter")
    page.wait_for_url("**/admin/cerca/?q=*")
    assert "Nessun risultato per «nessuno qui»." in page.locator("main").inner_text()
    assert_clean_page(page)
    page.screenshot(path=SHOTS / "search-empty.png", full_page=True)
