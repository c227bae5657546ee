"""A small, fully known dataset for the reports: every expected figure in the tests can be
worked out by hand from this file (first quarter and first semester of 2017)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from casework.models import Budget, FollowUp, Invoice, InvoiceLine, TutoringSession, Voucher
from tests import factories as f

D = datetime.date
Q1 = (D(2017, 1, 1), D(2017, 3, 31))
H1 = (D(2017, 1, 1), D(2017, 6, 30))


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def make_voucher(pathway, edition, kind, quantity, status, decided_on=None):
    unit = Decimal("200.00") if kind.endswith("activation") else Decimal("21.00")
    net = (unit * Decimal(quantity)).quantize(Decimal("0.01"))
    vat = (net * Decimal("0.22")).quantize(Decimal("0.01"))
    return Voucher.objects.create(
        pathway=pathway,
        comune=pathway.comune,
        edition=edition,
        kind=kind,
        quantity=Decimal(quantity),
        unit_net=unit,
        vat_rate=Decimal("22.00"),
        net=net,
        vat=vat,
        gross=net + vat,
        status=status,
        decided_at=noon(decided_on) if decided_on else None,
    )


def pathway(referral, pathway_type, intake_on, activated_on=None, **fields):
    return f.PathwayFactory(
        referral=referral,
        pathway_type=pathway_type,
        intake_on=intake_on,
        activated_on=activated_on,
        status="active" if activated_on else "intake",
        **fields,
    )


@pytest.fixture
def report_data(comune_a, comune_b):
    """Lumezzane (A) and Sarezzo (B), edition 2016-2017."""
    edition = f.EditionFactory()
    Budget.objects.create(comune=comune_a, edition=edition, amount=Decimal("10000.00"))
    Budget.objects.create(comune=comune_b, edition=edition, amount=Decimal("5000.00"))

    def referral(comune, on):
        person = f.BeneficiaryFactory(residence_comune=comune)
        return f.ReferralFactory(beneficiary=person, referred_on=on, status="taken_in_charge")

    r0 = referral(comune_a, D(2016, 12, 20))  # before the quarter
    r1 = referral(comune_a, D(2017, 1, 10))
    r2 = referral(comune_a, D(2017, 2, 1))
    referral(comune_a, D(2017, 3, 20))  # not yet taken in charge
    r4 = referral(comune_b, D(2017, 1, 15))

    position = f.PositionFactory(
        host=f.HostOrganisationFactory(comune=comune_a), seats=2, status="open"
    )
    # intake on time / activation on time
    p0 = pathway(r0, "tirocinio", D(2017, 1, 2), D(2017, 1, 10))
    # intake late (due 25/01) / activation late (due 14/02), at the network position
    p1 = pathway(r1, "inserimento", D(2017, 1, 30), D(2017, 3, 1), position=position)
    p2 = pathway(r2, "assistenziale", D(2017, 2, 5))
    p4 = pathway(r4, "tirocinio", D(2017, 1, 20), D(2017, 1, 25))

    p0.status, p0.ended_on, p0.outcome = "completed", D(2017, 5, 31), "hired"
    p0.save()
    p4.status, p4.ended_on, p4.outcome = "interrupted", D(2017, 3, 15), "dropped_out"
    p4.save()

    TutoringSession.objects.create(pathway=p0, on=D(2017, 2, 1), hours=Decimal("2.0"))
    TutoringSession.objects.create(pathway=p0, on=D(2017, 3, 1), hours=Decimal("1.5"))
    TutoringSession.objects.create(pathway=p0, on=D(2017, 4, 3), hours=Decimal("4.0"))
    TutoringSession.objects.create(pathway=p4, on=D(2017, 2, 10), hours=Decimal("3.0"))

    v1 = make_voucher(p0, edition, "traineeship_activation", 1, "approved", D(2017, 1, 12))
    v2 = make_voucher(p0, edition, "tutoring_hour", 10, "invoiced", D(2017, 2, 15))
    make_voucher(p1, edition, "hiring_activation", 1, "proposed")
    make_voucher(p4, edition, "traineeship_activation", 1, "paid", D(2017, 1, 26))
    v5 = make_voucher(p4, edition, "tutoring_hour", 5, "rejected", D(2017, 2, 1))

    invoice_a = Invoice.objects.create(
        comune=comune_a,
        edition=edition,
        period_start=Q1[0],
        period_end=Q1[1],
        number="1/2017",
        issued_on=D(2017, 3, 31),
    )
    line = InvoiceLine.objects.create
    line(
        invoice=invoice_a,
        voucher=v1,
        description="Attivazione tirocinio",
        quantity=1,
        net=Decimal("200.00"),
        vat=Decimal("44.00"),
        gross=Decimal("244.00"),
    )
    line(
        invoice=invoice_a,
        voucher=v2,
        description="Tutoraggio",
        quantity=12,
        net=Decimal("252.00"),
        vat=Decimal("55.44"),
        gross=Decimal("307.44"),
    )
    line(
        invoice=invoice_a,
        voucher=None,
        description="Spese varie",
        quantity=1,
        net=Decimal("40.98"),
        vat=Decimal("9.02"),
        gross=Decimal("50.00"),
    )
    invoice_b = Invoice.objects.create(
        comune=comune_b,
        edition=edition,
        period_start=Q1[0],
        period_end=Q1[1],
        number="2/2017",
        issued_on=D(2017, 3, 31),
    )
    line(
        invoice=invoice_b,
        voucher=v5,
        description="Tutoraggio",
        quantity=5,
        net=Decimal("105.00"),
        vat=Decimal("23.10"),
        gross=Decimal("128.10"),
    )

    FollowUp.objects.create(pathway=p0, on=D(2017, 6, 15), situation="employed")
    FollowUp.objects.create(pathway=p4, on=D(2017, 4, 1), situation="searching")
    FollowUp.objects.create(pathway=p4, on=D(2017, 6, 20), situation="other")

    return SimpleNamespace(edition=edition, a=comune_a, b=comune_b, pathways=[p0, p1, p2, p4])
