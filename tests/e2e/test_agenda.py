"""The first appointment at the desk: the agency operator opens a referral, books the first
appointment typing the date the Italian way and the time, sees it in the agenda's week view and
finds the letter's link."""

import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

# Screenshots of each screen, looked at by hand after a run.
SHOTS = Path(tempfile.gettempdir())

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_operator_books_the_first_appointment(italian_page, live_server):
    from casework.cases.agenda.models import Appointment
    from tests import factories as f

    operator = f.agency_operator(username="agenzia.e2e", first_name="Anna", last_name="Verdi")
    f.agency_operator(username="agenzia.e2e2", first_name="Bruno", last_name="Neri")
    referral = f.waiting_referral(
        protocol="PROT-AG-E2E",
        beneficiary__first_name="Carla",
        beneficiary__last_name="Bianchi",
    )
    starts = f.next_weekday_at(9, 30, days_ahead=2)
    page = italian_page
    log_in(page, live_server.url, operator)

    page.goto(live_server.url + f"/admin/snippets/casework/referral/inspect/{referral.pk}/")
    assert_clean_page(page)
    page.get_by_role("link", name="Fissa il primo appuntamento").click()
    page.wait_for_url("**/agenda/book/**")
    assert_clean_page(page)
    type_date(page, "input[name=date]", starts.strftime("%d/%m/%Y"))
    page.locator("input[name=time]").fill("09:30")
    page.locator("select[name=operator]").select_option(label="Anna Verdi")
    page.screenshot(path=SHOTS / "agenda-booking-form.png", full_page=True)
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**/referral/inspect/{referral.pk}/")
    assert_clean_page(page)
    appointment = Appointment.objects.get(referral=referral)
    assert appointment.starts_at == starts
    assert appointment.operator == operator
    letter = page.get_by_role("link", name="Lettera di convocazione (PDF)")
    assert letter.is_visible()
    assert letter.get_attribute("href").endswith(f"/agenda/{appointment.pk}/letter.pdf")
    page.screenshot(path=SHOTS / "agenda-referral.png", full_page=True)

    page.get_by_role("link", name="Agenda", exact=True).first.click()
    page.wait_for_url("**/casework/agenda/**")
    type_date(page, "input[name=on]", starts.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Mostra").click()
    page.wait_for_load_state()
    assert_clean_page(page)
    table = page.locator("#agenda").inner_text()
    assert "09:30" in table and "C.B." in table and "PROT-AG-E2E" in table
    assert "Anna Verdi" in table
    assert referral.intake_due_on.strftime("%d/%m/%Y") in table
    page.screenshot(path=SHOTS / "agenda-week.png", full_page=True)

    page.get_by_role("link", name="Settimana successiva »").click()
    page.wait_for_load_state()
    assert "Nessun appuntamento in questa settimana." in page.content()
    page.screenshot(path=SHOTS / "agenda-empty.png", full_page=True)
