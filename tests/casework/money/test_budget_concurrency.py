"""Two approvals at the same moment cannot overspend a Comune's budget together: 20 threads
approve 20 vouchers against a budget that fits exactly 10 of them (PostgreSQL only: SQLite
serialises every writer, so the race cannot happen there)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from casework.money import models as cw
from casework.money import services
from casework.money.selectors import committed_total
from network.models import Comune
from tests import factories as f
from tests.factories import active_pathway, budget, seed_edition

THREADS = 20
FITS = 10

pytestmark = [
    # serialized_rollback: the flush after the test would otherwise drop the migrated Comuni.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it there)"
    ),
]


def test_twenty_concurrent_approvals_against_a_budget_for_ten():
    edition = seed_edition()
    # Created if missing: a transactional test's flush may have emptied the migrated tables.
    comune, _ = Comune.objects.get_or_create(
        istat_code="017096", defaults={"name": "Lumezzane", "cadastral_code": "E738"}
    )
    manager = f.UserFactory(username="pal.concorrenza", is_superuser=True)
    plan = budget(comune, edition, Decimal("244.00") * FITS)
    vouchers = [
        services.create_voucher(active_pathway(comune), kind="traineeship_activation", user=manager)
        for _ in range(THREADS)
    ]
    start = threading.Barrier(THREADS)
    outcomes = []
    lock = threading.Lock()

    def approve(voucher):
        try:
            start.wait()
            try:
                services.approve_voucher(voucher, user=manager)
                result = "approved"
            except ValidationError as error:
                result = error.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(v,)) for v in vouchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("approved") == FITS
    refusals = [o for o in outcomes if o != "approved"]
    assert len(refusals) == THREADS - FITS
    expected = services.MSG_BUDGET_EXCEEDED % {
        "comune": comune,
        "edition": edition,
        "excess": "€ 244,00",
        "remaining": "€ 0,00",
        "gross": "€ 244,00",
    }
    assert set(refusals) == {expected}
    assert cw.Voucher.objects.filter(status="approved").count() == FITS
    assert committed_total(plan) == plan.amount


def test_concurrent_meetings_approving_all_that_fit_never_overspend():
    """Four meetings at the same moment each approve "all that fit" of the same 40 vouchers of
    two Comuni (in different orders): one lock per budget, taken in the same order, so no
    deadlock, and exactly as many approvals as each budget fits (10 and 5)."""
    import datetime
    import random

    from casework.cases.models import TeamMeeting

    edition = seed_edition()
    first, _ = Comune.objects.get_or_create(
        istat_code="017096", defaults={"name": "Lumezzane", "cadastral_code": "E738"}
    )
    second = Comune.objects.filter(name="Sarezzo").first() or Comune.objects.create(
        name="Sarezzo", istat_code="017172", cadastral_code="I433"
    )
    manager = f.UserFactory(username="pal.equipe.concorrenti", is_superuser=True)
    plans = {
        first.pk: budget(first, edition, Decimal("244.00") * FITS),
        second.pk: budget(second, edition, Decimal("244.00") * 5),
    }
    vouchers = [
        services.create_voucher(active_pathway(comune), kind="traineeship_activation", user=manager)
        for comune in (first, second)
        for _ in range(THREADS)
    ]
    meetings = [
        TeamMeeting.objects.create(held_on=datetime.date(2016, 10, day)) for day in range(1, 5)
    ]
    start = threading.Barrier(len(meetings))
    outcomes = []
    failures = []
    lock = threading.Lock()

    def decide(meeting, order):
        try:
            start.wait()
            outcome = services.approve_all_that_fit(meeting, vouchers=order, user=manager)
            with lock:
                outcomes.append(outcome)
        except Exception as error:  # a deadlock would surface here
            with lock:
                failures.append(repr(error))
        finally:
            connection.close()

    threads = []
    for number, meeting in enumerate(meetings):
        order = list(vouchers)
        random.Random(number).shuffle(order)
        threads.append(threading.Thread(target=decide, args=(meeting, order)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(outcomes) == len(meetings)
    approved = cw.Voucher.objects.filter(status="approved")
    assert approved.filter(comune=first).count() == FITS
    assert approved.filter(comune=second).count() == 5
    assert sum(len(o.approved) for o in outcomes) == FITS + 5
    for plan in plans.values():
        assert committed_total(plan) == plan.amount
