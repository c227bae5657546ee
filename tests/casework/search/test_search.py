"""The admin search ("Cerca") and the list searches: people by surname and first name in any
order, partial, accents ignored, by tax code; referrals by protocol; the network; per Comune;
audited; a fixed number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.cases.search import ACCENTED, PLAIN, normalise, people_matching_query
from casework.search import selectors
from casework.search.registration import SEARCH_AREA_ORDER
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("casework_search")


@pytest.fixture
def people(comune_a, comune_b):
    return {
        "chiara": f.BeneficiaryFactory(
            first_name="Chiara", last_name="Rinaldi", residence_comune=comune_a
        ),
        "nicolo": f.BeneficiaryFactory(
            first_name="Nicolò", last_name="Ferrà", residence_comune=comune_a
        ),
        "other": f.BeneficiaryFactory(
            first_name="Chiara", last_name="Bossi", residence_comune=comune_b
        ),
        "marco": f.BeneficiaryFactory(
            first_name="Marco", last_name="Rinaldi", residence_comune=comune_b
        ),
    }


def names(queryset):
    return sorted(str(person) for person in queryset)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rinaldi Chiara", ["Rinaldi Chiara"]),
        ("chiara rinaldi", ["Rinaldi Chiara"]),
        ("  CHIARA   Rinal ", ["Rinaldi Chiara"]),
        ("Chiara", ["Bossi Chiara", "Rinaldi Chiara"]),
        ("rinal", ["Rinaldi Chiara", "Rinaldi Marco"]),
        ("nicolo", ["Ferrà Nicolò"]),
        ("Nicolò ferra", ["Ferrà Nicolò"]),
        ("Rinaldi Nicolò", []),
        ("", []),
    ],
)
def test_people_matching_query(people, query, expected):
    assert names(people_matching_query(query)) == expected


def test_people_by_tax_code(people):
    code = people["chiara"].tax_code
    assert names(people_matching_query(code.lower())) == ["Rinaldi Chiara"]
    assert "Rinaldi Chiara" in names(people_matching_query(code[:9]))


def test_normalise_and_migration_use_the_same_letters():
    from importlib import import_module

    migration = import_module("casework.migrations.0012_search_trigram")
    assert (migration.ACCENTED, migration.PLAIN) == (ACCENTED, PLAIN)
    assert normalise("Nicolò Ferrà") == "NICOLO FERRA"
    assert normalise(ACCENTED) == PLAIN.upper()


def results(response):
    return {
        group.kind.name: [str(row) for row in group.rows] for group in response.context["groups"]
    }


def test_search_screen_finds_people_referrals_and_network(client, programme_manager, people):
    f.ReferralFactory(beneficiary=people["chiara"], protocol="2026/RIN-1")
    host = f.HostOrganisationFactory(name="Cooperativa Rinaldi")
    f.PositionFactory(host=host, title="Magazzino")
    client.force_login(programme_manager)
    response = client.get(URL, {"q": "rinaldi"})
    assert response.status_code == 200
    found = results(response)
    assert found["persone"] == ["Rinaldi Chiara", "Rinaldi Marco"]
    assert found["enti"] == ["Cooperativa Rinaldi"]
    assert len(found["posizioni"]) == 1
    assert found["segnalazioni"] == []
    assert results(client.get(URL, {"q": "rin-1"}))["segnalazioni"] != []
    page = response.content.decode()
    inspect = reverse("wagtailsnippets_casework_beneficiary:inspect", args=[people["chiara"].pk])
    assert f'href="{inspect}"' in page


def test_social_worker_sees_only_their_comune(client, social_worker_a, people):
    client.force_login(social_worker_a)
    found = results(client.get(URL, {"q": "rinaldi"}))
    assert found["persone"] == ["Rinaldi Chiara"]
    found = results(client.get(URL, {"q": "chiara"}))
    assert found["persone"] == ["Rinaldi Chiara"]
    assert "Bossi" not in client.get(URL, {"q": "bossi"}).content.decode()


def test_social_worker_does_not_find_other_comune_referrals(client, social_worker_a, people):
    f.ReferralFactory(beneficiary=people["other"], protocol="B-777")
    client.force_login(social_worker_a)
    assert results(client.get(URL, {"q": "B-777"}))["segnalazioni"] == []


def test_empty_state(client, programme_manager, people):
    client.force_login(programme_manager)
    page = client.get(URL, {"q": "Zzyzx"}).content.decode()
    assert "Nessun risultato per «Zzyzx»." in page


def test_people_shown_are_audited(client, programme_manager, people):
    client.force_login(programme_manager)
    before = AuditEvent.objects.count()
    client.get(URL, {"q": "rinaldi"})
    events = AuditEvent.objects.filter(detail="search")
    assert AuditEvent.objects.count() == before + 2
    assert {event.beneficiary_id for event in events} == {
        people["chiara"].pk,
        people["marco"].pk,
    }
    assert {event.action for event in events} == {AuditEvent.Action.VIEW}


def test_user_without_casework_permissions_is_refused(client, db):
    user = f.UserFactory(username="nessuno", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(URL, {"q": "x"})
    assert response.status_code in (302, 403)
    assert "groups" not in (response.context or {})


def test_pagination_of_one_kind(client, programme_manager, comune_a):
    for n in range(selectors.PAGE_SIZE + 3):
        f.BeneficiaryFactory(
            first_name="Chiara", last_name=f"Rossi{n:02d}", residence_comune=comune_a
        )
    client.force_login(programme_manager)
    response = client.get(URL, {"q": "chiara rossi"})
    assert len(results(response)["persone"]) == selectors.PREVIEW_SIZE
    assert "tipo=persone" in response.content.decode()
    page_two = client.get(URL, {"q": "chiara rossi", "tipo": "persone", "p": 2})
    assert len(results(page_two)["persone"]) == 3
    assert list(results(page_two)) == ["persone"]


def count_queries(client, query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_is_fixed(client, programme_manager, comune_a, comune_b):
    host = f.HostOrganisationFactory(name="Rossi Servizi")
    f.PositionFactory(host=host, title="Rossi 0")
    f.ReferralFactory(
        beneficiary=f.BeneficiaryFactory(
            first_name="Uno", last_name="Rossi", residence_comune=comune_a
        ),
        protocol="ROSSI-0",
    )
    client.force_login(programme_manager)
    client.get(URL, {"q": "rossi"})  # warms the session and permission caches
    one = count_queries(client, "rossi")
    for n in range(1, 30):
        person = f.BeneficiaryFactory(
            first_name="Due", last_name=f"Rossi{n}", residence_comune=(comune_a, comune_b)[n % 2]
        )
        f.ReferralFactory(beneficiary=person, protocol=f"ROSSI-{n}")
        f.PositionFactory(host=f.HostOrganisationFactory(name=f"Rossi {n}"), title=f"Rossi {n}")
    thirty = count_queries(client, "rossi")
    assert one == thirty


def test_search_area_comes_first_in_the_sidebar(client, social_worker_a):
    from django.test import RequestFactory
    from wagtail.admin.search import admin_search_areas

    request = RequestFactory().get("/admin/")
    request.user = social_worker_a
    areas = admin_search_areas.search_items_for_request(request)
    assert areas[0].url == URL
    assert areas[0].order == SEARCH_AREA_ORDER


def test_sidebar_search_goes_to_our_search(client, social_worker_a):
    client.force_login(social_worker_a)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert URL in page


@pytest.mark.parametrize(
    ("list_url", "expected", "absent"),
    [
        ("wagtailsnippets_casework_beneficiary:list", "Rinaldi", "Bossi"),
        ("wagtailsnippets_casework_referral:list", "PROT-CHIARA", "PROT-BOSSI"),
    ],
)
def test_list_searches_accept_surname_and_name(
    client, programme_manager, people, list_url, expected, absent
):
    f.ReferralFactory(beneficiary=people["chiara"], protocol="PROT-CHIARA")
    f.ReferralFactory(beneficiary=people["other"], protocol="PROT-BOSSI")
    client.force_login(programme_manager)
    for query in ("Rinaldi Chiara", "chiara rinaldi"):
        page = client.get(reverse(list_url), {"q": query}).content.decode()
        assert expected in page
        assert absent not in page


def test_list_search_ignores_accents(client, programme_manager, people):
    client.force_login(programme_manager)
    page = client.get(
        reverse("wagtailsnippets_casework_beneficiary:list"), {"q": "nicolo ferra"}
    ).content.decode()
    assert "Ferrà" in page


def test_postgresql_reads_the_trigram_indexes(people):
    """With sequential scans discouraged, the people are still found: every condition of the
    search (normalised surname, first name, tax code) is served by an index of 0003/0012."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_beneficiary")
        cursor.execute("SET enable_seqscan = off")
    try:
        queryset = people_matching_query("nicolo rinal").order_by()
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan" not in plan, plan
        assert "casework_beneficiary_last_name_norm_trgm" in plan, plan
        assert "casework_beneficiary_first_name_norm_trgm" in plan, plan
        assert names(people_matching_query("nicolo ferra")) == ["Ferrà Nicolò"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
