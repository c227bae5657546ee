"""Demo money: the seed's 2016-2017 edition and tariffs, the editions that cover the demo cases
(which are dated relative to today), a budget for each Comune, and vouchers for the demo
pathways decided at the demo team meeting, with tutoring, timesheets and one agency invoice.
Built through the services, so the demo obeys the same rules as the screens. Idempotent."""

import datetime
from collections import Counter
from contextlib import suppress
from decimal import Decimal

SEED_EDITION = ("2016-2017", datetime.date(2016, 7, 1), datetime.date(2017, 6, 30))


# The seed's prospetto economico: net amounts, all plus VAT at 22%.
SEED_TARIFFS = {
    "traineeship_activation": Decimal("200.00"),
    "hiring_activation": Decimal("200.00"),
    "tutoring_hour": Decimal("21.00"),
}


SEED_VAT = Decimal("22.00")


BUDGET_STEPS = [Decimal(x) for x in ("8000", "12000", "15000", "20000", "25000", "30000")]


TIGHT_COMUNE = "017096"  # Lumezzane: its budget is set near the limit to show the red bar


TUTORING_HOURS = 10


def _edition_around(day):
    """The programme year (1 July - 30 June) that contains ``day``."""
    start_year = day.year if day.month >= 7 else day.year - 1
    return (
        f"{start_year}-{start_year + 1}",
        datetime.date(start_year, 7, 1),
        datetime.date(start_year + 1, 6, 30),
    )


