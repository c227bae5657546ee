"""An agency operator records a review meeting on an active pathway, typing the dates the Italian
way, and finds it on the pathway's page; the programme manager downloads a team meeting's
minutes (verbale) as a PDF from the list of meetings."""

import datetime
import os
from io import BytesIO
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.page_checks import assert_clean_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _shots(tmp_path):
    return Path(os.environ.get("ZO_E2E_SCREENSHOTS") or tmp_path)


def test_agency_records_a_review_meeting(italian_page, live_server, tmp_path):
    from django.urls import reverse

    from casework.cases.models import PathwayActivity
    from casework.cases.rules import activities_for
    from casework.cases.verification.models import VerificationMeeting
    from tests import factories as f

    pathway = f.active_pathway(f.comune("Lumezzane"))  # activated on 01/10/2016
    for code in activities_for(pathway.pathway_type):
        PathwayActivity.objects.get_or_create(pathway=pathway, activity=code)
    operator = f.agency_operator(
        username="agenzia.verifica", first_name="Marta", last_name="Bonetti"
    )
    page = italian_page
    page.set_viewport_size({"width": 1300, "height": 1000})
    base = live_server.url
    log_in(page, base, operator)
    pathway_url = reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])

    page.goto(base + pathway_url)
    section = page.locator("#incontri-verifica")
    assert "Nessun incontro di verifica registrato." in section.inner_text()
    section.get_by_role("link", name="Registra incontro di verifica").click()
    assert_clean_page(page)
    type_date(page, "input[name=held_on]", "20/10/2016")
    page.get_by_label("La persona").check()
    page.get_by_label("Ente ospitante / tutor aziendale").check()
    page.locator("input[name=participant_names]").fill("Luca Ferrari (tutor aziendale)")
    page.locator("textarea[name=minutes]").fill("La persona è puntuale; si aumentano le ore.")
    type_date(page, "input[name=next_meeting_on]", "3/11/2016")
    page.screenshot(path=_shots(tmp_path) / "verification-form.png", full_page=True)
    page.get_by_role("button", name="Conferma").click()
    page.wait_for_url(f"**{pathway_url}**")
    assert_clean_page(page)

    meeting = VerificationMeeting.objects.get()
    assert (meeting.held_on, meeting.next_meeting_on) == (
        datetime.date(2016, 10, 20),
        datetime.date(2016, 11, 3),
    )
    text = page.locator("#incontri-verifica").inner_text()
    assert "20/10/2016" in text and "03/11/2016" in text
    assert "La persona, Ente ospitante / tutor aziendale" in text
    assert "Luca Ferrari" in text and "Marta Bonetti" in text
    # 03/11/2016 is long past with no meeting since: overdue.
    assert "Incontro di verifica scaduto" in text
    assert pathway.activities.get(activity="reports").done_on == datetime.date(2016, 10, 20)
    page.locator("#incontri-verifica").scroll_into_view_if_needed()
    page.screenshot(path=_shots(tmp_path) / "verification-section.png", full_page=True)


def test_programme_manager_downloads_the_minutes(italian_page, live_server, tmp_path):
    from django.urls import reverse
    from pypdf import PdfReader

    from casework.cases.models import TeamMeeting
    from casework.money import services as money_services
    from tests import factories as f

    edition = f.seed_edition()
    comune = f.comune("Lumezzane")
    manager = f.programme_manager(username="pal.verbale", first_name="Anna", last_name="Verdi")
    f.budget(comune, edition, "2000.00")
    pathway = f.active_pathway(comune, referral__beneficiary__last_name="Alberti")
    meeting = TeamMeeting.objects.create(
        held_on=datetime.date(2016, 10, 5), participants="Anna Verdi (PAL)"
    )
    meeting.cases.set([pathway.referral])
    voucher = money_services.create_voucher(pathway, kind="traineeship_activation", user=manager)
    money_services.approve_voucher(voucher, user=manager, meeting=meeting)

    page = italian_page
    base = live_server.url
    log_in(page, base, manager)
    page.goto(base + reverse("wagtailsnippets_casework_teammeeting:list"))
    assert_clean_page(page)
    row = page.locator("table.listing tbody tr").first
    # The row's actions menu ("…") holds the download.
    row.locator("button[data-w-dropdown-target=toggle]").first.click()
    page.screenshot(path=_shots(tmp_path) / "minutes-list.png", full_page=True)
    with page.expect_download() as info:
        row.get_by_role("link", name="Scarica il verbale (PDF)").click()
    download = info.value
    assert download.suggested_filename == "verbale-equipe-2016-10-05.pdf"
    reader = PdfReader(BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Alberti" in text and "€ 244,00" in text
    assert "€ 2.000,00 € 244,00 € 1.756,00" in text
