"""Placements at the same moment cannot overfill a position: ten threads place ten people on a
position with three seats (PostgreSQL only: SQLite serialises every writer, so the race cannot
happen there)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from casework.cases.services import pathways as cases_pathways
from casework.matching import services as matching_services
from network.models import Comune, PathwayTypeOption
from network.selectors import seats_in_use
from tests import factories as f

THREADS = 10
SEATS = 3

pytestmark = [
    # serialized_rollback: the flush after the test would otherwise drop the migrated Comuni.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it there)"
    ),
]


def test_ten_concurrent_placements_on_three_seats():
    comune, _ = Comune.objects.get_or_create(
        istat_code="017096", defaults={"name": "Lumezzane", "cadastral_code": "E738"}
    )
    PathwayTypeOption.objects.get_or_create(code="tirocinio", defaults={"label": "Tirocinio"})
    operator = f.UserFactory(username="agenzia.concorrenza", is_superuser=True)
    host = f.HostOrganisationFactory(comune=comune, status="approved")
    position = f.PositionFactory(host=host, seats=SEATS, pathway_types=["tirocinio"])
    pathways = [
        f.PathwayFactory(
            referral=f.ReferralFactory(
                beneficiary=f.BeneficiaryFactory(residence_comune=comune),
                status="taken_in_charge",
            ),
            status="matching",
        )
        for _ in range(THREADS)
    ]
    start = threading.Barrier(THREADS)
    outcomes = []
    lock = threading.Lock()

    def place(pathway):
        try:
            start.wait()
            try:
                matching_services.place_at_position(pathway, position=position, user=operator)
                result = "placed"
            except ValidationError as error:
                result = error.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(pathway,)) for pathway in pathways]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("placed") == SEATS
    assert set(outcomes) - {"placed"} == {str(cases_pathways.MSG_POSITION_FULL)}
    assert seats_in_use(position) == SEATS
