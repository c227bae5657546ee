import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from network.choices import OrganisationStatus, PositionStatus
from network.services import MSG_REASON_REQUIRED
from tests import factories as f

pytestmark = pytest.mark.django_db

QUEUE = "network_moderation:index"


@pytest.fixture
def staff_client(client, agency_operator):
    client.force_login(agency_operator)
    return client


@pytest.fixture
def submission(db):
    organisation = f.HostOrganisationFactory(
        name="Nuova Associazione", status="pending", email="nuova@example.it"
    )
    position = f.PositionFactory(host=organisation, title="Aiuto biblioteca", status="pending")
    return organisation, position


def test_the_queue_lists_pending_submissions(staff_client, submission):
    approved = f.HostOrganisationFactory(name="Ente Già Approvato", status="approved")
    f.PositionFactory(host=approved, title="Nuova posizione di ente noto", status="pending")
    f.HostOrganisationFactory(name="Ente Respinto", status="rejected")
    html = staff_client.get(reverse(QUEUE)).content.decode()
    assert "Nuova Associazione" in html and "Aiuto biblioteca" in html
    assert "Nuova posizione di ente noto" in html
    assert "Ente Respinto" not in html
    assert html.index("Nuova Associazione") < html.index("Nuova posizione di ente noto")


def test_approve_in_one_click_with_its_positions(
    staff_client, submission, django_capture_on_commit_callbacks
):
    organisation, position = submission
    url = reverse("network_moderation:organisation", args=[organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            {"decision": "approve", "reason": "", "with_positions": "on", "next": reverse(QUEUE)},
        )
    assert response.status_code == 302 and response.url == reverse(QUEUE)
    organisation.refresh_from_db()
    position.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert position.status == PositionStatus.OPEN
    assert len(mail.outbox) == 2


def test_reject_in_one_click_needs_the_reason(staff_client, submission):
    organisation, _position = submission
    url = reverse("network_moderation:organisation", args=[organisation.pk])
    response = staff_client.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert escape(str(MSG_REASON_REQUIRED)) in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    response = staff_client.post(url, {"decision": "reject", "reason": "Dati incompleti."})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED
    assert organisation.status_reason == "Dati incompleti."


def test_suspend_from_the_decision_page(staff_client):
    organisation = f.HostOrganisationFactory(status="approved")
    url = reverse("network_moderation:organisation", args=[organisation.pk])
    html = staff_client.get(url).content.decode()
    assert 'value="suspend"' in html and 'value="reject"' not in html
    staff_client.post(url, {"decision": "suspend", "reason": "Convenzione scaduta."})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.SUSPENDED


def test_position_decisions(staff_client):
    host = f.HostOrganisationFactory(status="approved")
    position = f.PositionFactory(host=host, status="pending")
    url = reverse("network_moderation:position", args=[position.pk])
    staff_client.post(url, {"decision": "approve"})
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN


def test_social_workers_cannot_moderate(client, social_worker_a, submission):
    organisation, _position = submission
    client.force_login(social_worker_a)
    # Wagtail answers a denied admin view with a redirect to the dashboard.
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    url = reverse("network_moderation:organisation", args=[organisation.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def test_admin_home_shows_the_pending_count(client, programme_manager, social_worker_a, submission):
    f.PositionFactory(host=f.HostOrganisationFactory(status="approved"), status="pending")
    client.force_login(programme_manager)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Richieste degli enti da verificare" in html
    assert "<strong>1</strong> ente e" in html and "<strong>2</strong> posizioni" in html
    client.force_login(social_worker_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Richieste degli enti da verificare" not in html


def test_the_organisation_listing_puts_pending_first(staff_client):
    f.HostOrganisationFactory(name="AAA Approvato", status="approved")
    f.HostOrganisationFactory(name="ZZZ In attesa", status="pending")
    html = staff_client.get(
        reverse("wagtailsnippets_network_hostorganisation:list")
    ).content.decode()
    assert html.index("ZZZ In attesa") < html.index("AAA Approvato")
    assert "Decidi (approva, respingi, sospendi)" in html


def test_the_position_listing_shows_free_seats(staff_client):
    position = f.PositionFactory(seats=3)
    f.PathwayFactory(position=position, host=position.host, status="active")
    html = staff_client.get(reverse("wagtailsnippets_network_position:list")).content.decode()
    assert "2 / 3" in html


def test_staff_edit_the_neighbours_of_a_comune(client, programme_manager):
    client.force_login(programme_manager)
    collio, irma = f.comune("Collio"), f.comune("Irma")
    url = reverse("wagtailsnippets_network_comune:edit", args=[collio.pk])
    response = client.get(url)
    assert response.status_code == 200
    neighbours = [str(pk) for pk in collio.neighbours.values_list("pk", flat=True)]
    response = client.post(url, {"neighbours": [*neighbours, str(irma.pk)]})
    assert response.status_code == 302
    assert irma in collio.neighbours.all()
    assert collio in irma.neighbours.all()  # symmetrical
    assert client.get(reverse("wagtailsnippets_network_comune:add")).status_code in (302, 403)
