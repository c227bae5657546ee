import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network import services
from tests import factories as f

pytestmark = pytest.mark.django_db


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _network(organisations, positions_each, *, comune="Lumezzane"):
    for _ in range(organisations):
        host = f.HostOrganisationFactory(status="approved", comune=f.comune(comune))
        for _ in range(positions_each):
            f.PositionFactory(host=host, pathway_types=["tirocinio", "assistenziale"])


def test_only_approved_organisations_and_open_positions(client, directory_page):
    approved = f.HostOrganisationFactory(name="Ente Approvato", status="approved")
    f.PositionFactory(host=approved, title="Posizione Aperta", status="open")
    f.PositionFactory(host=approved, title="Posizione In Attesa", status="pending")
    f.PositionFactory(host=approved, title="Posizione Occupata", status="filled")
    f.PositionFactory(host=approved, title="Posizione Chiusa", status="closed")
    for status in ("pending", "rejected", "suspended"):
        host = f.HostOrganisationFactory(name=f"Ente {status}", status=status)
        f.PositionFactory(host=host, title=f"Posto di ente {status}", status="open")
    html = _html(client, directory_page.url)
    assert "Ente Approvato" in html and "Posizione Aperta" in html
    for hidden in (
        "Posizione In Attesa",
        "Posizione Occupata",
        "Posizione Chiusa",
        "Ente pending",
        "Ente rejected",
        "Ente suspended",
        "Posto di ente",
    ):
        assert hidden not in html
    assert "1 ente." in html


def test_rejected_and_suspended_organisations_disappear_at_once(
    client, directory_page, programme_manager
):
    host = f.HostOrganisationFactory(name="Cooperativa Sospendibile", status="approved")
    f.PositionFactory(host=host, title="Magazziniere")
    detail = directory_page.organisation_url(host)
    assert "Magazziniere" in _html(client, directory_page.url)  # now cached
    assert client.get(detail).status_code == 200
    services.suspend_organisation(host, user=programme_manager, reason="Verifica in corso.")
    assert "Cooperativa Sospendibile" not in _html(client, directory_page.url)
    assert client.get(detail).status_code == 404
    pending = f.HostOrganisationFactory(name="Ente Da Respingere", status="pending")
    services.reject_organisation(pending, user=programme_manager, reason="Fuori territorio.")
    assert "Ente Da Respingere" not in _html(client, directory_page.url)
    assert client.get(directory_page.organisation_url(pending)).status_code == 404


def test_filters_by_comune_kind_and_pathway_type(client, directory_page):
    lumezzane, sarezzo = f.comune("Lumezzane"), f.comune("Sarezzo")
    coop = f.HostOrganisationFactory(name="Coop Lumezzane", kind="coop_b", comune=lumezzane)
    f.PositionFactory(host=coop, title="Posto inserimento", pathway_types=["inserimento"])
    assoc = f.HostOrganisationFactory(name="Assoc Sarezzo", kind="associazione", comune=sarezzo)
    f.PositionFactory(host=assoc, title="Posto assistenziale", pathway_types=["assistenziale"])
    url = directory_page.url
    html = _html(client, f"{url}?comune={sarezzo.pk}")
    assert "Assoc Sarezzo" in html and "Coop Lumezzane" not in html
    html = _html(client, f"{url}?kind=coop_b")
    assert "Coop Lumezzane" in html and "Assoc Sarezzo" not in html
    html = _html(client, f"{url}?pathway_type=assistenziale")
    assert "Posto assistenziale" in html and "Posto inserimento" not in html
    html = _html(client, f"{url}?comune={lumezzane.pk}&pathway_type=assistenziale")
    assert directory_page.empty_text in html
    # A tampered filter is ignored, not an error page.
    html = _html(client, f"{url}?comune=999999&kind=%3Cscript%3E&pagina=abc")
    assert "Coop Lumezzane" in html and "<script>" not in html


def test_pagination(client, directory_page):
    _network(25, 1)
    first = _html(client, directory_page.url)
    assert "Pagina 1 di 2" in first and "?pagina=2" in first
    second = _html(client, f"{directory_page.url}?pagina=2")
    assert "Pagina 2 di 2" in second
    assert first.count('class="org-card"') == 20 and second.count('class="org-card"') == 5


def test_the_query_count_does_not_grow_with_the_network(
    client, directory_page, django_assert_max_num_queries
):
    from django.core.cache import cache

    _network(2, 1)
    client.get(directory_page.url)  # warm Wagtail's own site lookups
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        _html(client, f"{directory_page.url}?pathway_type=tirocinio")
    _network(40, 4, comune="Sarezzo")
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = _html(client, f"{directory_page.url}?pathway_type=tirocinio")
    assert html.count('class="org-card"') == 20
    # Wagtail's routing and menu take about eight; the directory's own are six: two filter
    # choice lists, the count, the page of organisations and two prefetches.
    assert len(small.captured_queries) <= 14
    # A cached page runs none of the directory's queries.
    with CaptureQueriesContext(connection) as cached:
        _html(client, f"{directory_page.url}?pathway_type=tirocinio")
    assert len(cached.captured_queries) <= len(small.captured_queries) - 6
    assert not any(
        table in query["sql"]
        for query in cached.captured_queries
        for table in ("network_hostorganisation", "network_position", "network_comune")
    )


def test_organisation_page_shows_contacts_only_when_agreed(client, directory_page):
    private = f.HostOrganisationFactory(
        name="Ente Riservato", email="privato@ente.it", phone="030 111", publish_contacts=False
    )
    public = f.HostOrganisationFactory(
        name="Ente Aperto", email="pubblico@ente.it", phone="030 222", publish_contacts=True
    )
    f.PositionFactory(host=public, title="Segreteria", tasks="Archivio e telefono.")
    html = _html(client, directory_page.organisation_url(private))
    assert "privato@ente.it" not in html and "030 111" not in html
    html = _html(client, directory_page.organisation_url(public))
    assert "pubblico@ente.it" in html and "030 222" in html
    assert "Segreteria" in html and "Archivio e telefono." in html
    assert private.tax_code not in html


def test_nothing_about_beneficiaries_reaches_the_public_pages(client, directory_page):
    host = f.HostOrganisationFactory(name="Ente Ospitante")
    position = f.PositionFactory(host=host, title="Postazione", seats=2)
    person = f.BeneficiaryFactory(first_name="Gianmaria", last_name="Riservatissimo")
    f.PathwayFactory(
        referral=f.ReferralFactory(beneficiary=person, status="taken_in_charge"),
        position=position,
        host=host,
        status="active",
    )
    for url in (directory_page.url, directory_page.organisation_url(host)):
        html = _html(client, url)
        assert "Riservatissimo" not in html and "Gianmaria" not in html
        assert person.tax_code not in html
        assert "liberi" not in html  # occupancy is not published either


def test_the_directory_is_in_the_menu(client, directory_page, registration_page):
    html = _html(client, "/")
    assert f'href="{directory_page.url}"' in html
    assert f'href="{registration_page.url}"' in html


def test_search_by_name(client, directory_page):
    f.PositionFactory(host=f.HostOrganisationFactory(name="Cooperativa Il Girasole"))
    f.PositionFactory(host=f.HostOrganisationFactory(name="Associazione Alpini"))
    html = _html(client, f"{directory_page.url}?q=girasole")
    assert "Cooperativa Il Girasole" in html and "Associazione Alpini" not in html
    html = _html(client, f"{directory_page.url}?q=" + "%E2%82%AC%20%3A%7B%7D" * 3)
    assert directory_page.empty_text in html
