"""The money screens: budget overview (fixed queries at scale), team-meeting decisions, invoice
check, voucher proposal and actions; social workers see their own Comune only, read-only."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from casework.cases import models as cases_models
from casework.money import delivery as money_delivery
from casework.money import invoices as money_invoices
from casework.money import models as money_models
from casework.money import services as money_services
from network.models import Comune
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db

OVERVIEW = "casework_budget_overview:index"
INVOICE_CHECK = "casework_invoice_check:index"


@pytest.fixture
def edition(db):
    return seed_edition()


def _proposed(comune, pal, kind="traineeship_activation", quantity=1, **kwargs):
    return money_services.create_voucher(
        active_pathway(comune, **kwargs), kind=kind, quantity=quantity, user=pal
    )


def _approved(comune, pal, **kwargs):
    return money_services.approve_voucher(_proposed(comune, pal, **kwargs), user=pal)


# --- budget overview -----------------------------------------------------------------------------


def test_overview_shows_amounts_and_flags_budgets_past_ninety_percent(
    client, edition, comune_a, comune_b, programme_manager
):
    budget(comune_a, edition, "1000.00")
    budget(comune_b, edition, "250.00")
    _approved(comune_a, programme_manager)  # 244.00 of 1000: 24.4%
    _approved(comune_b, programme_manager)  # 244.00 of 250: 97.6%
    client.force_login(programme_manager)
    response = client.get(reverse(OVERVIEW))
    assert response.status_code == 200
    rows = {row.comune.name: row for row in response.context["rows"]}
    assert rows["Lumezzane"].remaining == Decimal("756.00")
    assert rows["Lumezzane"].percent_used == Decimal("24.4")
    assert not rows["Lumezzane"].over_warning
    assert rows["Sarezzo"].over_warning
    html = response.content.decode()
    assert "€ 1.000,00" in html and "€ 756,00" in html
    assert html.count("casework-budget--warning") == 1
    assert response.context["totals"]["committed"] == Decimal("488.00")
    # The other 16 Comuni are listed as having no budget.
    assert len(response.context["without_budget"]) == Comune.objects.count() - 2


def test_overview_without_any_edition_says_so(client, programme_manager):
    client.force_login(programme_manager)
    response = client.get(reverse(OVERVIEW))
    assert response.status_code == 200
    assert "Nessuna edizione" in response.content.decode()


def test_overview_fixed_queries_for_18_comuni_and_100000_vouchers(
    client, edition, programme_manager
):
    comuni = list(Comune.objects.order_by("name"))
    assert len(comuni) == 18
    pathways = []
    for comune in comuni:
        budget(comune, edition, "50000.00")
        pathways.append(active_pathway(comune))
    client.force_login(programme_manager)
    url = reverse(OVERVIEW)
    client.get(url)  # warm the session and permission caches

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # All the money is summed by one query, whatever the number of vouchers.
        assert sum("casework_voucher" in q["sql"] for q in queries.captured_queries) == 1
        return len(queries), response

    few, _ = count_queries()
    statuses = ["proposed", "approved", "invoiced", "paid", "rejected"]
    money_models.Voucher.objects.bulk_create(
        (
            money_models.Voucher(
                pathway=pathways[n % 18],
                comune_id=pathways[n % 18].comune_id,
                edition=edition,
                kind="tutoring_hour",
                quantity=1,
                unit_net=Decimal("21.00"),
                vat_rate=Decimal("22.00"),
                net=Decimal("21.00"),
                vat=Decimal("4.62"),
                gross=Decimal("25.62"),
                status=statuses[n % 5],
            )
            for n in range(100_000)
        ),
        batch_size=5000,
    )
    many, response = count_queries()
    assert many == few
    assert many <= 16  # most of them are the admin's own (session, user, menu)
    row = next(r for r in response.context["rows"] if r.comune == pathways[0].comune)
    # 100000 / 18 vouchers per Comune, 3 of every 5 committed: exact sums from the database.
    per_comune = money_models.Voucher.objects.filter(
        comune=row.comune, status__in=statuses[1:4]
    ).count()
    assert row.committed == Decimal("25.62") * per_comune
    assert str(row.committed) == str(Decimal("25.62") * per_comune)  # exact cents
    assert row.remaining.as_tuple().exponent == -2


def test_social_worker_sees_only_own_comune_budget(
    client, edition, comune_a, comune_b, social_worker_a, programme_manager
):
    budget(comune_a, edition, "1000.00")
    budget(comune_b, edition, "9999.00")
    client.force_login(social_worker_a)
    response = client.get(reverse(OVERVIEW))
    assert response.status_code == 200
    assert [row.comune for row in response.context["rows"]] == [comune_a]
    assert "9.999,00" not in response.content.decode()
    assert "Sarezzo" not in response.content.decode()


def test_social_worker_budget_and_voucher_lists_are_scoped_and_read_only(
    client, edition, comune_a, comune_b, social_worker_a, programme_manager
):
    budget(comune_a, edition, "1000.00")
    budget(comune_b, edition, "1000.00")
    own = _proposed(comune_a, programme_manager)
    other = _proposed(comune_b, programme_manager)
    client.force_login(social_worker_a)
    listing = client.get(reverse("wagtailsnippets_casework_voucher:list"))
    assert listing.status_code == 200
    shown = {v.pk for v in listing.context["object_list"]}
    assert shown == {own.pk}
    budgets = client.get(reverse("wagtailsnippets_casework_budget:list"))
    assert {b.comune_id for b in budgets.context["object_list"]} == {comune_a.pk}
    inspect = client.get(reverse("wagtailsnippets_casework_voucher:inspect", args=[own.pk]))
    assert inspect.status_code == 200
    assert reverse("wagtailsnippets_casework_voucher:approve", args=[own.pk]) not in (
        inspect.content.decode()
    )
    for name in ("approve", "reject", "cancel", "edit"):
        url = reverse(f"wagtailsnippets_casework_voucher:{name}", args=[own.pk])
        assert client.get(url).status_code in (302, 403), name
        assert client.post(url, {"reason": "x", "note": "x"}).status_code in (302, 403), name
    own.refresh_from_db()
    assert own.status == "proposed"
    other_url = reverse("wagtailsnippets_casework_voucher:inspect", args=[other.pk])
    assert client.get(other_url).status_code == 404
    assert client.get(reverse("wagtailsnippets_casework_voucher:add")).status_code in (302, 403)
    assert client.get(reverse(INVOICE_CHECK)).status_code in (302, 403)


# --- team meeting --------------------------------------------------------------------------------


def test_meeting_screen_decides_several_vouchers_at_once(
    client, edition, comune_a, comune_b, programme_manager
):
    budget(comune_a, edition, "1000.00")
    budget(comune_b, edition, "1000.00")
    cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 9, 20))
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    yes = _proposed(comune_a, programme_manager)
    no = _proposed(comune_b, programme_manager, kind="tutoring_hour", quantity=30)
    later = _proposed(comune_b, programme_manager)
    client.force_login(programme_manager)
    url = reverse("casework_meeting_decisions", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [v.pk for v in page.context["form"].vouchers] == [yes.pk, no.pk, later.pk]
    response = client.post(
        url,
        {
            f"decision_{yes.pk}": "approve",
            f"decision_{no.pk}": "reject",
            f"note_{no.pk}": "Ore da ridurre",
            f"decision_{later.pk}": "",
        },
    )
    assert response.status_code == 302
    for voucher in (yes, no, later):
        voucher.refresh_from_db()
    assert (yes.status, yes.meeting_id) == ("approved", meeting.pk)
    assert (no.status, no.decision_note) == ("rejected", "Ore da ridurre")
    assert later.status == "proposed"
    after = client.get(url)
    assert [v.pk for v in after.context["form"].vouchers] == [later.pk]
    assert {v.pk for v in after.context["decided"]} == {yes.pk, no.pk}


def test_meeting_screen_saves_what_fits_and_shows_the_rest_at_the_top(
    client, edition, comune_a, programme_manager
):
    budget(comune_a, edition, "300.00")
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    first = _proposed(comune_a, programme_manager)
    second = _proposed(comune_a, programme_manager)
    client.force_login(programme_manager)
    url = reverse("casework_meeting_decisions", args=[meeting.pk])
    response = client.post(
        url, {f"decision_{first.pk}": "approve", f"decision_{second.pk}": "approve"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "proposed")
    html = client.get(url).content.decode()
    reason = "superato di € 188,00: disponibili € 56,00, il voucher vale € 244,00"
    # Once at the top (before the agenda's table), once on the voucher's own row.
    assert html.count(reason) == 2
    summary = html.index('id="non-registrati"')
    assert summary < html.index('class="listing zo-decisions"')
    row = html[html.index(f'id="voucher-{second.pk}"') :]
    assert reason in row[: row.index("</tr>")]
    assert "1 approvati, 0 respinti" in html
    # Shown once: a reload no longer lists the refusal.
    assert reason not in client.get(url).content.decode()


def test_meeting_screen_approve_all_that_fit(client, edition, comune_a, programme_manager):
    budget(comune_a, edition, str(Decimal("244.00") * 18))
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    vouchers = [_proposed(comune_a, programme_manager) for _ in range(20)]
    late = _proposed(comune_a, programme_manager)  # proposed after the page was opened
    client.force_login(programme_manager)
    url = reverse("casework_meeting_decisions", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Approva tutti quelli che rientrano nel budget" in page
    assert page.count("non rientra</span>") == 3
    response = client.post(url, {"approve_all": "1", "voucher": [v.pk for v in vouchers]})
    assert response.status_code == 302
    statuses = dict(money_models.Voucher.objects.values_list("pk", "status"))
    assert [statuses[v.pk] for v in vouchers] == ["approved"] * 18 + ["proposed"] * 2
    assert statuses[late.pk] == "proposed"
    after = client.get(url)
    assert [row["pk"] for row in after.context["refused"]] == [v.pk for v in vouchers[18:]]
    assert "2 voucher non registrati" in after.content.decode()


MEETING_PAGE_QUERIES = 17


def test_meeting_screen_fixed_number_of_queries(
    client, edition, comune_a, comune_b, programme_manager
):
    """The decision page reads the agenda, its budgets and the meeting's decisions in a fixed
    number of queries however many vouchers wait (3 or 15)."""
    budget(comune_a, edition, "10000.00")
    budget(comune_b, edition, "10000.00")
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    client.force_login(programme_manager)
    url = reverse("casework_meeting_decisions", args=[meeting.pk])

    def add(count):
        for number in range(count):
            voucher = _proposed(comune_a if number % 2 else comune_b, programme_manager)
            if number % 3 == 0:
                money_services.approve_voucher(voucher, user=programme_manager, meeting=meeting)

    counts = []
    for count in (3, 12):
        add(count)
        client.get(url)  # warms the per-user caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["form"].vouchers) == 10
    assert len(response.context["decided"]) == 5
    assert counts == [MEETING_PAGE_QUERIES] * 2, counts


def test_meeting_form_agenda_links_to_the_decision_screen(
    client, edition, comune_a, programme_manager
):
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    voucher = _proposed(comune_a, programme_manager)
    client.force_login(programme_manager)
    response = client.get(reverse("wagtailsnippets_casework_teammeeting:edit", args=[meeting.pk]))
    html = response.content.decode()
    assert "Voucher in attesa di decisione" in html
    assert str(voucher.pathway.referral.beneficiary) in html
    assert reverse("casework_meeting_decisions", args=[meeting.pk]) in html


@pytest.mark.parametrize("role", ["social_worker_a", "agency_operator"])
def test_only_the_programme_manager_records_decisions(client, edition, comune_a, role, request):
    user = request.getfixturevalue(role)
    voucher = _proposed(comune_a, request.getfixturevalue("programme_manager"))
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    client.force_login(user)
    url = reverse("casework_meeting_decisions", args=[meeting.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {f"decision_{voucher.pk}": "approve"}).status_code in (302, 403)
    approve = reverse("wagtailsnippets_casework_voucher:approve", args=[voucher.pk])
    assert client.post(approve, {"note": ""}).status_code in (302, 403)
    voucher.refresh_from_db()
    assert voucher.status == "proposed"


# --- invoice check -------------------------------------------------------------------------------


def test_invoice_check_lists_differences_line_by_line(
    client, edition, comune_a, comune_b, programme_manager
):
    pal = programme_manager
    budget(comune_a, edition, "5000.00")
    budget(comune_b, edition, "5000.00")
    right = _approved(comune_a, pal)  # activated 01/10/2016, invoiced correctly
    wrong = _approved(comune_a, pal)  # invoiced at the wrong price
    missing = _approved(comune_a, pal)  # not invoiced at all
    tutored = wrong.pathway
    cases_models.PathwayActivity.objects.create(pathway=tutored, activity="tutoring")
    hours = money_services.approve_voucher(
        money_services.create_voucher(tutored, kind="tutoring_hour", quantity=10, user=pal),
        user=pal,
    )
    money_delivery.record_tutoring_session(
        tutored, on=datetime.date(2016, 11, 3), hours=Decimal("4"), user=pal
    )
    _approved(comune_b, pal)  # another Comune: never in this check
    money_invoices.record_invoice(
        comune=comune_a,
        edition=edition,
        number="FT-12",
        issued_on=datetime.date(2016, 12, 31),
        period_start=datetime.date(2016, 10, 1),
        period_end=datetime.date(2016, 12, 31),
        lines=[
            {"voucher": right, "net": "200.00", "vat": "44.00", "gross": "244.00"},
            {"voucher": wrong, "net": "210.00", "vat": "46.20", "gross": "256.20"},
            {"voucher": hours, "quantity": 5, "net": "105.00", "vat": "23.10", "gross": "128.10"},
            {
                "voucher": None,
                "description": "Spese varie",
                "net": 10,
                "vat": "2.20",
                "gross": "12.20",
            },
        ],
        user=pal,
    )
    client.force_login(pal)
    response = client.get(
        reverse(INVOICE_CHECK),
        {"comune": comune_a.pk, "period_start": "2016-10-01", "period_end": "2016-12-31"},
    )
    assert response.status_code == 200
    check = response.context["check"]
    assert len(check.rows) == 5
    differences = {(row.kind, row.difference) for row in check.differences}
    assert differences == {
        ("Attivazione tirocinio", Decimal("12.20")),  # wrong price
        ("Attivazione tirocinio", Decimal("-244.00")),  # not invoiced
        ("Ora di tutoraggio e monitoraggio", Decimal("25.62")),  # 5 hours invoiced, 4 delivered
        ("", Decimal("12.20")),  # a line with no voucher
    }
    assert check.expected_total == Decimal("244.00") * 3 + Decimal("102.48")
    assert check.invoiced_total == Decimal("640.50")
    html = response.content.decode()
    assert "FT-12" in html and "Spese varie" in html and "Non fatturata" in html
    missing.refresh_from_db()
    assert missing.status == "approved"


def test_invoice_check_rejects_reversed_period(client, edition, comune_a, programme_manager):
    client.force_login(programme_manager)
    response = client.get(
        reverse(INVOICE_CHECK),
        {"comune": comune_a.pk, "period_start": "2016-12-31", "period_end": "2016-10-01"},
    )
    assert "check" not in response.context
    assert "La fine del periodo precede" in response.content.decode()


# --- proposal, actions, tutoring -----------------------------------------------------------------


def test_propose_voucher_screen(client, edition, comune_a, agency_operator):
    pathway = active_pathway(comune_a, pathway_type="assistenziale")
    client.force_login(agency_operator)
    url = reverse("wagtailsnippets_casework_voucher:add")
    assert client.get(url, {"pathway": pathway.pk}).status_code == 200
    refused = client.post(url, {"pathway": pathway.pk, "kind": "tutoring_hour", "quantity": "5"})
    assert refused.status_code == 200
    assert str(money_services.MSG_TUTORING_NOT_PLANNED) in refused.content.decode()
    response = client.post(
        url, {"pathway": pathway.pk, "kind": "traineeship_activation", "quantity": "1"}
    )
    assert response.status_code == 302
    voucher = money_models.Voucher.objects.get()
    assert (voucher.gross, voucher.status, voucher.comune) == (
        Decimal("244.00"),
        "proposed",
        comune_a,
    )


def test_voucher_actions_from_inspect(client, edition, comune_a, programme_manager):
    budget(comune_a, edition, "100.00")
    voucher = _proposed(comune_a, programme_manager)
    client.force_login(programme_manager)
    inspect = client.get(reverse("wagtailsnippets_casework_voucher:inspect", args=[voucher.pk]))
    approve_url = reverse("wagtailsnippets_casework_voucher:approve", args=[voucher.pk])
    assert approve_url in inspect.content.decode()
    refused = client.post(approve_url, {"note": ""})
    assert refused.status_code == 200
    assert "superato di € 144,00" in refused.content.decode()
    money_models.Budget.objects.filter(comune=comune_a).update(amount=Decimal("1000.00"))
    assert client.post(approve_url, {"note": "ok"}).status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == "approved"
    paid_url = reverse("wagtailsnippets_casework_voucher:paid", args=[voucher.pk])
    assert client.post(paid_url).status_code == 200  # not invoiced yet: refused on the form
    invoiced_url = reverse("wagtailsnippets_casework_voucher:invoiced", args=[voucher.pk])
    assert client.post(invoiced_url).status_code == 302
    assert client.post(paid_url).status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == "paid"


def test_record_tutoring_screen(client, edition, comune_a, agency_operator, programme_manager):
    pathway = active_pathway(comune_a)
    budget(comune_a, edition, "1000.00")
    money_services.approve_voucher(
        money_services.create_voucher(
            pathway, kind="tutoring_hour", quantity=3, user=programme_manager
        ),
        user=programme_manager,
    )
    client.force_login(agency_operator)
    url = reverse("casework_record_tutoring", args=[pathway.pk])
    over = client.post(url, {"on": "2016-10-12", "hours": "4"})
    assert over.status_code == 200
    assert "oltre quelle approvate" in over.content.decode()
    assert client.post(url, {"on": "2016-10-12", "hours": "2"}).status_code == 302
    assert pathway.tutoring_sessions.get().hours == Decimal("2")


def test_record_timesheet_screen(client, edition, comune_a, agency_operator):
    pathway = active_pathway(comune_a, pathway_type="assistenziale")
    client.force_login(agency_operator)
    url = reverse("casework_record_timesheet", args=[pathway.pk])
    response = client.post(url, {"month": "2016-10-15", "hours_worked": "60"})
    assert response.status_code == 302
    assert pathway.timesheets.get().month == datetime.date(2016, 10, 1)


def test_pathway_list_offers_money_actions(client, edition, comune_a, agency_operator):
    pathway = active_pathway(comune_a)
    client.force_login(agency_operator)
    response = client.get(reverse("wagtailsnippets_casework_pathway:list"))
    html = response.content.decode()
    assert f"?pathway={pathway.pk}" in html
    assert reverse("casework_record_tutoring", args=[pathway.pk]) in html


def test_every_money_screen_opens_for_the_programme_manager(
    client, edition, comune_a, programme_manager
):
    pal = programme_manager
    budget(comune_a, edition, "5000.00")
    voucher = _approved(comune_a, pal)
    invoice = money_invoices.record_invoice(
        comune=comune_a,
        edition=edition,
        number="FT-1",
        issued_on=datetime.date(2016, 12, 31),
        period_start=datetime.date(2016, 10, 1),
        period_end=datetime.date(2016, 12, 31),
        lines=[{"voucher": voucher, "net": "200.00", "vat": "44.00", "gross": "244.00"}],
        user=pal,
    )
    client.force_login(pal)
    names = [
        ("wagtailsnippets_casework_voucher:list", []),
        ("wagtailsnippets_casework_voucher:edit", [voucher.pk]),
        ("wagtailsnippets_casework_voucher:history", [voucher.pk]),
        ("wagtailsnippets_casework_invoice:list", []),
        ("wagtailsnippets_casework_invoice:add", []),
        ("wagtailsnippets_casework_invoice:edit", [invoice.pk]),
        ("wagtailsnippets_casework_budget:list", []),
        ("wagtailsnippets_casework_budget:edit", [money_models.Budget.objects.get().pk]),
        ("wagtailsnippets_casework_tariff:list", []),
        ("wagtailsnippets_casework_edition:list", []),
        (INVOICE_CHECK, []),
    ]
    for name, args in names:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    history = client.get(reverse("wagtailsnippets_casework_voucher:history", args=[voucher.pk]))
    assert "Voucher approvato" in history.content.decode()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Situazione budget" in menu and "Controllo fatture" in menu


def test_invoice_form_refuses_a_voucher_of_another_comune(
    client, edition, comune_a, comune_b, programme_manager
):
    pal = programme_manager
    budget(comune_b, edition, "5000.00")
    other = _approved(comune_b, pal)
    client.force_login(pal)
    data = {
        "number": "FT-9",
        "issued_on": "2016-12-31",
        "comune": comune_a.pk,
        "edition": edition.pk,
        "period_start": "2016-10-01",
        "period_end": "2016-12-31",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Attivazione",
        "lines-0-voucher": other.pk,
        "lines-0-quantity": "1",
        "lines-0-net": "200.00",
        "lines-0-vat": "44.00",
        "lines-0-gross": "244.00",
        "lines-0-ORDER": "1",
        "lines-0-DELETE": "",
    }
    response = client.post(reverse("wagtailsnippets_casework_invoice:add"), data)
    assert response.status_code == 200
    assert escape(str(money_invoices.MSG_LINE_OTHER_COMUNE)) in response.content.decode()
    assert not money_models.Invoice.objects.exists()
    data["lines-0-voucher"] = ""
    data["comune"] = comune_b.pk
    data["lines-0-voucher"] = other.pk
    response = client.post(reverse("wagtailsnippets_casework_invoice:add"), data)
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "invoiced"
