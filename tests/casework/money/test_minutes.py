"""The team meeting's minutes as a PDF (casework.money.minutes): participants, cases, each voucher
decision with its amount, the budget left per Comune after the meeting; whole for the programme
manager and the agency, the extract of their own Comune for a social worker (never another
Comune's person, nor the free-text minutes); a fixed number of queries; the download audited."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from casework.audit.models import AuditEvent
from casework.cases.models import TeamMeeting
from casework.money import minutes
from casework.money import services as money_services
from casework.money.models import Edition
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db

OCT_5 = datetime.date(2016, 10, 5)


@pytest.fixture
def meeting(comune_a, comune_b, programme_manager):
    """A meeting on 05/10/2016 discussing a person of each Comune: A's traineeship approved (plus
    an earlier voucher of A decided before), B's refused; a later meeting approves another of A."""
    edition = seed_edition()
    budget(comune_a, edition, "1500.00")
    budget(comune_b, edition, "1000.00")
    earlier = TeamMeeting.objects.create(held_on=datetime.date(2016, 9, 20))
    later = TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 19))
    meeting = TeamMeeting.objects.create(
        held_on=OCT_5,
        participants="Anna Verdi (PAL), Marta Bonetti (agenzia)",
        minutes="Discusso il caso di Sarezzo: la persona cerca un orario ridotto.",
    )
    a = active_pathway(comune_a, referral__beneficiary__last_name="Alberti")
    b = active_pathway(comune_b, referral__beneficiary__last_name="Bertoli")
    meeting.cases.set([a.referral, b.referral])
    old = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=programme_manager
    )
    money_services.approve_voucher(old, user=programme_manager, meeting=earlier)
    approved = money_services.create_voucher(
        a, kind="tutoring_hour", quantity=10, user=programme_manager
    )
    money_services.approve_voucher(approved, user=programme_manager, meeting=meeting)
    refused = money_services.create_voucher(
        b, kind="traineeship_activation", user=programme_manager
    )
    money_services.reject_voucher(
        refused, user=programme_manager, meeting=meeting, reason="Da ridefinire"
    )
    after = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=programme_manager
    )
    money_services.approve_voucher(after, user=programme_manager, meeting=later)
    assert Edition.objects.count() == 1
    return meeting


def _text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _url(meeting):
    return reverse("casework_meeting_minutes", args=[meeting.pk])


def test_programme_manager_gets_the_whole_minutes(client, meeting, programme_manager):
    client.force_login(programme_manager)
    text = _text(client.get(_url(meeting)))
    assert "Verbale dell'équipe congiunta del 05/10/2016" in text
    assert "Anna Verdi (PAL), Marta Bonetti (agenzia)" in text
    assert "Alberti" in text and "Bertoli" in text
    # 10 tutoring hours: 210,00 net + 46,20 VAT = 256,20; the refused activation 244,00.
    assert "€ 256,20" in text and "€ 244,00" in text
    assert "Approvato" in text and "Respinto" in text
    assert "Totale approvato: € 256,20" in text
    # Lumezzane: 1.500,00 - 244,00 (earlier meeting) - 256,20 (this one) = 999,80; the voucher
    # approved at the later meeting is not counted. Sarezzo: nothing committed.
    assert "€ 1.500,00 € 500,20 € 999,80" in text
    assert "€ 1.000,00 € 0,00 € 1.000,00" in text
    assert "orario ridotto" in text


def test_agency_gets_the_whole_minutes_too(client, meeting, agency_operator):
    client.force_login(agency_operator)
    text = _text(client.get(_url(meeting)))
    assert "Bertoli" in text and "Alberti" in text and "orario ridotto" in text


def test_social_worker_gets_only_their_comune(client, meeting, social_worker_a):
    client.force_login(social_worker_a)
    text = _text(client.get(_url(meeting)))
    assert "Estratto per Lumezzane" in text
    assert "Alberti" in text and "€ 256,20" in text and "€ 999,80" in text
    assert "Bertoli" not in text
    assert "Sarezzo" not in text
    assert "€ 244,00" not in text and "€ 1.000,00" not in text
    assert "orario ridotto" not in text  # the free text may name anyone


def test_download_is_audited_per_person(client, meeting, social_worker_a):
    client.force_login(social_worker_a)
    _text(client.get(_url(meeting)))
    events = AuditEvent.objects.filter(action="export", user=social_worker_a)
    assert events.filter(model="casework.teammeeting", object_id=str(meeting.pk)).count() == 1
    people = set(events.exclude(beneficiary_id=None).values_list("beneficiary_id", flat=True))
    alberti = meeting.cases.get(beneficiary__last_name="Alberti").beneficiary_id
    assert people == {alberti}


def test_fixed_number_of_queries(meeting, programme_manager, django_assert_num_queries):
    from casework.permissions.access import visible_comune_ids

    visible_comune_ids(programme_manager)  # the user's role, cached on the user
    with django_assert_num_queries(minutes.QUERIES):
        data = minutes.meeting_minutes(meeting, programme_manager)
        minutes.minutes_pdf(data)
    assert len(data["cases"]) == 2 and len(data["decisions"]) == 2
    assert [row.remaining for row in data["budgets"]] == [Decimal("999.80"), Decimal("1000.00")]


def test_without_view_permission_refused(client, meeting):
    from tests import factories as f

    nobody = f.UserFactory(username="nessuno")
    client.force_login(nobody)
    assert client.get(_url(meeting)).status_code in (302, 403)


def test_the_buttons_lead_to_it(client, meeting, programme_manager):
    client.force_login(programme_manager)
    url = _url(meeting)
    listing = client.get(reverse("wagtailsnippets_casework_teammeeting:list")).content.decode()
    assert url in listing and "Scarica il verbale (PDF)" in listing
    edit = reverse("wagtailsnippets_casework_teammeeting:edit", args=[meeting.pk])
    assert url in client.get(edit).content.decode()
    decisions = reverse("casework_meeting_decisions", args=[meeting.pk])
    assert url in client.get(decisions).content.decode()
