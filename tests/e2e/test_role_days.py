"""Each role's day, walked through the UI only, with every date typed the Italian way:
the social worker refers a new person, the agency takes them in charge, places and activates
them and records what was delivered, the programme manager decides a team meeting and asks for
a quarterly report. Every page visited goes through ``assert_clean_page`` (collected by
``Day`` and asserted at the end of each test, so one bad page does not hide the others)."""

import datetime
from decimal import Decimal

import pytest

from tests.e2e.conftest import CHROMIUM, log_in, type_date
from tests.e2e.role_days import Day

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

BIRTH = datetime.date(1985, 3, 5)
PROTOCOL = "LUM-2026-0042"


def _edition_2026(comune, amount="20000.00"):
    """The 2026-2027 edition at the seed's tariffs, with a budget for ``comune``."""
    from casework.money.models import Tariff
    from tests import factories as f

    edition = f.EditionFactory(
        name="2026-2027",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2027, 6, 30),
    )
    for kind, net_amount in f.SEED_TARIFFS.items():
        Tariff.objects.create(
            edition=edition, kind=kind, net_amount=net_amount, vat_rate=Decimal("22")
        )
    f.budget(comune, edition, amount)
    return edition


# --- 1. The social worker --------------------------------------------------------------------


def _refer_new_person(day, tax_code, shot):
    page = day.page
    day.visit("/admin/", f"{shot}-home")
    page.get_by_role("button", name="Casi").click()  # the sidebar's group
    day.click(page.get_by_role("link", name="Segnalazioni").first)
    day.check(f"{shot}-list-before")
    # The list's add button (Wagtail labels it "Aggiungi ..."), which opens "Nuova segnalazione".
    day.click(
        page.locator('main a[href$="/admin/snippets/casework/referral/add/"]').first,
        f"{shot}-new-referral",
    )
    assert page.get_by_role("heading", name="Nuova segnalazione").count() >= 1
    page.locator("form[method=post] input[name=tax_code]").fill(tax_code)
    page.locator("input[name=first_name]").fill("Giovanna")
    page.locator("input[name=last_name]").fill("Zanetti")
    type_date(page, "input[name=birth_date]", "05-03-1985")
    page.locator("select[name=residence_comune]").select_option(label="Lumezzane")
    # A new person needs their target group (the form says so when it is missing).
    page.locator("select[name=target_group]").select_option("difficolta")
    type_date(page, "input[name=privacy_notice_on]", "5/3/2026")
    page.locator("select[name=comune]").select_option(label="Lumezzane")
    page.locator("input[name=protocol]").fill(PROTOCOL)
    type_date(page, "input[name=referred_on]", "15/11/2026")
    page.locator("select[name=proposed_pathway_type]").select_option("tirocinio")
    page.locator("textarea[name=reason]").fill("Disoccupata da due anni, vuole rimettersi in gioco")
    day.click(page.get_by_role("button", name="Registra la segnalazione"), f"{shot}-referral-saved")


def social_worker_day(day, social_worker, other_worker, *, shot="sw"):
    """Refers a new person; sees the referral in their list; another Comune's worker does not."""
    from casework.cases.models import Beneficiary, Referral
    from tests import factories as f

    page = day.page
    tax_code = f.make_tax_code(4242, birth_date=BIRTH, sex="F")
    log_in(page, day.base, social_worker)
    _refer_new_person(day, tax_code, shot)

    referral = Referral.objects.get(protocol=PROTOCOL)
    person = referral.beneficiary
    assert referral.referred_on == datetime.date(2026, 11, 15)
    assert referral.comune.name == "Lumezzane"
    assert (person.tax_code, person.first_name, person.last_name) == (
        tax_code,
        "Giovanna",
        "Zanetti",
    )
    assert person.birth_date == BIRTH
    assert person.privacy_notice_on == datetime.date(2026, 3, 5)
    assert Beneficiary.objects.count() == 1

    # Their list shows it, dated the Italian way.
    day.visit("/admin/snippets/casework/referral/", f"{shot}-referral-list")
    row = page.locator("tbody tr", has_text=PROTOCOL)
    assert row.count() == 1
    assert "15/11/2026" in row.inner_text()
    assert "Zanetti" in row.inner_text()

    # A social worker of another Comune does not see it, in the list nor by its address.
    page.context.clear_cookies()
    log_in(page, day.base, other_worker)
    day.visit("/admin/snippets/casework/referral/", f"{shot}-other-comune-list")
    body = page.locator("body").inner_text()
    assert PROTOCOL not in body and "Zanetti" not in body
    response = page.goto(f"{day.base}/admin/snippets/casework/referral/inspect/{referral.pk}/")
    assert response.status in (403, 404) or "Zanetti" not in page.locator("body").inner_text()
    return referral


