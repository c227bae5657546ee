import datetime
from decimal import Decimal

import pytest

from casework.money import services as money_services
from tests import factories as f


@pytest.fixture
def placed_pathway(comune_a, agency_operator):
    """An active tirocinio of Lumezzane at a host, with approved vouchers and objectives."""
    edition = f.seed_edition()
    f.budget(comune_a, edition, "5000")
    host = f.HostOrganisationFactory(
        comune=comune_a, name="Cooperativa Il Faro", address="Via Roma 12"
    )
    position = f.PositionFactory(host=host, title="Addetto magazzino", tasks="Inventario")
    pathway = f.active_pathway(
        comune_a,
        host=host,
        position=position,
        referral__beneficiary__first_name="Ottavia",
        referral__beneficiary__last_name="Quercioli",
        referral__beneficiary__birth_date=datetime.date(1980, 1, 1),
        planned_end_on=datetime.date(2017, 3, 31),
        hours_per_week=Decimal("20.5"),
        objectives="Acquisire autonomia nel magazzino.",
        operator=agency_operator,
    )
    for activity in ("desk", "first_interview", "tutoring"):
        pathway.activities.create(activity=activity)
    manager = f.programme_manager(username="pal.vouchers")
    for kind, quantity in (("traineeship_activation", 1), ("tutoring_hour", 10)):
        voucher = money_services.create_voucher(
            pathway, kind=kind, quantity=quantity, on=datetime.date(2016, 10, 1), user=manager
        )
        money_services.approve_voucher(voucher, user=manager)
    return pathway


@pytest.fixture
def other_pathway(comune_b):
    """Someone else's pathway, in Sarezzo."""
    host = f.HostOrganisationFactory(comune=comune_b, name="Associazione Altrove")
    position = f.PositionFactory(host=host, title="Giardiniere")
    return f.active_pathway(
        comune_b,
        host=host,
        position=position,
        referral__beneficiary__first_name="Fulgenzio",
        referral__beneficiary__last_name="Brambillasca",
    )