def _editions(now):
    from .models import Edition, Tariff

    wanted = [
        SEED_EDITION,
        _edition_around(now - datetime.timedelta(days=365)),
        _edition_around(now),
    ]
    editions = []
    for name, starts_on, ends_on in dict.fromkeys(wanted):
        edition, _ = Edition.objects.get_or_create(
            name=name, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        for kind, net in SEED_TARIFFS.items():
            Tariff.objects.get_or_create(
                edition=edition, kind=kind, defaults={"net_amount": net, "vat_rate": SEED_VAT}
            )
        editions.append(edition)
    return editions


def _budgets(editions):
    from network.models import Comune

    from .models import Budget

    for edition in editions:
        for n, comune in enumerate(Comune.objects.order_by("name")):
            Budget.objects.get_or_create(
                comune=comune,
                edition=edition,
                defaults={
                    "amount": BUDGET_STEPS[n % len(BUDGET_STEPS)],
                    "criteria": "Priorità a disoccupati di lunga durata residenti nel Comune.",
                },
            )


def _vouchers(context, now, manager, operator):
    from django.core.exceptions import ValidationError

    from casework.cases.choices import PathwayStatus
    from casework.cases.models import Pathway, TeamMeeting
    from network.choices import PathwayType

    from . import services
    from .models import Voucher

    demo = Pathway.objects.filter(referral__protocol__startswith="DEMO/").select_related("referral")
    if Voucher.objects.filter(pathway__in=demo).exists():
        return 0
    meeting = TeamMeeting.objects.order_by("-held_on").first()
    made = 0
    decisions = []
    for pathway in demo.order_by("pk"):
        if pathway.status == PathwayStatus.INTAKE:
            continue
        kinds = []
        if pathway.pathway_type == PathwayType.INSERIMENTO:
            if pathway.host_id is None:
                continue  # hiring is charged once the employer is known
            kinds.append(("hiring_activation", 1))
        else:
            kinds.append(("traineeship_activation", 1))
        if pathway.pathway_type in (PathwayType.TIROCINIO, PathwayType.INSERIMENTO):
            kinds.append(("tutoring_hour", TUTORING_HOURS))
        for kind, quantity in kinds:
            try:
                voucher = services.create_voucher(
                    pathway, kind=kind, quantity=quantity, user=operator
                )
            except ValidationError as error:
                context["stdout"].write(f"  voucher non creato ({pathway}): {error.messages[0]}")
                continue
            made += 1
            # Pathways still looking for a position wait for the next meeting's decision.
            if pathway.activated_on is not None and pathway.status != PathwayStatus.INTERRUPTED:
                decisions.append((voucher, services.DECISION_APPROVE, ""))
    if decisions and meeting is not None:
        services.record_meeting_decisions(meeting, decisions=decisions, user=manager)
    return made


def _delivery(now, operator):
    """Tutoring hours and timesheets for the active and completed demo pathways."""
    from django.core.exceptions import ValidationError

    from casework.cases.models import Pathway

    from . import delivery

    for pathway in Pathway.objects.filter(
        referral__protocol__startswith="DEMO/", activated_on__isnull=False
    ):
        if pathway.tutoring_sessions.exists() or pathway.timesheets.exists():
            continue
        last = min(now, pathway.ended_on or now)
        for offset, hours in ((2, Decimal("2")), (9, Decimal("1.5")), (16, Decimal("2"))):
            on = pathway.activated_on + datetime.timedelta(days=offset)
            if on > last:
                break
            try:
                delivery.record_tutoring_session(
                    pathway, on=on, hours=hours, user=operator, note="Incontro con tutor e ente."
                )
            except ValidationError:
                break  # no tutoring in this pathway's plan, or no approved hours
        # Refused when timesheets are not in this pathway's plan: nothing to record then.
        with suppress(ValidationError):
            delivery.record_timesheet(
                pathway,
                month=pathway.activated_on,
                hours_worked=Decimal("64"),
                payslip_delivered_on=min(now, pathway.activated_on + datetime.timedelta(days=35)),
                user=operator,
            )


def _invoice(now, manager):
    """One agency invoice with a wrong line, so the invoice check has something to show."""
    from . import invoices, services
    from .choices import VoucherKind, VoucherStatus
    from .models import Invoice, Voucher

    if Invoice.objects.filter(number__startswith="DEMO-").exists():
        return
    vouchers = list(
        Voucher.objects.filter(
            pathway__referral__protocol__startswith="DEMO/",
            status=VoucherStatus.APPROVED,
            kind__in=(VoucherKind.TRAINEESHIP_ACTIVATION, VoucherKind.HIRING_ACTIVATION),
        ).select_related("comune", "edition", "pathway")[:50]
    )
    if not vouchers:
        return
    # The Comune and edition with the most vouchers, so the invoice has several lines.
    busiest = Counter((v.comune_id, v.edition_id) for v in vouchers).most_common(1)[0][0]
    same = [v for v in vouchers if (v.comune_id, v.edition_id) == busiest]
    first = same[0]
    lines = []
    for n, voucher in enumerate(same[:3]):
        net = voucher.net if n != 1 else voucher.net + Decimal("20.00")  # invoiced too much
        net, vat, gross = services.voucher_amounts(net, voucher.vat_rate, 1)
        lines.append({"voucher": voucher, "net": net, "vat": vat, "gross": gross})
    start = min(v.pathway.activated_on for v in same[:3])
    invoices.record_invoice(
        comune=first.comune,
        edition=first.edition,
        number=f"DEMO-{now:%Y}-1",
        issued_on=now,
        period_start=start.replace(day=1),
        period_end=now,
        lines=lines,
        user=manager,
    )


def _tighten(now):
    """Bring one Comune's budget close to its limit, so the overview shows a red bar."""
    from .models import Budget
    from .selectors import budget_summary

    row = (
        budget_summary(edition=None)
        .filter(
            comune__istat_code=TIGHT_COMUNE, edition__starts_on__lte=now, edition__ends_on__gte=now
        )
        .first()
    )
    if row is not None and row.committed > 0:
        Budget.objects.filter(pk=row.pk).update(
            amount=(row.committed * Decimal("1.05")).quantize(Decimal("1"))
        )


def load_money(context):
    from django.contrib.auth import get_user_model

    from casework.cases.deadlines import today

    User = get_user_model()
    manager = User.objects.filter(username="pal").first()
    operator = User.objects.filter(username="agenzia").first()
    now = today()
    editions = _editions(now)
    _budgets(editions)
    made = _vouchers(context, now, manager, operator)
    if made:
        _tighten(now)
    _delivery(now, operator)
    _invoice(now, manager)
    names = ", ".join(e.name for e in editions)
    context["stdout"].write(f"  edizioni: {names}; voucher demo creati ora: {made}")