def _social_workers():
    from tests import factories as f

    worker = f.social_worker(
        f.comune("Lumezzane"), username="sociale.lumezzane", first_name="Anna", last_name="Ferri"
    )
    other = f.social_worker(f.comune("Sarezzo"), username="sociale.sarezzo")
    return worker, other


def test_social_worker_refers_a_new_person(italian_page, live_server):
    day = Day(italian_page, live_server.url)
    social_worker_day(day, *_social_workers())
    day.assert_all_pages_clean()


# --- 2. The agency operator ------------------------------------------------------------------


def test_agency_takes_in_charge_places_activates_and_delivers(italian_page, live_server):
    from casework.cases.models import Pathway
    from casework.money import services as money_services
    from casework.money.models import Timesheet, TutoringSession
    from tests import factories as f

    lumezzane = f.comune("Lumezzane")
    _edition_2026(lumezzane)
    host = f.HostOrganisationFactory(name="Cooperativa Il Melograno", comune=lumezzane)
    position = f.PositionFactory(host=host, title="Aiuto magazziniere", seats=2)
    f.PositionFactory(host=host, title="Posizione chiusa", status="closed")
    referral = f.ReferralFactory(
        protocol=PROTOCOL,
        referred_on=datetime.date(2026, 11, 15),
        beneficiary__first_name="Giovanna",
        beneficiary__last_name="Zanetti",
        beneficiary__residence_comune=lumezzane,
    )
    operator = f.agency_operator(username="agenzia.e2e", first_name="Marta", last_name="Bonetti")
    manager = f.programme_manager(username="pal.e2e")
    day = Day(italian_page, live_server.url)
    page = day.page
    page.set_viewport_size({"width": 1400, "height": 1200})
    log_in(page, day.base, operator)

    # From the list, the row opens the case.
    day.visit("/admin/snippets/casework/referral/", "ag-referral-list")
    day.click(page.locator("tbody tr", has_text=PROTOCOL).get_by_role("link").first, "ag-case")
    assert "Zanetti" in page.locator("body").inner_text()

    # Prendi in carico, on 20/11/2026.
    day.click(page.get_by_role("link", name="Prendi in carico").first, "ag-take")
    type_date(page, "input[name=on]", "20/11/2026")
    page.locator("select[name=pathway_type]").select_option("tirocinio")
    day.click(page.get_by_role("button", name="Conferma"), "ag-taken")
    pathway = Pathway.objects.get(referral=referral)
    assert pathway.intake_on == datetime.date(2026, 11, 20)

    # Defines the traineeship: the closed position is not offered, the open one is.
    day.click(page.get_by_role("link", name="Definisci il percorso").first, "ag-define")
    offered = page.locator("select[name=position] option").all_inner_texts()
    assert any("Aiuto magazziniere" in text for text in offered), offered
    assert not any("Posizione chiusa" in text for text in offered), offered
    type_date(page, "input[name=first_interview_on]", "24/11/2026")
    page.locator("textarea[name=assessment]").fill("Motivata, puntuale")
    day.click(page.get_by_role("button", name="Conferma"), "ag-defined")
    pathway.refresh_from_db()
    assert pathway.status == "matching"
    assert pathway.first_interview_on == datetime.date(2026, 11, 24)

    # Places her: matching, "Colloca qui", then the confirmation.
    day.click(page.get_by_role("link", name="Cerca postazioni adatte (matching)"), "ag-matching")
    place = page.locator("tr", has_text="Aiuto magazziniere").get_by_role(
        "link", name="Colloca qui"
    )
    day.click(place, "ag-place-confirm")
    pathway.refresh_from_db()
    assert pathway.position_id is None  # nothing placed before the confirmation
    day.click(page.get_by_role("button", name="Conferma la collocazione"), "ag-placed")
    pathway.refresh_from_db()
    assert pathway.position_id == position.pk

    # The papers were signed by every party (recorded through the service: the signatures
    # section has its own browser test, tests/e2e/test_signatures.py).
    f.sign_papers(pathway, operator, on=datetime.date(2026, 11, 30))

    # Activates it on 01/12/2026.
    pathway_path = f"/admin/snippets/casework/pathway/inspect/{pathway.pk}/"
    day.visit(pathway_path)
    day.click(page.get_by_role("link", name="Attiva", exact=True), "ag-activate")
    type_date(page, "input[name=on]", "01/12/2026")
    day.click(page.get_by_role("button", name="Conferma"), "ag-active")
    pathway.refresh_from_db()
    assert (pathway.status, pathway.activated_on) == ("active", datetime.date(2026, 12, 1))

    # The team meeting approved 10 hours of tutoring (seeded: the manager's part is test 3).
    hours = money_services.create_voucher(pathway, kind="tutoring_hour", quantity=10, user=manager)
    money_services.approve_voucher(hours, user=manager)

    # Records a tutoring session of 2,5 hours and November's timesheet from the pathway's page.
    day.visit(pathway_path, "ag-pathway-before-delivery")
    section = page.locator("#erogazione")
    assert section.count() == 1, "the pathway page has no delivery section (id=erogazione)"
    day.click(section.get_by_role("link", name="Registra tutoraggio"), "ag-tutoring-form")
    type_date(page, "input[name=on]", "02/12/2026")
    page.locator("input[name=hours]").press_sequentially("2,5")
    page.locator("textarea[name=note]").fill("Primo incontro in cooperativa")
    day.click(page.get_by_role("button", name="Conferma"))
    session = TutoringSession.objects.get()
    assert (session.on, session.hours) == (datetime.date(2026, 12, 2), Decimal("2.5"))

    day.click(
        page.locator("#erogazione").get_by_role("link", name="Registra foglio ore"),
        "ag-timesheet-form",
    )
    type_date(page, "input[name=month]", "01/12/2026")
    page.locator("input[name=hours_worked]").press_sequentially("12,5")
    type_date(page, "input[name=payslip_delivered_on]", "3/12/2026")
    day.click(page.get_by_role("button", name="Conferma"))
    sheet = Timesheet.objects.get()
    assert (sheet.month, sheet.hours_worked) == (datetime.date(2026, 12, 1), Decimal("12.5"))
    assert sheet.payslip_delivered_on == datetime.date(2026, 12, 3)

    # Both on the pathway's page...
    day.visit(pathway_path, "ag-pathway-delivered")
    delivered = page.locator("#erogazione").inner_text()
    assert "02/12/2026" in delivered and "2,5" in delivered and "Marta Bonetti" in delivered
    assert "12/2026" in delivered and "12,5" in delivered and "03/12/2026" in delivered

    # ...and in the person's page (the case's timeline).
    day.click(
        page.locator(f'main a[href$="/beneficiary/inspect/{referral.beneficiary_id}/"]').first,
        "ag-person-timeline",
    )
    assert f"/beneficiary/inspect/{referral.beneficiary_id}/" in page.url
    timeline = page.locator("#timeline")

    def event(kind):
        return timeline.locator(f"tr[data-kind={kind}]").first.inner_text()

    assert "02/12/2026" in event("tutoring") and "2,5 ore" in event("tutoring")
    assert "03/12/2026" in event("payslip") and "12/2026" in event("payslip")  # the timesheet
    assert "01/12/2026" in event("activated")
    assert "20/11/2026" in event("intake")
    day.assert_all_pages_clean()


