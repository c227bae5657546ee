"""Two bookings of one operator's slot at the same moment: exactly one succeeds (PostgreSQL only:
SQLite serialises every writer, so the race cannot happen there). The booking locks the
operator's user row before it checks the overlap."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from casework.cases.agenda import services
from casework.cases.agenda.models import Appointment
from network.models import Comune
from tests import factories as f

THREADS = 2

pytestmark = [
    # serialized_rollback: the flush after the test would otherwise drop the migrated Comuni.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it there)"
    ),
]


def test_two_bookings_of_one_slot_at_the_same_moment():
    comune, _ = Comune.objects.get_or_create(
        istat_code="017096", defaults={"name": "Lumezzane", "cadastral_code": "E738"}
    )
    operator = f.agency_operator(username="agenzia.concorrenza")
    referrals = [
        f.waiting_referral(beneficiary=f.BeneficiaryFactory(residence_comune=comune))
        for _ in range(THREADS)
    ]
    starts = f.next_weekday_at(10)
    start = threading.Barrier(THREADS)
    outcomes = []
    lock = threading.Lock()

    def book(referral):
        try:
            start.wait()
            try:
                services.book_appointment(
                    referral, starts_at=starts, operator=operator, user=operator
                )
                result = "booked"
            except ValidationError as error:
                result = "refused" if "starts_at" in error.message_dict else error.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(referral,)) for referral in referrals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["booked", "refused"]
    assert Appointment.objects.filter(operator=operator).count() == 1
