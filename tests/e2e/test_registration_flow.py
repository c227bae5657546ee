"""A visitor offers a position through the public form, a staff user approves the organisation
and its position in the admin, and the position appears in the public directory.

Drives Debian's /usr/bin/chromium through Playwright (never a downloaded browser)."""

import pytest

from tests.e2e.conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

STAFF_PASSWORD = "password-di-prova-e2e-123"


@pytest.fixture
def pages(db):
    from home.content import build_page_tree
    from network.demo import build_pages
    from network.models import DirectoryPage, RegistrationPage

    build_page_tree()
    build_pages()
    return DirectoryPage.objects.get(), RegistrationPage.objects.get()


@pytest.fixture
def staff(db):
    from tests import factories as f

    return f.agency_operator(username="agenzia.e2e", password=STAFF_PASSWORD)


def test_visitor_registers_staff_approves_position_is_published(
    browser, live_server, pages, staff, settings
):
    from django.core import mail
    from django.core.cache import cache

    from network.models import HostOrganisation, Position
    from tests.factories import _vat_number

    cache.clear()
    settings.NETWORK_REGISTRATION_MIN_SECONDS = 1
    directory, registration = pages
    base = live_server.url

    # The visitor fills the public form.
    visitor = browser.new_page()
    visitor.goto(base + registration.url)
    visitor.get_by_label("Denominazione").fill("Associazione Sentiero Comune")
    visitor.locator("#id_kind").select_option("associazione")
    visitor.get_by_label("Codice fiscale o partita IVA").fill(_vat_number(777))
    visitor.locator("#id_comune").select_option(label="Gardone Val Trompia")
    visitor.locator("#id_contact_person").fill("Marta Rossi")
    visitor.locator("#id_email").fill("info@sentierocomune.it")
    visitor.locator("#id_positions-0-title").fill("Custode del rifugio")
    visitor.get_by_label("Assistenziale").check()
    visitor.locator("#id_positions-0-seats").fill("2")
    visitor.get_by_label("Ho letto l'informativa").check()
    visitor.wait_for_timeout(1200)  # a person takes longer than the minimum fill time
    visitor.get_by_role("button", name="Invia la richiesta").click()
    visitor.wait_for_load_state()
    assert visitor.get_by_role("heading", level=1).inner_text() == "Richiesta ricevuta"

    organisation = HostOrganisation.objects.get(name="Associazione Sentiero Comune")
    assert organisation.status == "pending"
    assert Position.objects.get(host=organisation).status == "pending"
    assert {tuple(message.to) for message in mail.outbox} >= {("info@sentierocomune.it",)}

    # Not public yet.
    visitor.goto(base + directory.url)
    assert "Custode del rifugio" not in visitor.content()

    # Staff approve the organisation and its position in one click.
    admin = browser.new_page()
    admin.goto(base + "/admin/login/")
    admin.locator("input[name=username]").fill(staff.username)
    admin.locator("input[name=password]").fill(STAFF_PASSWORD)
    admin.locator("form button[type=submit]").first.click()
    admin.wait_for_load_state()
    assert "Richieste degli enti da verificare" in admin.content()
    admin.goto(base + "/admin/rete/richieste/")
    row = admin.locator("tr", has_text="Associazione Sentiero Comune")
    row.get_by_role("button", name="Approva").click()
    admin.wait_for_load_state()
    assert "approvato" in admin.content()

    organisation.refresh_from_db()
    assert organisation.status == "approved"
    assert Position.objects.get(host=organisation).status == "open"

    # The position is now in the public directory and on the organisation's page.
    visitor.goto(base + directory.url)
    assert visitor.get_by_text("Custode del rifugio").is_visible()
    visitor.get_by_role("link", name="Associazione Sentiero Comune").click()
    visitor.wait_for_load_state()
    assert visitor.get_by_role("heading", level=1).inner_text() == "Associazione Sentiero Comune"
    assert "Custode del rifugio" in visitor.content()
