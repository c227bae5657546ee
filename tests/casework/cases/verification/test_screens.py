"""The review meetings' screens: recorded and corrected through the admin, listed on the pathway's
page (a fixed number of queries, overdue shown), read by the Comune's social worker, refused to
another Comune's; the overdue ones on the dashboard's deadlines panel."""

import datetime

import pytest
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.cases.verification import services
from casework.cases.verification.models import VerificationMeeting
from casework.cases.verification.selectors import overdue_verifications, pathway_verification
from tests.factories import active_pathway

pytestmark = pytest.mark.django_db

OCT_20 = datetime.date(2016, 10, 20)


@pytest.fixture
def pathway(comune_a):
    return active_pathway(comune_a)


def _meeting(pathway, user, held_on=OCT_20, next_meeting_on=datetime.date(2016, 11, 20)):
    return services.record_verification_meeting(
        pathway,
        held_on=held_on,
        participants=["person", "agency"],
        participant_names="Marta Bonetti",
        minutes="Tutto procede bene.",
        next_meeting_on=next_meeting_on,
        user=user,
    )


def _page(pathway):
    return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])


def test_agency_records_through_the_form(client, pathway, agency_operator):
    client.force_login(agency_operator)
    url = reverse("casework_record_verification", args=[pathway.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "held_on": "20/10/2016",
            "participants": ["person", "host"],
            "participant_names": "Luca Ferrari",
            "minutes": "Primo incontro.",
            "next_meeting_on": "21/11/2016",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(_page(pathway) + "#incontri-verifica")
    meeting = VerificationMeeting.objects.get()
    assert meeting.next_meeting_on == datetime.date(2016, 11, 21)
    assert meeting.person_took_part and meeting.host_took_part and not meeting.agency_took_part


def test_a_refusal_is_shown_on_the_form(client, pathway, agency_operator):
    client.force_login(agency_operator)
    url = reverse("casework_record_verification", args=[pathway.pk])
    response = client.post(
        url,
        {"held_on": "20/10/2016", "minutes": "x", "next_meeting_on": "19/10/2016"},
    )
    assert response.status_code == 200
    assert str(services.MSG_NEXT_NOT_AFTER) in response.content.decode()
    assert not VerificationMeeting.objects.exists()


def test_edit_screen_corrects_and_is_audited(client, pathway, agency_operator):
    meeting = _meeting(pathway, agency_operator)
    client.force_login(agency_operator)
    url = reverse("casework_edit_verification", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "20/10/2016" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", model="casework.verificationmeeting", object_id=str(meeting.pk)
    ).exists()
    response = client.post(
        url,
        {"held_on": "22/10/2016", "participants": ["agency"], "minutes": "Corretto."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.next_meeting_on, meeting.minutes) == (
        datetime.date(2016, 10, 22),
        None,
        "Corretto.",
    )


def test_pathway_page_lists_them_in_fixed_queries(
    client, pathway, agency_operator, django_assert_max_num_queries
):
    _meeting(pathway, agency_operator)
    client.force_login(agency_operator)
    client.get(_page(pathway))  # warm caches (content types, permissions)
    with django_assert_max_num_queries(60) as few:
        client.get(_page(pathway))
    for day in range(21, 30):
        _meeting(
            pathway, agency_operator, held_on=datetime.date(2016, 10, day), next_meeting_on=None
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_page(pathway))
    text = response.content.decode()
    assert "Incontri di verifica" in text
    assert "Marta Bonetti" in text and "Tutto procede bene." in text
    assert "Registra incontro di verifica" in text
    assert (
        text.count(
            reverse("casework_edit_verification", args=[pathway.verification_meetings.first().pk])
        )
        == 1
    )


def test_overdue_next_meeting_is_shown(client, pathway, agency_operator, social_worker_a):
    _meeting(pathway, agency_operator)  # next one due by 20/11/2016, long past
    data = pathway_verification(pathway, agency_operator)
    assert data["overdue"] and data["next_due"] == datetime.date(2016, 11, 20)
    assert list(overdue_verifications(social_worker_a)) == [pathway]
    client.force_login(social_worker_a)
    text = client.get(_page(pathway)).content.decode()
    assert "Incontro di verifica scaduto" in text
    # The social worker reads, never records nor corrects.
    assert "Registra incontro di verifica" not in text
    assert (
        reverse("casework_edit_verification", args=[pathway.verification_meetings.get().pk])
        not in text
    )
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "casework-verifications-overdue" in dashboard
    assert str(pathway.referral.beneficiary) in dashboard
    # A later meeting without a new date: nothing is due any more.
    _meeting(pathway, agency_operator, held_on=datetime.date(2016, 11, 25), next_meeting_on=None)
    assert not pathway_verification(pathway, agency_operator)["overdue"]
    assert not overdue_verifications(agency_operator).exists()


def test_a_date_still_ahead_is_not_overdue(pathway, agency_operator):
    _meeting(pathway, agency_operator)
    data = pathway_verification(pathway, agency_operator, on=datetime.date(2016, 11, 1))
    assert not data["overdue"]
    assert not overdue_verifications(agency_operator, on=datetime.date(2016, 11, 20)).exists()


def test_other_comune_social_worker_gets_404(client, pathway, agency_operator, social_worker_b):
    meeting = _meeting(pathway, agency_operator)
    client.force_login(social_worker_b)
    assert client.get(_page(pathway)).status_code == 404
    assert client.get(reverse("casework_edit_verification", args=[meeting.pk])).status_code in (
        403,
        404,
    )
    assert not overdue_verifications(social_worker_b).exists()


def test_social_worker_may_not_open_the_record_screen(client, pathway, social_worker_a):
    client.force_login(social_worker_a)
    url = reverse("casework_record_verification", args=[pathway.pk])
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert response.get("Location", "/admin/") == "/admin/"