# --- 3. The programme manager ----------------------------------------------------------------


def test_programme_manager_decides_a_meeting_and_asks_for_a_quarterly_report(
    italian_page, live_server, settings, monkeypatch
):
    from django.utils import timezone
    from django_q.conf import Conf

    from casework.cases.models import TeamMeeting
    from casework.money.models import Voucher
    from documents import builders, services
    from documents.models import ReportRun, RunStatus
    from documents.services import ERROR_PERIOD_FUTURE
    from tests import factories as f

    lumezzane = f.comune("Lumezzane")
    edition = _edition_2026(lumezzane, amount=Decimal("244.00") * 18)
    vouchers = [
        f.VoucherFactory(
            pathway=f.active_pathway(lumezzane, activated_on=datetime.date(2026, 9, 1)),
            edition=edition,
            status="proposed",
        )
        for _ in range(20)
    ]
    meeting = TeamMeeting.objects.create(held_on=datetime.date(2026, 10, 5))
    manager = f.programme_manager(username="pal.e2e", first_name="Paola", last_name="Gatti")
    day = Day(italian_page, live_server.url)
    page = day.page
    page.set_viewport_size({"width": 1400, "height": 1300})
    log_in(page, day.base, manager)

    # The meeting's decisions: 2 of the 20 do not fit, said before and after deciding.
    day.visit(f"/admin/casework/money/meeting/{meeting.pk}/decisions/", "pm-meeting-before")
    assert page.locator("table.zo-decisions tbody tr").count() == 20
    assert page.locator("table.zo-decisions .w-status--critical").count() == 2
    day.click(
        page.get_by_role("button", name="Approva tutti quelli che rientrano nel budget"),
        "pm-meeting-after",
    )
    statuses = dict(Voucher.objects.values_list("pk", "status"))
    assert sorted(statuses[v.pk] for v in vouchers) == ["approved"] * 18 + ["proposed"] * 2
    assert "18 approvati" in page.locator(".messages").inner_text()
    not_fitting = page.locator("#non-registrati")
    assert "2 voucher non registrati" in not_fitting.inner_text()
    assert not_fitting.locator("li").count() == 2

    # The quarterly report for 01/10/2026–31/12/2026, queued and then built by the worker.
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    built_for = []
    real_build = builders.build_report

    def spy(kind, *, start, end, comune):
        built_for.append((kind, start, end))
        return real_build(kind, start=start, end=end, comune=comune)

    monkeypatch.setattr(builders, "build_report", spy)
    day.visit("/admin/snippets/documents/reportrun/add/", "pm-report-add")
    page.select_option("select[name=kind]", "quarterly")
    type_date(page, "input[name=period_start]", "01/10/2026")
    type_date(page, "input[name=period_end]", "31/12/2026")
    # On 03/12/2026 the fourth quarter has not ended: refused, said on the field.
    day.click(page.get_by_role("button", name="Genera ora"), "pm-report-refused")
    assert str(ERROR_PERIOD_FUTURE) in page.locator("body").inner_text()
    assert not ReportRun.objects.exists()

    # On 08/01/2027 it has: the same period, typed again, is queued.
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2027, 1, 8))
    type_date(page, "input[name=period_start]", "01/10/2026")
    type_date(page, "input[name=period_end]", "31/12/2026")
    page.get_by_role("button", name="Genera ora").click()
    page.wait_for_url("**/inspect/**")
    day.check("pm-report-queued")
    run = ReportRun.objects.get()
    assert run.kind == "quarterly"
    assert (run.period_start, run.period_end) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert "01/10/2026" in page.locator("body").inner_text()
    assert "31/12/2026" in page.locator("body").inner_text()

    services.run_report(run.pk)  # what the worker does with the queued task
    page.get_by_role("heading", name="Documenti").wait_for(timeout=15000)
    day.check("pm-report-done")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert built_for == [("quarterly", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))]
    day.assert_all_pages_clean()


