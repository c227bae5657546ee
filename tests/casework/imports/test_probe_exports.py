"""Probe finding 4: every export or view of personal data leaves one AuditEvent per person
concerned, with the person's and the Comune's ids (so the person's access report shows it), in
a number of queries that does not grow with the number of rows."""

import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.log_actions import log

from casework.models import AuditEvent
from casework.privacy.selectors import access_report
from tests import factories as f

pytestmark = pytest.mark.django_db

EXPORT = AuditEvent.Action.EXPORT
VIEW = AuditEvent.Action.VIEW
PEOPLE_LIST = "wagtailsnippets_casework_beneficiary:list"
SITE_HISTORY = "/admin/reports/site-history/"


def consume(response):
    """The whole body (a CSV streams: its rows, and their queries, come while it is read)."""
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def exported(user, **filters):
    return AuditEvent.objects.filter(action=EXPORT, user=user, **filters)


def people_in(comune, n):
    return [f.BeneficiaryFactory(residence_comune=comune) for _ in range(n)]


def voucher_for(person):
    referral = f.ReferralFactory(beneficiary=person)
    pathway = f.PathwayFactory(referral=referral)
    return f.VoucherFactory(pathway=pathway)


def audit_inserts(captured):
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("INSERT") and "casework_auditevent" in q["sql"]
    ]


# --- Listings (Wagtail's ?export=csv|xlsx) -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_finding_4_people_listing_export_records_every_person(
    client, social_worker_a, comune_a, comune_b, fmt
):
    own = people_in(comune_a, 3)
    people_in(comune_b, 2)  # another Comune's: not exported, not logged
    client.force_login(social_worker_a)

    consume(client.get(reverse(PEOPLE_LIST) + f"?export={fmt}"))

    events = exported(social_worker_a)
    assert sorted(events.values_list("beneficiary_id", flat=True)) == sorted(p.pk for p in own)
    assert set(events.values_list("comune_id", flat=True)) == {comune_a.pk}
    assert set(events.values_list("model", flat=True)) == {"casework.beneficiary"}
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in own)


def test_finding_4_people_listing_export_logs_only_the_filtered_rows(
    client, programme_manager, comune_a, comune_b
):
    people_in(comune_a, 2)
    other = people_in(comune_b, 2)
    client.force_login(programme_manager)

    listing = reverse(PEOPLE_LIST)
    consume(client.get(listing, {"export": "csv", "residence_comune": comune_b.pk}))

    logged = set(exported(programme_manager).values_list("beneficiary_id", flat=True))
    assert logged == {p.pk for p in other}


def test_finding_4_list_results_export_is_logged_too(client, social_worker_a, comune_a):
    # Wagtail's results URL answers ?export= as well as the listing does.
    own = people_in(comune_a, 2)
    client.force_login(social_worker_a)

    consume(
        client.get(reverse("wagtailsnippets_casework_beneficiary:list_results") + "?export=csv")
    )

    assert set(exported(social_worker_a).values_list("beneficiary_id", flat=True)) == {
        p.pk for p in own
    }


