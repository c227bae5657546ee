"""The agenda's screens: booking from the referral's page, the day and week views with their
query count, the actions, the letter and the feed address; scoping per Comune."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.audit.models import AuditEvent
from casework.cases.agenda import services
from casework.cases.agenda.models import Appointment, AppointmentStatus, CalendarFeedToken
from tests import factories as f

pytestmark = pytest.mark.django_db


def referral_page(referral):
    return reverse("wagtailsnippets_casework_referral:inspect", args=[referral.pk])


@pytest.fixture
def referral(comune_a):
    return f.waiting_referral(
        beneficiary__residence_comune=comune_a,
        beneficiary__first_name="Carla",
        beneficiary__last_name="Bianchi",
        protocol="PROT-AG-1",
    )


@pytest.fixture
def operator(db):
    return f.agency_operator(username="agenzia.anna", first_name="Anna", last_name="Verdi")


def test_referral_page_offers_booking_to_the_agency(client, referral, operator):
    client.force_login(operator)
    response = client.get(referral_page(referral))
    html = response.content.decode()
    assert "Fissa il primo appuntamento" in html
    assert reverse("casework_appointment_book", args=[referral.pk]) in html


def test_booking_form_names_operators_and_books(client, referral, operator):
    client.force_login(operator)
    url = reverse("casework_appointment_book", args=[referral.pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anna Verdi" in html
    assert "agenzia.anna" not in html
    assert referral.intake_due_on.strftime("%d/%m/%Y") in html
    starts = f.next_weekday_at(9, 30)
    response = client.post(
        url,
        {
            "date": starts.strftime("%d/%m/%Y"),
            "time": "9.30",
            "operator": operator.pk,
            "duration": "45",
            "late_reason": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == referral_page(referral)
    appointment = Appointment.objects.get(referral=referral)
    assert appointment.starts_at == starts
    page = client.get(referral_page(referral)).content.decode()
    assert "Lettera di convocazione (PDF)" in page
    assert "Fissa il primo appuntamento" not in page


def test_booking_form_shows_the_services_refusal(client, referral, operator):
    client.force_login(operator)
    due = referral.intake_due_on
    late = due + datetime.timedelta(days=2)
    response = client.post(
        reverse("casework_appointment_book", args=[referral.pk]),
        {"date": late.strftime("%d/%m/%Y"), "time": "10:00", "operator": operator.pk},
    )
    assert response.status_code == 200
    expected = services.MSG_LATE_NEEDS_REASON % {"date": due.strftime("%d/%m/%Y")}
    assert expected in response.content.decode().replace("&#x27;", "'")
    assert not Appointment.objects.exists()


def test_social_worker_reads_but_does_not_book(client, referral, social_worker_a, operator):
    f.appointment(referral, operator=operator)
    client.force_login(social_worker_a)
    html = client.get(referral_page(referral)).content.decode()
    assert "Primo appuntamento allo sportello" in html
    assert "Anna Verdi" in html
    assert "Fissa il primo appuntamento" not in html
    assert "Sposta" not in html
    # Wagtail answers a refused permission by sending back to the dashboard.
    response = client.get(reverse("casework_appointment_book", args=[referral.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_other_comune_social_worker_gets_404(client, referral, social_worker_b, operator):
    appointment = f.appointment(referral, operator=operator)
    client.force_login(social_worker_b)
    for name in (
        "casework_appointment_letter",
        "casework_appointment_reschedule",
        "casework_appointment_cancel",
        "casework_appointment_no_show",
        "casework_appointment_attended",
    ):
        assert client.get(reverse(name, args=[appointment.pk])).status_code == 404
    assert client.get(referral_page(referral)).status_code == 404
    book = reverse("casework_appointment_book", args=[referral.pk])
    assert client.get(book).status_code == 404
    response = client.get(
        reverse("casework_agenda")
        + "?view=week&on="
        + timezone.localtime(appointment.starts_at).strftime("%d/%m/%Y")
    )
    assert response.status_code == 200
    assert "PROT-AG-1" not in response.content.decode()


def test_week_view_lists_slots_with_deadline_and_bounded_queries(
    client, operator, django_assert_max_num_queries
):
    starts = f.next_weekday_at(9)
    for index in range(8):
        f.appointment(
            f.waiting_referral(
                beneficiary__first_name="Carla", beneficiary__last_name=f"Bianchi{index}"
            ),
            operator=operator,
            starts_at=starts + datetime.timedelta(hours=index % 4, days=index // 4),
        )
    late = f.waiting_referral(
        referred_on=timezone.localdate() - datetime.timedelta(days=20), protocol="PROT-LATE"
    )
    f.appointment(late, operator=operator, starts_at=starts + datetime.timedelta(hours=5))
    client.force_login(operator)
    url = reverse("casework_agenda") + f"?view=week&on={starts:%d/%m/%Y}"
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("C.B.") == 8  # the week shows initials
    assert "PROT-LATE" in html
    assert "(scaduta)" in html
    assert late.intake_due_on.strftime("%d/%m/%Y") in html
    assert "Anna Verdi" in html
    assert "Settimana successiva" in html


def test_day_view_names_the_person_and_filters_by_operator(client, operator, referral):
    other = f.agency_operator(first_name="Bruno", last_name="Neri")
    starts = f.next_weekday_at(9)
    f.appointment(referral, operator=operator, starts_at=starts)
    f.appointment(f.waiting_referral(protocol="PROT-ALTRO"), operator=other, starts_at=starts)
    client.force_login(operator)
    base = reverse("casework_agenda") + f"?view=day&on={starts:%d/%m/%Y}"
    html = client.get(base).content.decode()
    assert "Carla Bianchi" in html and "PROT-ALTRO" in html
    html = client.get(base + f"&operator={operator.pk}").content.decode()
    assert "Carla Bianchi" in html and "PROT-ALTRO" not in html


def test_empty_week_says_so(client, operator):
    client.force_login(operator)
    html = client.get(reverse("casework_agenda") + "?view=week&on=01/03/2027").content.decode()
    assert "Nessun appuntamento in questa settimana." in html
    assert "Settimana dal 01/03/2027 al 07/03/2027" in html


def test_agenda_menu_item(client, operator, social_worker_a):
    client.force_login(operator)
    assert reverse("casework_agenda") in client.get(reverse("wagtailadmin_home")).content.decode()


def test_reschedule_cancel_no_show_forms(client, referral, operator):
    appointment = f.appointment(referral, operator=operator)
    client.force_login(operator)
    new = f.next_weekday_at(15)
    response = client.post(
        reverse("casework_appointment_reschedule", args=[appointment.pk]),
        {
            "date": new.strftime("%d/%m/%Y"),
            "time": "15:00",
            "operator": operator.pk,
            "reason": "Impegno di lavoro",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == new
    page = client.get(referral_page(referral)).content.decode()
    assert "Spostato" in page and "Impegno di lavoro" in page
    response = client.post(
        reverse("casework_appointment_cancel", args=[appointment.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    response = client.post(
        reverse("casework_appointment_cancel", args=[appointment.pk]),
        {"reason": "Rinuncia"},
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    begun = f.appointment(
        f.waiting_referral(),
        operator=operator,
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    client.post(reverse("casework_appointment_no_show", args=[begun.pk]), {"reason": "Assente"})
    begun.refresh_from_db()
    assert begun.status == AppointmentStatus.NO_SHOW


def test_letter_is_audited(client, referral, operator):
    appointment = f.appointment(referral, operator=operator)
    client.force_login(operator)
    response = client.get(reverse("casework_appointment_letter", args=[appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.beneficiary_id == referral.beneficiary_id
    assert event.comune_id == referral.comune_id


def test_feed_address_shown_once_then_revoked(client, operator):
    client.force_login(operator)
    url = reverse("casework_agenda_feed_token")
    assert "Nessun indirizzo attivo." in client.get(url).content.decode()
    html = client.post(url, {"action": "issue"}).content.decode()
    assert "/agenda/feed/" in html
    token = html.split("/agenda/feed/")[1].split(".ics")[0]
    assert client.get(f"/agenda/feed/{token}.ics").status_code == 200
    again = client.get(url).content.decode()
    assert token not in again and "Indirizzo attivo" in again
    client.post(url, {"action": "revoke"})
    assert client.get(f"/agenda/feed/{token}.ics").status_code == 404
    assert CalendarFeedToken.objects.get().revoked_at is not None


def test_feed_page_is_for_desk_staff(client, social_worker_a):
    client.force_login(social_worker_a)
    response = client.get(reverse("casework_agenda_feed_token"))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
