"""A budget lowered while vouchers are approved: the lowering and the approvals lock the same
budget row, so whatever order they run in, what is committed never exceeds the amount (PostgreSQL
only: SQLite serialises every writer, so the race cannot happen there)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from casework.money import models as money_models
from casework.money import services
from casework.money.selectors import committed_total
from network.models import Comune
from tests import factories as f
from tests.factories import active_pathway, budget, seed_edition

APPROVALS = 10
GROSS = Decimal("244.00")  # a traineeship activation at the seed tariff, VAT included

pytestmark = [
    # serialized_rollback: the flush after the test would otherwise drop the migrated Comuni.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it there)"
    ),
]


def test_lowering_a_budget_while_approving_never_overspends():
    edition = seed_edition()
    comune, _ = Comune.objects.get_or_create(
        istat_code="017096", defaults={"name": "Lumezzane", "cadastral_code": "E738"}
    )
    manager = f.UserFactory(username="pal.abbassa", is_superuser=True)
    plan = budget(comune, edition, GROSS * APPROVALS)
    vouchers = [
        services.create_voucher(active_pathway(comune), kind="traineeship_activation", user=manager)
        for _ in range(APPROVALS)
    ]
    lowered_to = GROSS * (APPROVALS // 2)
    start = threading.Barrier(APPROVALS + 1)
    outcomes = []
    lock = threading.Lock()

    def run(work):
        try:
            start.wait()
            try:
                work()
                result = "ok"
            except ValidationError as error:
                result = error.messages[0]
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    def lower():
        services.set_budget_amount(plan, amount=lowered_to, user=manager)

    works = [lambda v=v: services.approve_voucher(v, user=manager) for v in vouchers]
    threads = [threading.Thread(target=run, args=(w,)) for w in [lower, *works]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == APPROVALS + 1
    plan.refresh_from_db()
    approved = money_models.Voucher.objects.filter(status="approved").count()
    assert committed_total(plan) == GROSS * approved
    assert committed_total(plan) <= plan.amount
    assert plan.amount in (lowered_to, GROSS * APPROVALS)
    assert all(
        o == "ok" or o.startswith(("Il budget non può scendere", "Budget del Comune"))
        for o in outcomes
    )
