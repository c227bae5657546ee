"""A visitor on the public site, in Chromium with an Italian locale: finds the accessibility
statement from the footer and the privacy notice from the form's consent box, sends the form
with a mistake and finds the error tied to its field, types a date the Italian way and sees it
stored as typed."""

import datetime

import pytest

from tests.e2e.conftest import CHROMIUM
from tests.e2e.page_checks import assert_clean_page, problems

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture
def pages(db):
    from home.content import build_page_tree
    from network.demo import build_pages
    from network.models import RegistrationPage

    build_page_tree()
    build_pages()
    return RegistrationPage.objects.get()


def _no_raw_values(page):
    """The public pages' version of ``assert_clean_page``: the accessibility statement names
    the content management system the site is built with, which is no leftover default."""
    found = [word for word in problems(page.locator("body").inner_text()) if word != "Wagtail"]
    assert not found, f"{page.url}: {found}"


def test_visitor_finds_statement_and_notice_and_is_guided_through_an_error(
    italian_page, live_server, pages, settings, tmp_path
):
    from django.core.cache import cache

    from network.models import Position
    from tests.factories import _vat_number

    cache.clear()
    settings.NETWORK_REGISTRATION_MIN_SECONDS = 1
    page = italian_page
    base = live_server.url

    # The accessibility statement, from the footer of the home page.
    page.goto(base + "/")
    page.locator("footer").get_by_role("link", name="Dichiarazione di accessibilità").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Dichiarazione di accessibilità"
    assert page.get_by_role("heading", name="Meccanismo di feedback e recapiti").is_visible()
    assert page.get_by_role("link", name="procedura di attuazione").is_visible()
    _no_raw_values(page)

    # From "Per gli enti ospitanti" to the form.
    page.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Per gli enti ospitanti"
    ).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Compilate il modulo per offrire una postazione").click()
    page.wait_for_load_state()
    assert page.url == base + pages.url

    # The privacy notice, from the consent box (in a new tab: the form keeps what was typed).
    consent = page.locator("fieldset", has_text="Trattamento dei dati")
    with page.context.expect_page() as new_tab:
        consent.get_by_role("link", name="informativa completa").click()
    notice = new_tab.value
    notice.wait_for_load_state()
    assert notice.get_by_role("heading", level=1).inner_text() == "Informativa sulla privacy"
    assert notice.get_by_role("heading", name="Titolare del trattamento").is_visible()
    assert notice.get_by_role("heading", name="Reclamo al Garante").is_visible()
    notice.close()

    # The form, sent without the organisation's name.
    page.locator("#id_kind").select_option("associazione")
    page.locator("#id_tax_code").fill(_vat_number(991))
    page.locator("#id_comune").select_option(label="Lumezzane")
    page.locator("#id_contact_person").fill("Marta Rossi")
    page.locator("#id_email").fill("info@ilsentiero.it")
    page.locator("#id_positions-0-title").fill("Aiuto in biblioteca")
    page.get_by_label("Tirocinio").check()
    page.locator("#id_positions-0-seats").fill("1")
    date_field = page.locator("#id_positions-0-available_from")
    assert date_field.get_attribute("placeholder") == "gg/mm/aaaa"
    date_field.click()
    date_field.press_sequentially("15/11/2026")
    date_field.press("Tab")
    page.get_by_label("Ho letto l'informativa").check()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Invia la richiesta").click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert summary.get_by_role("heading").inner_text() == "La richiesta non è stata inviata"
    page.screenshot(path=tmp_path / "public-form-errors.png", full_page=False)
    summary.get_by_role("link", name="Denominazione").click()
    name = page.locator("#id_name")
    assert name.evaluate("element => element === document.activeElement")
    assert name.get_attribute("aria-invalid") == "true"
    described = name.get_attribute("aria-describedby").split()
    error = page.locator(f"#{described[-1]}")
    assert error.inner_text() == "Questo campo è obbligatorio."
    assert error.is_visible()
    # What was typed is still there, as typed.
    assert page.locator("#id_positions-0-available_from").input_value() == "15/11/2026"
    _no_raw_values(page)

    # Corrected and sent: the date is stored as the 15th of November 2026.
    name.fill("Associazione Il Sentiero")
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Invia la richiesta").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Richiesta ricevuta"
    position = Position.objects.get(title="Aiuto in biblioteca")
    assert position.available_from == datetime.date(2026, 11, 15)


def test_a_stored_date_is_shown_the_italian_way_in_the_admin_and_on_the_public_page(
    italian_page, live_server, pages
):
    from network.demo import DIRECTORY_SLUG
    from tests import factories as f

    host = f.HostOrganisationFactory(name="Ente Data Esempio", status="approved")
    f.PositionFactory(
        host=host, title="Postazione datata", available_from=datetime.date(2026, 11, 15)
    )
    italian_page.goto(f"{live_server.url}/{DIRECTORY_SLUG}/ente/{host.pk}/")
    assert "dal 15/11/2026" in italian_page.locator("main").inner_text()
    _no_raw_values(italian_page)


def test_the_help_menu_opens_the_handbook(italian_page, live_server, pages):
    from tests import factories as f
    from tests.e2e.conftest import log_in

    user = f.agency_operator(username="agenzia.manuale")
    log_in(italian_page, live_server.url, user)
    assert_clean_page(italian_page)
    italian_page.get_by_role("button", name="Aiuto").click()
    italian_page.get_by_role("link", name="Manuale di ZeroOttanta").click()
    italian_page.wait_for_load_state()
    assert italian_page.get_by_role("heading", level=1).inner_text() == "Manuale di ZeroOttanta"
    italian_page.get_by_role("link", name="Operatore dell'agenzia").click()
    italian_page.wait_for_load_state()
    assert "Prendi in carico" in italian_page.locator("main").inner_text()
    _no_raw_values(italian_page)
