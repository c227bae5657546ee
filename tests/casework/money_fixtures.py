"""Shared set-up of the money tests: the 2016-2017 edition at the seed's tariffs and budgets."""

import datetime
from decimal import Decimal

from casework import models as cw
from tests import factories as f

SEED_TARIFFS = {
    "traineeship_activation": Decimal("200.00"),
    "hiring_activation": Decimal("200.00"),
    "tutoring_hour": Decimal("21.00"),
}


def seed_edition():
    edition = f.EditionFactory()
    for kind, net in SEED_TARIFFS.items():
        cw.Tariff.objects.get_or_create(
            edition=edition, kind=kind, defaults={"net_amount": net, "vat_rate": Decimal("22")}
        )
    return edition


def budget(comune, edition, amount):
    return cw.Budget.objects.create(comune=comune, edition=edition, amount=Decimal(amount))


def active_pathway(comune, *, pathway_type="tirocinio", host=None, activated_on=None, **kwargs):
    activated_on = activated_on or datetime.date(2016, 10, 1)
    return f.PathwayFactory(
        referral__beneficiary__residence_comune=comune,
        referral__comune=comune,
        pathway_type=pathway_type,
        host=host,
        activated_on=activated_on,
        status="active",
        **kwargs,
    )