@pytest.mark.parametrize(
    "listing",
    [
        "wagtailsnippets_casework_beneficiary:list",
        "wagtailsnippets_casework_referral:list",
        "wagtailsnippets_casework_pathway:list",
        "wagtailsnippets_casework_voucher:list",
    ],
)
def test_finding_4_listing_exports_cost_the_same_queries_for_3_or_30_rows(
    client,
    programme_manager,
    comune_a,
    listing,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    for person in people_in(comune_a, 3):
        voucher_for(person)
    client.force_login(programme_manager)
    url = reverse(listing) + "?export=csv"
    consume(client.get(url))  # warm the caches (content types, permissions)

    with django_assert_max_num_queries(200) as few:
        consume(client.get(url))
    for person in people_in(comune_a, 27):
        voucher_for(person)
    with django_assert_num_queries(len(few.captured_queries)) as many:
        consume(client.get(url))

    assert len(audit_inserts(few)) == len(audit_inserts(many)) == 1
    latest = exported(programme_manager).order_by("-pk")[:30]
    assert all(event.beneficiary_id and event.comune_id == comune_a.pk for event in latest)


# --- Full exports (casework_imports:export) ------------------------------------------------------


@pytest.mark.parametrize("kind", ["people", "referrals", "vouchers"])
def test_finding_4_full_export_records_every_person(client, social_worker_a, comune_a, kind):
    people = people_in(comune_a, 3)
    for person in people:
        voucher_for(person)
    client.force_login(social_worker_a)

    consume(client.get(reverse("casework_imports:export", args=[kind, "csv"])))

    events = exported(social_worker_a)
    assert sorted(events.values_list("beneficiary_id", flat=True)) == sorted(p.pk for p in people)
    assert set(events.values_list("comune_id", flat=True)) == {comune_a.pk}


def test_finding_4_full_export_costs_the_same_queries_for_3_or_30_people(
    client,
    programme_manager,
    comune_a,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    people_in(comune_a, 3)
    client.force_login(programme_manager)
    url = reverse("casework_imports:export", args=["people", "xlsx"])
    consume(client.get(url))

    with django_assert_max_num_queries(200) as few:
        consume(client.get(url))
    people_in(comune_a, 27)
    with django_assert_num_queries(len(few.captured_queries)) as many:
        body = consume(client.get(url))

    assert openpyxl.load_workbook(io.BytesIO(body)).active.max_row == 31
    assert len(audit_inserts(few)) == len(audit_inserts(many)) == 1


# --- Revisions compare ---------------------------------------------------------------------------


def _compare_url(model, obj):
    return reverse(
        f"wagtailsnippets_casework_{model}:revisions_compare",
        kwargs={"pk": obj.pk, "revision_id_a": "earliest", "revision_id_b": "latest"},
    )


def test_finding_4_revisions_compare_records_a_view_of_the_person(
    client, programme_manager, comune_a
):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    referral = f.ReferralFactory(beneficiary=person)
    pathway = f.PathwayFactory(referral=referral)
    for obj in (person, referral, pathway):
        obj.save_revision()
        obj.save_revision()
    client.force_login(programme_manager)

    for model, obj in (("beneficiary", person), ("referral", referral), ("pathway", pathway)):
        assert client.get(_compare_url(model, obj)).status_code == 200
        event = AuditEvent.objects.filter(action=VIEW, model=f"casework.{model}").get()
        assert event.user == programme_manager
        assert event.object_id == str(obj.pk)
        assert event.beneficiary_id == person.pk
        assert event.comune_id == comune_a.pk


def test_finding_4_history_of_a_person_records_a_view(client, social_worker_a, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    person.save_revision()
    client.force_login(social_worker_a)

    url = reverse("wagtailsnippets_casework_beneficiary:history", args=[person.pk])
    assert client.get(url).status_code == 200

    event = AuditEvent.objects.get(action=VIEW, user=social_worker_a)
    assert event.beneficiary_id == person.pk


# --- Site history --------------------------------------------------------------------------------


def _logged_cases(comune, n, user):
    """``n`` people, each with a referral and a pathway, every record logged as edited."""
    people = []
    for person in people_in(comune, n):
        referral = f.ReferralFactory(beneficiary=person)
        pathway = f.PathwayFactory(referral=referral)
        for obj in (person, referral, pathway):
            log(instance=obj, action="wagtail.edit", user=user)
        people.append(person)
    return people


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["programme_manager", "social_worker_a"])
def test_finding_4_site_history_export_records_every_person(
    client, request, comune_a, comune_b, fmt, role
):
    user = request.getfixturevalue(role)
    own = _logged_cases(comune_a, 2, user)
    others = _logged_cases(comune_b, 1, user)
    client.force_login(user)

    consume(client.get(SITE_HISTORY, {"export": fmt}))

    events = exported(user)
    expected = own + (others if role == "programme_manager" else [])
    assert sorted(events.values_list("beneficiary_id", flat=True)) == sorted(
        p.pk for p in expected
    ), "one event per person, whatever the number of their records in the history"
    by_person = dict(events.values_list("beneficiary_id", "comune_id"))
    assert all(by_person[p.pk] == p.residence_comune_id for p in expected)


def test_finding_4_site_history_export_costs_the_same_queries_for_3_or_30_people(
    client,
    social_worker_a,
    comune_a,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    _logged_cases(comune_a, 3, social_worker_a)
    client.force_login(social_worker_a)
    url = SITE_HISTORY + "?export=csv"
    consume(client.get(url))

    with django_assert_max_num_queries(200) as few:
        consume(client.get(url))
    _logged_cases(comune_a, 27, social_worker_a)
    with django_assert_num_queries(len(few.captured_queries)) as many:
        consume(client.get(url))

    assert len(audit_inserts(few)) == len(audit_inserts(many)) == 1
    assert exported(social_worker_a).values("beneficiary_id").distinct().count() == 30


def test_finding_4_site_history_page_itself_is_not_an_export(client, programme_manager, comune_a):
    _logged_cases(comune_a, 1, programme_manager)
    client.force_login(programme_manager)

    assert client.get(SITE_HISTORY).status_code == 200

    assert not exported(programme_manager).exists()


def test_finding_4_site_history_still_needs_admin_access(client, comune_a):
    _logged_cases(comune_a, 1, None)
    nobody = f.UserFactory(username="senza.ruolo")
    client.force_login(nobody)

    response = client.get(SITE_HISTORY, {"export": "csv"})

    assert response.status_code in (302, 403)
    assert not AuditEvent.objects.filter(action=EXPORT).exists()


# --- The person's access report ------------------------------------------------------------------


def test_finding_4_access_report_of_a_person_lists_their_exports(client, social_worker_a, comune_a):
    person = _logged_cases(comune_a, 1, social_worker_a)[0]
    client.force_login(social_worker_a)

    consume(client.get(reverse(PEOPLE_LIST) + "?export=csv"))
    consume(client.get(reverse("casework_imports:export", args=["people", "xlsx"])))
    consume(client.get(SITE_HISTORY + "?export=csv"))

    exports = [
        entry for entry in access_report(person)["accessi"] if entry["azione"] == "Esportazione"
    ]
    assert len(exports) == 3
    assert {entry["utente"] for entry in exports} == {social_worker_a.username}
    assert {entry["id"] for entry in exports} == {str(person.pk)}
