"""What leaves the system: the calendar feed (initials and protocol only) and the person's letter
(their name, the date, the desk's address, nobody else's data)."""

import io

import pytest
from django.utils import timezone

from casework.cases.agenda import services
from casework.cases.agenda.feed import operator_feed
from casework.cases.agenda.letter import appointment_letter_pdf
from casework.cases.agenda.models import DeskSettings
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return f.agency_operator(first_name="Anna", last_name="Verdi")


def test_feed_carries_initials_and_protocol_only(client, operator):
    referral = f.waiting_referral(
        beneficiary__first_name="Carla", beneficiary__last_name="Bianchi", protocol="PROT-77"
    )
    appointment = f.appointment(referral, operator=operator)
    f.appointment(
        f.waiting_referral(beneficiary__first_name="Ugo", beneficiary__last_name="Altri"),
        operator=f.agency_operator(),
    )
    token = services.issue_feed_token(user=operator)
    response = client.get(f"/agenda/feed/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    from icalendar import Calendar

    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["summary"]) == "Primo colloquio C.B. – prot. PROT-77"
    assert events[0].decoded("dtstart") == appointment.starts_at
    person = referral.beneficiary
    for secret in (person.first_name, person.last_name, person.tax_code, "Ugo", "Altri"):
        assert secret not in body


def test_unknown_token_is_404(client):
    assert client.get("/agenda/feed/nonesiste.ics").status_code == 404


def test_feed_of_an_account_no_longer_at_the_desk_is_404(client, operator):
    token = services.issue_feed_token(user=operator)
    operator.groups.clear()
    assert client.get(f"/agenda/feed/{token}.ics").status_code == 404


def test_feed_lists_no_cancelled_appointment(operator):
    appointment = f.appointment(operator=operator)
    services.cancel_appointment(appointment, user=operator, reason="Annullato")
    assert b"VEVENT" not in operator_feed(operator)


def test_letter_has_name_date_address_and_nobody_else(operator):
    desk = DeskSettings.load()
    desk.address = "Via Matteotti 12, 25063 Gardone Val Trompia"
    desk.opening_hours = "Martedì 9-12"
    desk.phone = "030 1234567"
    desk.save()
    referral = f.waiting_referral(
        beneficiary__first_name="Carla", beneficiary__last_name="Bianchi", protocol="PROT-9"
    )
    other = f.waiting_referral(beneficiary__first_name="Ugo", beneficiary__last_name="Altri")
    f.appointment(other, operator=operator)
    appointment = f.appointment(
        referral, operator=operator, starts_at=f.next_weekday_at(11, 15, days_ahead=2)
    )
    from pypdf import PdfReader

    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(appointment_letter_pdf(appointment).read())).pages
    )
    local = timezone.localtime(appointment.starts_at)
    assert "Carla Bianchi" in text
    assert f"{local:%d/%m/%Y} alle ore 11:15" in text
    assert "Via Matteotti 12" in text
    assert "Martedì 9-12" in text
    assert "030 1234567" in text
    assert "PROT-9" in text
    assert "Anna Verdi" in text
    assert "Cosa portare" in text
    for secret in ("Ugo", "Altri", referral.beneficiary.tax_code, other.protocol):
        assert secret not in text
