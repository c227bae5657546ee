"""The agency records a tutoring session and a month's timesheet through the admin, typing the
dates the Italian way, finds both on the pathway's page and corrects them."""

import datetime
from decimal import Decimal

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _traineeship():
    from casework.cases.models import PathwayActivity
    from casework.cases.rules import activities_for
    from casework.money import services as money_services
    from tests import factories as f

    edition = f.seed_edition()
    comune = f.comune("Lumezzane")
    manager = f.programme_manager(username="pal.e2e")
    pathway = f.active_pathway(comune)  # activated on 01/10/2016, in the seed edition
    for code in activities_for(pathway.pathway_type):
        PathwayActivity.objects.get_or_create(pathway=pathway, activity=code)
    f.budget(comune, edition, "10000.00")
    voucher = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=4, user=manager)
    money_services.approve_voucher(voucher, user=manager)
    return pathway


def test_agency_records_sees_and_corrects_tutoring_and_timesheet(
    italian_page, live_server, tmp_path
):
    from django.urls import reverse

    from casework.money.models import Timesheet, TutoringSession
    from tests import factories as f

    pathway = _traineeship()
    operator = f.agency_operator(username="agenzia.e2e", first_name="Marta", last_name="Bonetti")
    page = italian_page
    base = live_server.url
    log_in(page, base, operator)
    pathway_url = base + reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])

    # Tutoring: 1,5 hours on 15/10/2016.
    page.goto(base + reverse("casework_record_tutoring", args=[pathway.pk]))
    assert_clean_page(page)
    type_date(page, "input[name=on]", "15/10/2016")
    page.locator("input[name=hours]").press_sequentially("1,5")  # as typed in Italy
    page.locator("textarea[name=note]").fill("Primo incontro in azienda")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(
        f"**{reverse('wagtailsnippets_casework_pathway:inspect', args=[pathway.pk])}**"
    )
    session = TutoringSession.objects.get()
    assert (session.on, session.hours) == (datetime.date(2016, 10, 15), Decimal("1.5"))
    assert_clean_page(page)

    # Timesheet of October, payslip handed over on 5/11/2016 (typed without leading zero).
    page.goto(base + reverse("casework_record_timesheet", args=[pathway.pk]))
    assert_clean_page(page)
    type_date(page, "input[name=month]", "01/10/2016")
    page.locator("input[name=hours_worked]").fill("80")
    type_date(page, "input[name=payslip_delivered_on]", "5/11/2016")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"{pathway_url}**")
    sheet = Timesheet.objects.get()
    assert sheet.month == datetime.date(2016, 10, 1)
    assert sheet.payslip_delivered_on == datetime.date(2016, 11, 5)
    assert_clean_page(page)
    done = {a.activity: a.done_on for a in pathway.activities.all()}
    assert done["tutoring"] == datetime.date(2016, 10, 15)
    assert done["timesheets"] == datetime.date(2016, 10, 1)

    # The pathway's page lists both (once casework/money/_pathway_delivery.html is included in
    # the pathway's inspect page; until then the correction screens are reached by URL).
    page.goto(pathway_url)
    section = page.locator("#erogazione")
    if section.count():
        text = section.inner_text()
        assert "15/10/2016" in text and "1,5" in text and "Marta Bonetti" in text
        assert "10/2016" in text and "05/11/2016" in text and "—" in text
        page.screenshot(path=tmp_path / "delivery-pathway.png", full_page=True)
        section.get_by_role("link", name="Correggi").first.click()
    else:
        page.goto(base + reverse("casework_correct_tutoring", args=[session.pk]))
    assert_clean_page(page)

    # Correct the session: 2 hours on 16/10/2016; past the approved 4 hours is refused.
    assert page.locator("input[name=on]").input_value() == "15/10/2016"
    page.locator("input[name=hours]").fill("5")
    page.get_by_role("button", name="Conferma").click()
    page.get_by_text("oltre quelle approvate").wait_for()
    assert_clean_page(page)
    page.screenshot(path=tmp_path / "delivery-correct-refused.png", full_page=True)
    type_date(page, "input[name=on]", "16-10-2016")
    page.locator("input[name=hours]").fill("2")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"{pathway_url}**")
    assert_clean_page(page)
    session.refresh_from_db()
    assert (session.on, session.hours) == (datetime.date(2016, 10, 16), Decimal("2"))

    # Correct the timesheet: the CUD handed over on 20/11/2016.
    page.goto(base + reverse("casework_correct_timesheet", args=[sheet.pk]))
    assert_clean_page(page)
    assert page.locator("input[name=payslip_delivered_on]").input_value() == "05/11/2016"
    type_date(page, "input[name=cud_delivered_on]", "20/11/2016")
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"{pathway_url}**")
    assert_clean_page(page)
    sheet.refresh_from_db()
    assert sheet.cud_delivered_on == datetime.date(2016, 11, 20)