# --- 4. The social worker's day in English ---------------------------------------------------

# Italian words of the pages the English run visits: none may be left once the catalogue is
# filled in (the data, e.g. "Lumezzane" or the person's name, stay as typed).
ITALIAN_WORDS = (
    "Nuova segnalazione",
    "Segnalazioni",
    "Registra la segnalazione",
    "Codice fiscale",
    "Cognome",
    "Data di nascita",
    "Data segnalazione",
    "Comune inviante",
    "Protocollo",
    "Persona",
    "Casi",
    "Cerca",
)


def _assert_english(day):
    text = day.page.locator("body").inner_text()
    left = [word for word in ITALIAN_WORDS if word in text]
    if left:
        day.unclean.append(f"{day.page.url}: Italian words in the English run: {left}")


@pytest.mark.xfail(
    strict=False,
    reason="English catalogue being filled (locale/en/LC_MESSAGES/django.po is all empty msgstr)",
)
def test_social_worker_day_in_english(browser, live_server):
    from wagtail.users.models import UserProfile

    from casework.cases.models import Referral
    from tests import factories as f

    worker, other = _social_workers()
    profile = UserProfile.get_for_user(worker)
    profile.preferred_language = "en"
    profile.save()
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Rome")
    page = context.new_page()
    day = Day(page, live_server.url)
    log_in(page, day.base, worker)

    # The same walk, by the pages' addresses (the English labels are not known here).
    day.visit("/admin/", "en-home")
    _assert_english(day)
    day.visit("/admin/snippets/casework/referral/", "en-list-empty")
    _assert_english(day)
    day.click(
        page.locator('a[href$="/admin/snippets/casework/referral/add/"]').first, "en-new-referral"
    )
    _assert_english(day)
    assert "New referral" in page.locator("body").inner_text()
    tax_code = f.make_tax_code(4242, birth_date=BIRTH, sex="F")
    page.locator("form[method=post] input[name=tax_code]").fill(tax_code)
    page.locator("input[name=first_name]").fill("Giovanna")
    page.locator("input[name=last_name]").fill("Zanetti")
    type_date(page, "input[name=birth_date]", "05/03/1985")
    page.locator("select[name=residence_comune]").select_option(label="Lumezzane")
    page.locator("select[name=comune]").select_option(label="Lumezzane")
    page.locator("input[name=protocol]").fill(PROTOCOL)
    type_date(page, "input[name=referred_on]", "15/11/2026")
    day.click(page.locator("form[method=post] button[type=submit]"), "en-referral-saved")
    _assert_english(day)
    referral = Referral.objects.get(protocol=PROTOCOL)
    assert referral.referred_on == datetime.date(2026, 11, 15)  # the Italian way, in English too
    assert referral.beneficiary.birth_date == BIRTH

    day.visit("/admin/snippets/casework/referral/", "en-list")
    _assert_english(day)
    assert "15/11/2026" in page.locator("tbody tr", has_text=PROTOCOL).inner_text()

    page.context.clear_cookies()
    log_in(page, day.base, other)
    day.visit("/admin/snippets/casework/referral/")
    assert PROTOCOL not in page.locator("body").inner_text()
    context.close()
    day.assert_all_pages_clean()
