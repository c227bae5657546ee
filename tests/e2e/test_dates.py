"""One test per kind of date widget: a date typed the Italian way (gg/mm/aaaa with or without
leading zeros, or gg-mm-aaaa) survives leaving the field and is stored as that date, and a
pre-filled date is shown, not an empty box.

The kinds: a model DateField in a Wagtail snippet form (the edition), a plain Django form field
with ``ItalianDateInput`` (the referral's take-in-charge date) and the report request form."""

import datetime

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _value(page, name):
    return page.locator(f"input[name={name}]").input_value()


def test_snippet_model_date_field_round_trips(italian_page, live_server):
    from tests import factories as f

    page = italian_page
    edition = f.EditionFactory()
    log_in(page, live_server.url, f.programme_manager(username="pal.date"))

    page.goto(f"{live_server.url}/admin/snippets/casework/edition/edit/{edition.pk}/")
    assert_clean_page(page)
    # The stored dates are shown as an Italian writes them, not an empty box.
    assert _value(page, "starts_on") == "01/07/2016"
    assert _value(page, "ends_on") == "30/06/2017"

    type_date(page, "input[name=starts_on]", "5/3/2026")
    type_date(page, "input[name=ends_on]", "15/11/2026")
    # Leaving the field keeps what was typed (the picker does not put today's date).
    assert _value(page, "starts_on") == "5/3/2026"
    assert _value(page, "ends_on") == "15/11/2026"
    page.get_by_role("button", name="Salva").first.click()
    page.wait_for_url("**/admin/snippets/casework/edition/")
    assert_clean_page(page)

    edition.refresh_from_db()
    assert edition.starts_on == datetime.date(2026, 3, 5)
    assert edition.ends_on == datetime.date(2026, 11, 15)


def test_plain_form_date_field_round_trips(italian_page, live_server):
    from casework.models import Pathway, Referral
    from tests import factories as f

    page = italian_page
    referral = f.ReferralFactory(referred_on=datetime.date(2026, 2, 20))
    log_in(page, live_server.url, f.agency_operator(username="agenzia.date"))

    page.goto(f"{live_server.url}/admin/snippets/casework/referral/take-in-charge/{referral.pk}/")
    assert_clean_page(page)
    assert _value(page, "on"), "the take-in-charge date is pre-filled with today"
    type_date(page, "input[name=on]", "05-03-2026")
    assert _value(page, "on") == "05-03-2026"
    page.select_option("select[name=pathway_type]", "tirocinio")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert_clean_page(page)

    referral.refresh_from_db()
    assert referral.status == "taken_in_charge"
    assert Pathway.objects.get(referral=referral).intake_on == datetime.date(2026, 3, 5)
    assert Referral.objects.count() == 1


def test_report_request_period_round_trips(italian_page, live_server, monkeypatch):
    from documents import services
    from documents.models import ReportRun
    from tests import factories as f

    # A period may not end after today: the quarter is asked for once it is over.
    monkeypatch.setattr(services.timezone, "localdate", lambda *a, **k: datetime.date(2027, 1, 8))
    page = italian_page
    log_in(page, live_server.url, f.programme_manager(username="pal.report.date"))

    page.goto(live_server.url + "/admin/snippets/documents/reportrun/add/")
    assert_clean_page(page)
    page.select_option("select[name=kind]", "quarterly")
    type_date(page, "input[name=period_start]", "01/10/2026")
    type_date(page, "input[name=period_end]", "31/12/2026")
    assert _value(page, "period_start") == "01/10/2026"
    assert _value(page, "period_end") == "31/12/2026"
    page.get_by_role("button", name="Genera ora").click()
    page.wait_for_url("**/inspect/**")
    assert_clean_page(page)

    run = ReportRun.objects.get()
    assert run.period_start == datetime.date(2026, 10, 1)
    assert run.period_end == datetime.date(2026, 12, 31)


def test_error_message_is_the_reports_own(italian_page, live_server):
    from documents.viewsets import MESSAGE_NOT_QUEUED
    from tests import factories as f

    page = italian_page
    log_in(page, live_server.url, f.programme_manager(username="pal.report.err"))
    page.goto(live_server.url + "/admin/snippets/documents/reportrun/add/")
    type_date(page, "input[name=period_start]", "01/10/2016")
    type_date(page, "input[name=period_end]", "31/12/2099")
    page.get_by_role("button", name="Genera ora").click()
    page.get_by_text(str(MESSAGE_NOT_QUEUED)).wait_for()
    assert_clean_page(page)
