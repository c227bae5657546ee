"""The money demo step: the seed's edition and tariffs, a budget for each Comune, vouchers for
the demo pathways; running it twice changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.cases import models as cases_models
from casework.money import demo as demo_money
from casework.money import models as money_models
from casework.permissions import demo
from network.models import Comune
from tests import factories as f

pytestmark = pytest.mark.django_db


def _context():
    class Out:
        def write(self, text):
            pass

    return {"stdout": Out(), "logins": []}


def test_money_demo(comune_a):
    demo.load_users(_context())
    today = timezone.localdate()
    pathway = f.PathwayFactory(
        referral__protocol="DEMO/900",
        referral__comune=comune_a,
        referral__referred_on=today - datetime.timedelta(days=40),
        intake_on=today - datetime.timedelta(days=35),
        activated_on=today - datetime.timedelta(days=20),
        status="active",
    )
    cases_models.TeamMeeting.objects.create(held_on=today - datetime.timedelta(days=5))
    demo_money.load_money(_context())
    seed = money_models.Edition.objects.get(name="2016-2017")
    assert {(t.kind, t.net_amount, t.vat_rate) for t in seed.tariffs.all()} == {
        ("traineeship_activation", Decimal("200.00"), Decimal("22.00")),
        ("hiring_activation", Decimal("200.00"), Decimal("22.00")),
        ("tutoring_hour", Decimal("21.00"), Decimal("22.00")),
    }
    for edition in money_models.Edition.objects.all():
        assert edition.budgets.count() == Comune.objects.count() == 18
    vouchers = pathway.vouchers.order_by("kind")
    assert [(v.kind, v.status) for v in vouchers] == [
        ("traineeship_activation", "invoiced"),  # on the demo invoice
        ("tutoring_hour", "approved"),
    ]
    assert money_models.Invoice.objects.get().lines.get().voucher == vouchers[0]
    assert pathway.tutoring_sessions.exists()
    counts = (
        money_models.Edition.objects.count(),
        money_models.Budget.objects.count(),
        money_models.Voucher.objects.count(),
    )
    demo_money.load_money(_context())
    assert counts == (
        money_models.Edition.objects.count(),
        money_models.Budget.objects.count(),
        money_models.Voucher.objects.count(),
    )
